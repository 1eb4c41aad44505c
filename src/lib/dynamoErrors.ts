/**
 * What a DynamoDB error means for the caller, decided from the error alone: pure, importing no client, so
 * functions that never touch the table (like /me) can map errors without bundling the SDK.
 */

interface CancelledTransaction {
  name: 'TransactionCanceledException';
  CancellationReasons?: ReadonlyArray<{ Code?: string }>;
}

function isCancelledTransaction(error: unknown): error is CancelledTransaction {
  return error instanceof Error && error.name === 'TransactionCanceledException';
}

/**
 * Per-item reasons of a cancelled TransactWriteItems, index-aligned with the items sent
 * ('None', 'ConditionalCheckFailed', 'TransactionConflict', ...); undefined for any other error.
 */
export function cancellationReasons(error: unknown): string[] | undefined {
  if (!isCancelledTransaction(error)) return undefined;
  return (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
}

/** Another transaction held one of our items: trying again is the remedy. */
export function isTransactionConflict(error: unknown): boolean {
  if (error instanceof Error && (error.name === 'TransactionConflictException' || error.name === 'TransactionInProgressException')) {
    return true;
  }
  return cancellationReasons(error)?.includes('TransactionConflict') ?? false;
}

const THROTTLING_ERRORS = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);
const THROTTLING_REASONS = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);

/**
 * DynamoDB shed load. The SDK retries plain throttling errors itself; a throttled transaction is cancelled
 * instead (with a throttling reason), which the SDK does not retry.
 */
export function isThrottled(error: unknown): boolean {
  if (error instanceof Error && THROTTLING_ERRORS.has(error.name)) return true;
  return cancellationReasons(error)?.some((reason) => THROTTLING_REASONS.has(reason)) ?? false;
}
