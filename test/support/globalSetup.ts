import { startDynamoDbLocal } from '../../local/dynamodb/server';

// One in-memory DynamoDB Local for the whole jest run. Tests find it through the SDK's standard
// endpoint variable, exactly as the handlers do under the twin.
export default async function globalSetup(): Promise<void> {
  // Lambda runs nodejs24.x; the SDK's notice about local Node 20 would only bury test output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const dynamo = await startDynamoDbLocal();
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  (globalThis as { __dynamo?: typeof dynamo }).__dynamo = dynamo;
}
