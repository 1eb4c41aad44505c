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

/** Socket errors that mean DynamoDB (or the way to it) is down or restarting, not that the request was wrong. */
const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
/** DynamoDB's own 5xx errors (API reference, "Common Errors": InternalFailure / InternalServerError, ServiceUnavailable). */
const SERVER_ERRORS = new Set(['InternalServerError', 'InternalFailure', 'ServiceUnavailable', 'ServiceUnavailableException', 'TimeoutError']);

/**
 * DynamoDB could not be reached or failed on its side, after the SDK's own retries: a 503 the caller may retry,
 * never a 500 (that is for our bugs). A 4xx from DynamoDB (a missing table, a bad request) is not this.
 */
export function isUnavailable(error: unknown): boolean {
  // Structural, not instanceof: socket errors come from Node's core, which may be another realm than ours.
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, message, $metadata } = error as { name?: unknown; code?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number } };
  if (typeof code === 'string' && CONNECTION_ERRORS.has(code)) return true;
  // The SDK rewraps an error it does not recognise as an Error into a message-only one ("connect ECONNREFUSED …").
  if (typeof message === 'string' && [...CONNECTION_ERRORS].some((c) => message.includes(`connect ${c}`) || message.endsWith(c))) return true;
  if (typeof name === 'string' && SERVER_ERRORS.has(name)) return true;
  const status = $metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 500;
}
