import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requiredEnv } from './env';

/**
 * One client per container, reused by warm invocations. No endpoint here on purpose: the SDK reads
 * AWS_ENDPOINT_URL_DYNAMODB itself, which is how DynamoDB Local is reached in tests and the local twin.
 */
export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

export function tableName(): string {
  return requiredEnv('TABLE_NAME');
}

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
