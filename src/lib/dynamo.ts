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
