/**
 * Test helper (not a test): a fresh LinksTable in the DynamoDB Local that globalSetup started, built from
 * the template's own Properties, plus raw access to its items so tests can check what was really stored.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { yamlParse } from 'yaml-cfn';
import { createTableFromTemplate } from '../../local/dynamodb/tables';
import { logger } from '../../src/lib/logger';
import { TRUSTED_CLIENTS_ENV } from '../support/apiEvent';

export const REPO_ROOT = resolve(__dirname, '../..');
export const API_TEMPLATE = resolve(REPO_ROOT, 'api-stack/template.yaml');
export const AUTH_TEMPLATE = resolve(REPO_ROOT, 'auth-stack/template.yaml');

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export function templateResources(templatePath: string): Record<string, TemplateResource> {
  const template = yamlParse(readFileSync(templatePath, 'utf8')) as { Resources: Record<string, TemplateResource> };
  return template.Resources;
}

export function linksTableProperties(): Record<string, unknown> {
  const table = templateResources(API_TEMPLATE).LinksTable;
  if (table?.Type !== 'AWS::DynamoDB::Table' || !table.Properties) throw new Error('api-stack has no LinksTable');
  return table.Properties;
}

export function uniqueTableName(label: string): string {
  return `links-${label}-${Date.now()}-${randomBytes(3).toString('hex')}`;
}

export type StoredItem = Record<string, unknown> & { pk: string; sk: string };

export interface LinksTable {
  readonly name: string;
  /** Every item in the owner's partition, in sort-key order. */
  items(owner: string): Promise<StoredItem[]>;
  /** Items of the owner whose sort key starts with `prefix` (`LINK#`, `URL#`, `TAG#`, `TAGCOUNT#`). */
  itemsWithPrefix(owner: string, prefix: string): Promise<StoredItem[]>;
}

/**
 * Registers jest hooks that create a uniquely named table for this test file and point the handlers at
 * it (TABLE_NAME, CURSOR_KEY, CORS_ALLOW_ORIGIN and the trusted client ids are read per request, so setting
 * them here is in time).
 * Logs are silenced unless `logs: true`.
 */
export function useLinksTable(label: string, options: { logs?: boolean } = {}): LinksTable {
  const client = new DynamoDBClient({});
  const documents = DynamoDBDocumentClient.from(client);
  const name = uniqueTableName(label);

  beforeAll(async () => {
    process.env.TABLE_NAME = name;
    process.env.CURSOR_KEY = 'test-cursor-key-not-a-secret';
    process.env.CORS_ALLOW_ORIGIN = 'https://app.example.com';
    Object.assign(process.env, TRUSTED_CLIENTS_ENV);
    if (!options.logs) logger.setLogLevel('SILENT');
    await createTableFromTemplate(client, name, linksTableProperties());
  });

  afterAll(async () => {
    await client.send(new DeleteTableCommand({ TableName: name }));
    client.destroy();
  });

  async function itemsWithPrefix(owner: string, prefix: string): Promise<StoredItem[]> {
    const items: StoredItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new QueryCommand({
          TableName: name,
          // begins_with refuses an empty prefix, so "everything" is the bare partition query.
          KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
          ExpressionAttributeValues: prefix ? { ':pk': `OWNER#${owner}`, ':prefix': prefix } : { ':pk': `OWNER#${owner}` },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...((page.Items ?? []) as StoredItem[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  return { name, items: (owner) => itemsWithPrefix(owner, ''), itemsWithPrefix };
}
