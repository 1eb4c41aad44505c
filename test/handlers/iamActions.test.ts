/**
 * Least privilege, proven by behaviour: each function runs its paths against DynamoDB Local while the SDK records
 * every call, and the IAM actions those calls need (a transaction needs the action of each of its items) must be
 * exactly the ones the template grants that function: nothing missing (AccessDenied on AWS), nothing spare.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { documentClient } from '../../src/lib/dynamo';
import { loadSystem } from '../../local/template/system';
import { useLinksTable } from '../data/linksTable';
import { claims } from '../support/apiEvent';
import { createLink, deleteLink, getLink, listLinks, listTags, newLink, tagLink, untagLink } from './api';

useLinksTable('iam-actions');
const system = loadSystem({ rootDir: join(__dirname, '..', '..') });

const used = new Set<string>();
type Input = { TransactItems?: Record<string, unknown>[] };
documentClient.middlewareStack.add(
  (next, context) => async (args) => {
    const command = String(context.commandName).replace(/Command$/, '');
    if (command === 'TransactWriteItems' || command === 'TransactWrite') {
      for (const item of (args.input as Input).TransactItems ?? []) {
        for (const kind of Object.keys(item)) used.add(`dynamodb:${{ Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' }[kind] ?? kind}`);
      }
    } else {
      used.add(`dynamodb:${{ Get: 'GetItem', Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', BatchGet: 'BatchGetItem', BatchWrite: 'BatchWriteItem' }[command] ?? command}`);
    }
    return next(args);
  },
  { step: 'initialize', name: 'recordIamActions' },
);

function granted(logicalId: string): string[] {
  const fn = system.api.resources[logicalId];
  const policies = (fn?.properties.Policies as { Statement: { Action: string | string[] }[] }[] | undefined) ?? [];
  return [...new Set(policies.flatMap((p) => p.Statement.flatMap((s) => ([] as string[]).concat(s.Action))))].sort();
}

const who = claims.user(randomUUID(), 'iam');

/** Each function's paths: the usual one and the ones that read before they write. */
const scenarios: Record<string, () => Promise<unknown>> = {
  CreateLinkFunction: async () => {
    await createLink(who, { url: `https://example.com/${randomUUID()}`, tags: ['a', 'b'] });
    await createLink(who, { url: 'https://example.com/twice', tags: ['a'] });
    await createLink(who, { url: 'https://example.com/twice', tags: ['a'] });
  },
  ListLinksFunction: async () => {
    await listLinks(who, { limit: '1' });
    await listLinks(who, { tag: 'a' });
  },
  GetLinkFunction: async () => getLink(who, (await seeded()).linkId),
  DeleteLinkFunction: async () => {
    await deleteLink(who, (await seeded()).linkId);
    await deleteLink(who, (await seeded(['shared'])).linkId);
  },
  TagLinkFunction: async () => tagLink(who, (await seeded()).linkId, 'c'),
  UntagLinkFunction: async () => {
    const link = await seeded(['x', 'y']);
    await untagLink(who, link.linkId, 'x');
    await untagLink(who, link.linkId, 'y');
  },
  ListTagsFunction: async () => listTags(who, { limit: '1' }),
  MeFunction: async () => undefined,
};

/** A link made outside the recording (its calls belong to CreateLink). */
async function seeded(tags: string[] = ['seed', 'shared']) {
  const before = new Set(used);
  const link = await newLink(who, { url: `https://example.com/seed/${randomUUID()}`, tags });
  used.clear();
  for (const action of before) used.add(action);
  return link;
}

test('every API function has a scenario here', () => {
  const functions = Object.values(system.api.resources).filter((r) => r.type === 'AWS::Serverless::Function').map((r) => r.logicalId).sort();
  expect(Object.keys(scenarios).sort()).toEqual(functions);
});

test.each(Object.keys(scenarios))('%s is granted exactly the DynamoDB actions its code calls', async (logicalId) => {
  await newLink(who, { url: `https://example.com/warm/${randomUUID()}`, tags: ['a'] });
  used.clear();
  await scenarios[logicalId]!();
  expect({ fn: logicalId, actions: [...used].sort() }).toEqual({ fn: logicalId, actions: granted(logicalId) });
});
