/**
 * events/<LogicalId>.json are the sample events for `sam local invoke <LogicalId> -e events/<LogicalId>.json`.
 * This keeps them honest: one per function in either template, none left over, and each one accepted
 * by the very handler the template builds for that function, against DynamoDB Local.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { createTableFromTemplate } from '../local/dynamodb/tables';
import { logger } from '../src/lib/logger';
import { principalFromClaims, trustedClientsFromEnv } from '../src/lib/principal';
import { CognitoClaimsSchema, CreateLinkBodySchema, LinkIdSchema, LinkPageSchema, TagCountPageSchema } from '../src/links/schemas';
import { insertLink } from '../src/links/service';
import { readSampleEvent, SAMPLE_CLIENT_IDS, sampleEventIds, sampleEventPath } from '../events';
import { API_TEMPLATE, AUTH_TEMPLATE, REPO_ROOT, linksTableProperties, templateResources, uniqueTableName } from './data/linksTable';
import { lambdaContext } from './support/apiEvent';


interface LambdaFunction {
  logicalId: string;
  /** The TypeScript entry point esbuild bundles, resolved from CodeUri + Metadata.BuildProperties.EntryPoints. */
  entryPoint: string;
  /** The export named by Properties.Handler (`createLink.handler` -> `handler`). */
  exportName: string;
}

function functionsOf(templatePath: string): LambdaFunction[] {
  return Object.entries(templateResources(templatePath))
    .filter(([, resource]) => resource.Type === 'AWS::Serverless::Function')
    .map(([logicalId, resource]) => {
      const codeUri = String(resource.Properties?.CodeUri ?? '.');
      const buildProperties = resource.Metadata?.BuildProperties as { EntryPoints?: string[] } | undefined;
      const entry = buildProperties?.EntryPoints?.[0];
      if (!entry) throw new Error(`${logicalId} has no Metadata.BuildProperties.EntryPoints`);
      const handler = String(resource.Properties?.Handler ?? '');
      return {
        logicalId,
        entryPoint: resolve(dirname(templatePath), codeUri, entry),
        exportName: handler.slice(handler.lastIndexOf('.') + 1),
      };
    });
}

const functions = [...functionsOf(API_TEMPLATE), ...functionsOf(AUTH_TEMPLATE)];

type AnyHandler = (event: unknown, context: Context, callback?: () => void) => Promise<unknown>;

async function loadHandler(fn: LambdaFunction): Promise<AnyHandler> {
  const module = (await import(fn.entryPoint)) as Record<string, unknown>;
  const handler = module[fn.exportName];
  if (typeof handler !== 'function') throw new Error(`${fn.entryPoint} exports no function "${fn.exportName}"`);
  return handler as AnyHandler;
}

interface ProxyEventFile {
  pathParameters?: { linkId?: string; tag?: string } | null;
  requestContext: { authorizer: { claims: unknown } };
}

/** Puts the link the event refers to in place, owned by whoever the event's caller is to the API. */
async function seedLink(event: ProxyEventFile, tags: string[]): Promise<void> {
  const { owner } = principalFromClaims(CognitoClaimsSchema.parse(event.requestContext.authorizer.claims), trustedClientsFromEnv());
  const linkId = LinkIdSchema.parse(event.pathParameters?.linkId);
  await insertLink(owner, CreateLinkBodySchema.parse({ url: 'https://example.com/seeded', tags }), linkId, new Date());
}

