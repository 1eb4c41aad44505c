import {
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { createTableFromTemplate, createTableInput } from '../../local/dynamodb/tables';
import { linksTableProperties, uniqueTableName } from './linksTable';

const client = new DynamoDBClient({});
const created: string[] = [];

function newName(label: string): string {
  const name = uniqueTableName(label);
  created.push(name);
  return name;
}

afterAll(async () => {
  for (const name of created) await client.send(new DeleteTableCommand({ TableName: name })).catch(() => undefined);
  client.destroy();
});

const fullProperties = {
  TableName: 'ignored-the-caller-names-the-table',
  BillingMode: 'PROVISIONED',
  ProvisionedThroughput: { ReadCapacityUnits: '5', WriteCapacityUnits: 5 },
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
    { AttributeName: 'gsi1pk', AttributeType: 'S' },
    { AttributeName: 'score', AttributeType: 'N' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: 'byGsi1',
      KeySchema: [
        { AttributeName: 'gsi1pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['title'] },
      ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 2 },
    },
  ],
  LocalSecondaryIndexes: [
    {
      IndexName: 'byScore',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'score', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ],
  StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
  TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
  PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
  SSESpecification: { SSEEnabled: true },
  DeletionProtectionEnabled: true,
  Tags: [{ Key: 'team', Value: 'links' }],
};

describe('createTableFromTemplate', () => {
  test('builds LinksTable from api-stack/template.yaml, and a second call is not an error', async () => {
    const name = newName('template');

    await createTableFromTemplate(client, name, linksTableProperties());
    await createTableFromTemplate(client, name, linksTableProperties());

    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.AttributeDefinitions).toEqual([
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    // Local-only concerns such as deletion protection are not carried over: tests must be able to clean up.
    expect(Table?.DeletionProtectionEnabled ?? false).toBe(false);
  });

  test('carries over provisioned throughput, both index kinds, the stream and TTL, idempotently', async () => {
    const name = newName('full');

    await createTableFromTemplate(client, name, fullProperties);
    await createTableFromTemplate(client, name, fullProperties);

    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    expect(Table?.TableName).toBe(name);
    expect(Table?.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 5, WriteCapacityUnits: 5 });
    expect(Table?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.KeySchema, index.Projection])).toEqual([
      [
        'byGsi1',
        [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        { ProjectionType: 'INCLUDE', NonKeyAttributes: ['title'] },
      ],
    ]);
    expect(Table?.LocalSecondaryIndexes?.map((index) => [index.IndexName, index.Projection?.ProjectionType])).toEqual([['byScore', 'KEYS_ONLY']]);
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
    expect(TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
  });

  test('refuses Properties it cannot turn into a table, naming the table', async () => {
    const { KeySchema: _keySchema, ...withoutKeys } = linksTableProperties();

    await expect(createTableFromTemplate(client, newName('broken'), withoutKeys)).rejects.toThrow(/links-broken-.*KeySchema/s);
  });
});

describe('createTableInput', () => {
  test('on-demand tables get no throughput, even where the template lists some', () => {
    const input = createTableInput('t', {
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      GlobalSecondaryIndexes: [
        {
          IndexName: 'g',
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
          ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
        },
      ],
    });

    expect(input.ProvisionedThroughput).toBeUndefined();
    expect(input.GlobalSecondaryIndexes?.[0]?.ProvisionedThroughput).toBeUndefined();
    expect(input.StreamSpecification).toBeUndefined();
  });
});
