/**
 * DynamoDB throttling, recognised without importing the client (so functions that never touch the table,
 * like /me, stay small). The SDK retries plain throttling errors itself; a throttled transaction is cancelled
 * instead (TransactionCanceledException with a throttling reason), which the SDK does not retry.
 */
const THROTTLING_ERRORS = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);
const THROTTLING_REASONS = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);

export function isThrottled(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (THROTTLING_ERRORS.has(error.name)) return true;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  return error.name === 'TransactionCanceledException' && (reasons ?? []).some((reason) => THROTTLING_REASONS.has(reason.Code ?? ''));
}