/** What each function's sample event needs beforehand, and what proves it worked. */
const scenarios: Record<string, { seed?: (event: ProxyEventFile) => Promise<void>; check: (result: unknown) => void }> = {
  CreateLinkFunction: { check: (result) => expect(result).toMatchObject({ statusCode: 201 }) },
  ListLinksFunction: {
    seed: (event) => seedLink({ ...event, pathParameters: { linkId: '01JD5Q8Z3N4V6W7X8Y9Z0SEED0' } }, ['aws']),
    check: (result) => {
      expect(result).toMatchObject({ statusCode: 200 });
      expect(LinkPageSchema.parse(JSON.parse((result as { body: string }).body)).items).toHaveLength(1);
    },
  },
  GetLinkFunction: { seed: (event) => seedLink(event, []), check: (result) => expect(result).toMatchObject({ statusCode: 200 }) },
  DeleteLinkFunction: { seed: (event) => seedLink(event, ['aws']), check: (result) => expect(result).toMatchObject({ statusCode: 204 }) },
  TagLinkFunction: { seed: (event) => seedLink(event, []), check: (result) => expect(result).toMatchObject({ statusCode: 204 }) },
  UntagLinkFunction: {
    seed: (event) => seedLink(event, [event.pathParameters?.tag ?? '']),
    check: (result) => expect(result).toMatchObject({ statusCode: 204 }),
  },
  ListTagsFunction: {
    seed: (event) => seedLink({ ...event, pathParameters: { linkId: '01JD5Q8Z3N4V6W7X8Y9Z0SEED1' } }, ['reading']),
    check: (result) => {
      expect(result).toMatchObject({ statusCode: 200 });
      expect(TagCountPageSchema.parse(JSON.parse((result as { body: string }).body)).items).toEqual([{ tag: 'reading', count: 1 }]);
    },
  },
  MeFunction: { check: (result) => expect(result).toMatchObject({ statusCode: 200 }) },
  PreSignUpFunction: {
    check: (result) => expect(result).toMatchObject({ response: { autoConfirmUser: true, autoVerifyEmail: true } }),
  },
};

describe('events/', () => {
  const client = new DynamoDBClient({});
  const tables: string[] = [];

  beforeAll(() => {
    process.env.CURSOR_KEY = 'events-test-cursor-key';
    process.env.CORS_ALLOW_ORIGIN = '*';
    process.env.USER_CLIENT_IDS = SAMPLE_CLIENT_IDS.user;
    process.env.MACHINE_CLIENT_IDS = SAMPLE_CLIENT_IDS.machine;
    logger.setLogLevel('SILENT');
  });

  afterAll(async () => {
    for (const TableName of tables) await client.send(new DeleteTableCommand({ TableName }));
    client.destroy();
  });

  test('both templates declare functions', () => {
    expect(functions.map((fn) => fn.logicalId)).toEqual(expect.arrayContaining(['CreateLinkFunction', 'PreSignUpFunction']));
  });

  test.each(functions.map((fn) => [fn.logicalId]))('%s has an event file and a handler entry point', (logicalId) => {
    const fn = functions.find((candidate) => candidate.logicalId === logicalId)!;
    expect(existsSync(sampleEventPath(logicalId))).toBe(true);
    expect(existsSync(fn.entryPoint)).toBe(true);
  });

  test('no event file without a function, and nothing else in events/', () => {
    expect(sampleEventIds()).toEqual(functions.map((fn) => fn.logicalId).sort());
    expect(readdirSync(resolve(REPO_ROOT, 'events')).filter((file) => !file.endsWith('.json'))).toEqual(['index.ts']);
  });

  test('no event carries a real token', () => {
    for (const fn of functions) {
      // Three base64url segments with a signature is a complete JWT; the samples use a redacted placeholder.
      expect(JSON.stringify(readSampleEvent(fn.logicalId))).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]{16,}/);
    }
  });

  test.each(functions.map((fn) => [fn.logicalId]))('%s: its handler accepts the sample event', async (logicalId) => {
    const fn = functions.find((candidate) => candidate.logicalId === logicalId)!;
    const scenario = scenarios[logicalId];
    if (!scenario) throw new Error(`add a scenario for ${logicalId} to test/events.test.ts`);
    // A fresh table per event: each sample starts from exactly the data it needs.
    const tableName = uniqueTableName(`event-${logicalId}`);
    tables.push(tableName);
    process.env.TABLE_NAME = tableName;
    await createTableFromTemplate(client, tableName, linksTableProperties());
    const event = readSampleEvent(logicalId);
    await scenario.seed?.(event as unknown as ProxyEventFile);

    const handler = await loadHandler(fn);
    const result = await handler(event, lambdaContext(logicalId), () => undefined);

    scenario.check(result);
  });
});
