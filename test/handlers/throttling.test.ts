/**
 * DynamoDB throttling is load, not a caller mistake and not our bug: retried, then a 503 with Retry-After.
 * DynamoDB Local never throttles, so these drive the pure pieces with the errors the SDK raises.
 */
import { ServiceUnavailableError } from '../../src/lib/errors';
import { errorResponse } from '../../src/lib/http';
import { retryOnWriteConflict, WriteConflict } from '../../src/lib/retry';
import { isThrottled } from '../../src/lib/dynamoErrors';

function sdkError(name: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(name), { name, ...extra });
}
const cancelled = (...codes: string[]) => sdkError('TransactionCanceledException', { CancellationReasons: codes.map((Code) => ({ Code })) });

describe('throttling', () => {
  test.each([
    ['ProvisionedThroughputExceededException', sdkError('ProvisionedThroughputExceededException'), true],
    ['ThrottlingException', sdkError('ThrottlingException'), true],
    ['a transaction cancelled for throttling', cancelled('None', 'ThrottlingError'), true],
    ['a transaction cancelled for capacity', cancelled('ProvisionedThroughputExceeded', 'None'), true],
    ['a transaction cancelled by a condition', cancelled('ConditionalCheckFailed'), false],
    ['a validation error', sdkError('ValidationException'), false],
    ['not an error at all', 'ThrottlingException', false],
  ])('%s → throttled: %s', (_name, error, expected) => {
    expect(isThrottled(error)).toBe(expected);
  });

  test('retries run out on throttling → 503, on lost races → 409', async () => {
    await expect(retryOnWriteConflict(() => Promise.reject(new WriteConflict(true)), 2)).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(retryOnWriteConflict(() => Promise.reject(new WriteConflict()), 2)).rejects.toMatchObject({ statusCode: 409 });
  });

  test.each([
    ['a throttling error that outlasted the SDK retries', sdkError('ProvisionedThroughputExceededException')],
    ['our own 503', new ServiceUnavailableError()],
  ])('%s answers 503 with Retry-After', (_name, error) => {
    const response = errorResponse(error);
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['Retry-After']).toBe('1');
    expect(JSON.parse(response.body)).toEqual({ message: 'The service is busy; please retry shortly' });
  });

  test('anything else unexpected stays a 500 that reveals nothing', () => {
    const response = errorResponse(sdkError('ValidationException'));
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({ message: 'Internal server error' });
  });
});
