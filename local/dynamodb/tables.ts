import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { z } from 'zod';

/**
 * The part of an `AWS::DynamoDB::Table`'s Properties that shapes a table in DynamoDB Local. Everything
 * else (SSE, point-in-time recovery, deletion protection, contributor insights, Kinesis streaming,
 * table class, tags, resource policy) has no observable effect locally and is ignored on purpose;
 * deletion protection in particular would only stop tests from cleaning up.
 */
const KeySchemaSchema = z.array(z.object({ AttributeName: z.string(), KeyType: z.enum(['HASH', 'RANGE']) })).min(1);
const ProjectionSchema = z.object({
  ProjectionType: z.enum(['ALL', 'KEYS_ONLY', 'INCLUDE']).optional(),
  NonKeyAttributes: z.array(z.string()).optional(),
});
// Resolved templates may carry numbers as strings ("5").
const ThroughputSchema = z.object({ ReadCapacityUnits: z.coerce.number().int(), WriteCapacityUnits: z.coerce.number().int() });

const TablePropertiesSchema = z.object({
  AttributeDefinitions: z.array(z.object({ AttributeName: z.string(), AttributeType: z.enum(['S', 'N', 'B']) })).min(1),
  KeySchema: KeySchemaSchema,
  BillingMode: z.enum(['PROVISIONED', 'PAY_PER_REQUEST']).default('PROVISIONED'),
  ProvisionedThroughput: ThroughputSchema.optional(),
  GlobalSecondaryIndexes: z
    .array(
      z.object({
        IndexName: z.string(),
        KeySchema: KeySchemaSchema,
        Projection: ProjectionSchema,
        ProvisionedThroughput: ThroughputSchema.optional(),
      }),
    )
    .optional(),
  LocalSecondaryIndexes: z
    .array(z.object({ IndexName: z.string(), KeySchema: KeySchemaSchema, Projection: ProjectionSchema }))
    .optional(),
  StreamSpecification: z
    .object({ StreamViewType: z.enum(['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES']) })
    .optional(),
  TimeToLiveSpecification: z
    .object({ AttributeName: z.string().optional(), Enabled: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]) })
    .optional(),
});
type TableProperties = z.output<typeof TablePropertiesSchema>;

/** Maps CloudFormation Properties onto the CreateTable API (which differs in a few shapes). */
export function createTableInput(tableName: string, properties: TableProperties): CreateTableCommandInput {
  const provisioned = properties.BillingMode === 'PROVISIONED';
  return {
    TableName: tableName,
    AttributeDefinitions: properties.AttributeDefinitions,
    KeySchema: properties.KeySchema,
    BillingMode: properties.BillingMode,
    ProvisionedThroughput: provisioned ? properties.ProvisionedThroughput : undefined,
    GlobalSecondaryIndexes: properties.GlobalSecondaryIndexes?.map((index) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema,
      Projection: index.Projection,
      ProvisionedThroughput: provisioned ? index.ProvisionedThroughput : undefined,
    })),
    LocalSecondaryIndexes: properties.LocalSecondaryIndexes,
    // CloudFormation implies "enabled" by the presence of a view type; the API wants it said.
    StreamSpecification: properties.StreamSpecification
      ? { StreamEnabled: true, StreamViewType: properties.StreamSpecification.StreamViewType }
      : undefined,
  };
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

async function waitUntilActive(client: DynamoDBClient, tableName: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`Table ${tableName} is not ACTIVE after ${timeoutMs} ms (${Table?.TableStatus})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function enableTimeToLive(client: DynamoDBClient, tableName: string, attributeName: string): Promise<void> {
  const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  // UpdateTimeToLive refuses to enable TTL twice, so look first: this keeps the whole call idempotent.
  if (TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED' || TimeToLiveDescription?.TimeToLiveStatus === 'ENABLING') return;
  await client.send(
    new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: attributeName, Enabled: true } }),
  );
}

/**
 * Creates `tableName` in DynamoDB Local from an `AWS::DynamoDB::Table`'s already-resolved Properties,
 * then enables TTL if the template does. Calling it for an existing table is not an error.
 */
export async function createTableFromTemplate(
  client: DynamoDBClient,
  tableName: string,
  properties: Record<string, unknown>,
): Promise<void> {
  const parsed = TablePropertiesSchema.safeParse(properties);
  if (!parsed.success) {
    throw new Error(`Table ${tableName}: unsupported Properties: ${z.prettifyError(parsed.error)}`);
  }
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName, parsed.data)));
  } catch (error) {
    if (!isNamed(error, 'ResourceInUseException')) throw error;
  }
  await waitUntilActive(client, tableName);
  const ttl = parsed.data.TimeToLiveSpecification;
  if (ttl?.Enabled) {
    if (!ttl.AttributeName) throw new Error(`Table ${tableName}: TimeToLiveSpecification is enabled but has no AttributeName`);
    await enableTimeToLive(client, tableName, ttl.AttributeName);
  }
}

/**
 * The `AWS::DynamoDB::Table` Properties SAM writes for an `AWS::Serverless::SimpleTable`
 * (sam-resource-simpletable): a hash key from `PrimaryKey` (default `id`, `String`), on demand unless
 * `ProvisionedThroughput` is given; SSESpecification has no local effect.
 */
export function simpleTableProperties(properties: Record<string, unknown>): Record<string, unknown> {
  const key = (properties.PrimaryKey ?? {}) as { Name?: unknown; Type?: unknown };
  const name = String(key.Name ?? 'id');
  const type = ({ String: 'S', Number: 'N', Binary: 'B' } as Record<string, string>)[String(key.Type ?? 'String')] ?? 'S';
  return {
    AttributeDefinitions: [{ AttributeName: name, AttributeType: type }],
    KeySchema: [{ AttributeName: name, KeyType: 'HASH' }],
    ...(properties.ProvisionedThroughput ? { BillingMode: 'PROVISIONED', ProvisionedThroughput: properties.ProvisionedThroughput } : { BillingMode: 'PAY_PER_REQUEST' }),
  };
}
