import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

test('DynamoDB Local answers at the endpoint the run published', async () => {
  const client = new DynamoDBClient({});
  const out = await client.send(new ListTablesCommand({}));
  expect(Array.isArray(out.TableNames)).toBe(true);
  client.destroy();
});
