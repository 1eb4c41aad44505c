import { cancellationReasons, isTransactionConflict } from '../../src/lib/dynamoErrors';
import { ConflictError } from '../../src/lib/errors';
import { retryOnWriteConflict, WriteConflict } from '../../src/lib/retry';

function awsError(name: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(name), { name, ...extra });
}

describe('reading a cancelled transaction', () => {
  test('gives the per-item codes, index-aligned', () => {
    const error = awsError('TransactionCanceledException', {
      CancellationReasons: [{ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }, { Code: 'None' }, {}],
    });
    expect(cancellationReasons(error)).toEqual(['ConditionalCheckFailed', 'None', 'None']);
  });

  test('is undefined for other errors', () => {
    expect(cancellationReasons(awsError('ResourceNotFoundException'))).toBeUndefined();
    expect(cancellationReasons('not even an error')).toBeUndefined();
  });

  test('tells a conflict with another transaction from a failed condition', () => {
    expect(isTransactionConflict(awsError('TransactionCanceledException', { CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }] }))).toBe(true);
    expect(isTransactionConflict(awsError('TransactionConflictException'))).toBe(true);
    expect(isTransactionConflict(awsError('TransactionCanceledException', { CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] }))).toBe(false);
    expect(isTransactionConflict(awsError('ValidationException'))).toBe(false);
  });
});

describe('retryOnWriteConflict', () => {
  test('retries until an attempt succeeds', async () => {
    let attempts = 0;
    const result = await retryOnWriteConflict(async () => {
      attempts++;
      if (attempts < 3) throw new WriteConflict();
      return 'done';
    });
    expect(result).toBe('done');
    expect(attempts).toBe(3);
  });

  test('gives up with a 409 the caller may retry, never a raw error', async () => {
    let attempts = 0;
    const outcome = retryOnWriteConflict(async () => {
      attempts++;
      throw new WriteConflict();
    }, 3);
    await expect(outcome).rejects.toBeInstanceOf(ConflictError);
    await expect(outcome).rejects.toMatchObject({ statusCode: 409 });
    expect(attempts).toBe(3);
  });

  test('does not retry other errors', async () => {
    let attempts = 0;
    await expect(
      retryOnWriteConflict(async () => {
        attempts++;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(attempts).toBe(1);
  });
});
