/**
 * The links of one owner in DynamoDB. Every operation takes the owner (the caller's verified `sub`) and
 * only ever touches that owner's partition.
 *
 * Invariants, kept by transactions:
 * - one URL item per (owner, normalised URL), pointing at the one link holding that URL;
 * - a link's `tags` list equals its set of TAG# association items;
 * - each TAGCOUNT# item counts the owner's links listing that tag, and exists only while that count is
 *   positive: the transaction that takes it to zero deletes it.
 * Every change to a link's tag set is conditioned on the link's `version` (optimistic lock), so a delete
 * racing a tag change cannot orphan an association or skew a count: one wins, the other re-reads.
 */
import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import { documentClient, tableName } from '../lib/dynamo';
import { cancellationReasons, isThrottled, isTransactionConflict } from '../lib/dynamoErrors';
import { BadRequestError, NotFoundError, ServiceUnavailableError } from '../lib/errors';
import { backoffMs, retryOnWriteConflict, sleep, WriteConflict } from '../lib/retry';
import { decodeCursor, encodeCursor } from './cursor';
import {
  LINK_PREFIX,
  TAG_COUNT_PREFIX,
  linkKey,
  ownerPartition,
  tagCountKey,
  taggingKey,
  taggingPrefix,
  urlHash,
  urlKey,
  type ItemKey,
} from './keys';
import {
  LinkIdSchema,
  MAX_TAGS_PER_LINK,
  StoredLinkSchema,
  TagCountSchema,
  TagSchema,
  type CreateLinkInput,
  type Link,
  type LinkId,
  type LinkPage,
  type LinkUrl,
  type ListLinksQuery,
  type StoredLink,
  type Tag,
  type TagCountPage,
  type ListTagsQuery,
} from './schemas';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Monotonic within a container, so links saved in the same millisecond still list in creation order. */
const nextLinkId = monotonicFactory();

const LINK_NOT_FOUND = 'Link not found';
const MAX_BATCH_GET_ATTEMPTS = 5;

export interface SavedLink {
  link: Link;
  /** false when the owner had already saved this URL and `link` is that earlier link. */
  created: boolean;
}

function toLink({ linkId, url, title, tags, createdAt }: StoredLink): Link {
  return { linkId, url, title, tags, createdAt };
}

async function transactWrite(items: TransactItem[]): Promise<void> {
  await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
}

/**
 * After a cancelled transaction: if an item whose condition encodes what we read failed it (it changed or
 * vanished since), or another transaction held an item, a fresh read decides what to do. Anything else is a
 * real error. `guarded` names the indexes of those read-conditioned items.
 */
function retryableOr(error: unknown, guarded: (index: number) => boolean): unknown {
  if (isThrottled(error)) return new WriteConflict(true);
  const guardFailed = cancellationReasons(error)?.some((reason, index) => reason === 'ConditionalCheckFailed' && guarded(index));
  return guardFailed || isTransactionConflict(error) ? new WriteConflict() : error;
}

const onlyIndex = (guardedIndex: number) => (index: number) => index === guardedIndex;
const everyIndex = () => true;

function incrementCount(owner: string, tag: Tag): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: tagCountKey(owner, tag),
      UpdateExpression: 'SET #entity = :entity, #tag = :tag ADD #count :one',
      ExpressionAttributeNames: { '#entity': 'entity', '#tag': 'tag', '#count': 'count' },
      ExpressionAttributeValues: { ':entity': 'tagCount', ':tag': tag, ':one': 1 },
    },
  };
}

/**
 * Takes one from a counter read as `current`. DynamoDB cannot delete an item depending on an update's
 * result, so the read decides: the last one deletes the counter (only if it still says 1), any other
 * decrements it (only if it still says more than 1). A concurrent change fails the condition and the caller
 * re-reads, so a counter never rests at zero and never goes negative (`<=` also clears a zero counter
 * left by versions that kept them). No counter read (an inconsistency a
 * crashed pre-transaction writer could have left): nothing to take from.
 */
function decrementCount(owner: string, tag: Tag, current: number | undefined): TransactItem[] {
  if (current === undefined) return [];
  const key = tagCountKey(owner, tag);
  const names = { '#count': 'count' };
  if (current <= 1) {
    return [{ Delete: { TableName: tableName(), Key: key, ConditionExpression: '#count <= :one', ExpressionAttributeNames: names, ExpressionAttributeValues: { ':one': 1 } } }];
  }
  return [
    {
      Update: {
        TableName: tableName(),
        Key: key,
        UpdateExpression: 'ADD #count :minusOne',
        ConditionExpression: '#count > :one',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':minusOne': -1, ':one': 1 },
      },
    },
  ];
}

function putTagging(owner: string, tag: Tag, linkId: LinkId): TransactItem {
  return { Put: { TableName: tableName(), Item: { ...taggingKey(owner, tag, linkId), entity: 'tagging', tag, linkId } } };
}

function deleteTagging(owner: string, tag: Tag, linkId: LinkId): TransactItem {
  return { Delete: { TableName: tableName(), Key: taggingKey(owner, tag, linkId) } };
}

/** Replaces the link's tag list, but only if nobody changed the link since we read `link.version`. */
function updateLinkTags(owner: string, link: StoredLink, tags: Tag[]): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: linkKey(owner, link.linkId),
      UpdateExpression: 'SET #tags = :tags, #version = :next',
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#tags': 'tags', '#version': 'version' },
      ExpressionAttributeValues: { ':tags': tags, ':next': link.version + 1, ':expected': link.version },
    },
  };
}

async function getStoredLink(owner: string, linkId: LinkId): Promise<StoredLink | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: tableName(), Key: linkKey(owner, linkId), ConsistentRead: true }),
  );
  return Item ? StoredLinkSchema.parse(Item) : undefined;
}

async function findLinkByUrl(owner: string, url: LinkUrl): Promise<Link | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: tableName(), Key: urlKey(owner, urlHash(url)), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const stored = await getStoredLink(owner, LinkIdSchema.parse(Item.linkId));
  return stored && toLink(stored);
}

// Index of the URL item in the create transaction: its failed condition means "URL already saved".
const URL_ITEM = 0;

/**
 * Writes a new link under a given id: URL guard, link, tag associations and counts, all or nothing.
 * Fails with a cancelled transaction (reason at index 0) when the owner already saved the URL.
 */
export async function insertLink(owner: string, input: CreateLinkInput, linkId: LinkId, createdAt: Date): Promise<Link> {
  const hash = urlHash(input.url);
  const stored: StoredLink = {
    linkId,
    url: input.url,
    title: input.title,
    tags: input.tags,
    createdAt: createdAt.toISOString(),
    urlHash: hash,
    version: 1,
  };
  await transactWrite([
    {
      Put: {
        TableName: tableName(),
        Item: { ...urlKey(owner, hash), entity: 'url', linkId, url: input.url },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: tableName(),
        Item: { ...linkKey(owner, linkId), entity: 'link', ...stored },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ...input.tags.flatMap((tag) => [putTagging(owner, tag, linkId), incrementCount(owner, tag)]),
  ]);
  return toLink(stored);
}

/** Saves a link, or returns the one the owner already saved under the same normalised URL. */
export async function saveLink(owner: string, input: CreateLinkInput): Promise<SavedLink> {
  return retryOnWriteConflict(async () => {
    const now = Date.now();
    const linkId = LinkIdSchema.parse(nextLinkId(now));
    try {
      return { link: await insertLink(owner, input, linkId, new Date(now)), created: true };
    } catch (error) {
      if (cancellationReasons(error)?.[URL_ITEM] !== 'ConditionalCheckFailed') throw retryableOr(error, onlyIndex(URL_ITEM));
      const existing = await findLinkByUrl(owner, input.url);
      // Its holder was deleted between our write and this read: the URL is free again.
      if (!existing) throw new WriteConflict();
      return { link: existing, created: false };
    }
  });
}

export async function findLink(owner: string, linkId: LinkId): Promise<Link> {
  const stored = await getStoredLink(owner, linkId);
  if (!stored) throw new NotFoundError(LINK_NOT_FOUND);
  return toLink(stored);
}

interface QueryPage {
  items: Record<string, unknown>[];
  more: boolean;
}

/**
 * One page of items under `prefix` after the sort key `afterSk`: newest first for links and associations
 * (sort keys end in a ULID), name order for tag counts.
 */
async function queryPage(
  owner: string,
  prefix: string,
  { afterSk, limit, newestFirst }: { afterSk: string | undefined; limit: number; newestFirst: boolean },
): Promise<QueryPage> {
  const { Items = [], LastEvaluatedKey } = await documentClient.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': ownerPartition(owner), ':prefix': prefix },
      ExclusiveStartKey: afterSk === undefined ? undefined : { pk: ownerPartition(owner), sk: afterSk },
      ScanIndexForward: !newestFirst,
      // One extra item tells whether another page exists, so the last page never hands out a cursor
      // to an empty page. A LastEvaluatedKey with fewer items means the 1 MB cap cut the page short.
      Limit: limit + 1,
      ConsistentRead: true,
    }),
  );
  return { items: Items.slice(0, limit), more: Items.length > limit || LastEvaluatedKey !== undefined };
}

/** Items by key, in one or more BatchGetItem rounds (DynamoDB may leave keys unprocessed under load). */
async function batchGet(keys: readonly ItemKey[]): Promise<Record<string, unknown>[]> {
  const table = tableName();
  const items: Record<string, unknown>[] = [];
  let pending: Record<string, unknown>[] = keys.map((key) => ({ ...key }));
  for (let attempt = 1; pending.length > 0; attempt++) {
    // Unprocessed keys are DynamoDB shedding load: after our retries, a 503 the caller can retry.
    if (attempt > MAX_BATCH_GET_ATTEMPTS) throw new ServiceUnavailableError();
    if (attempt > 1) await sleep(backoffMs(attempt));
    const { Responses, UnprocessedKeys } = await documentClient.send(
      new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
    );
    items.push(...(Responses?.[table] ?? []));
    pending = UnprocessedKeys?.[table]?.Keys ?? [];
  }
  return items;
}

async function batchGetLinks(owner: string, linkIds: readonly LinkId[]): Promise<Map<LinkId, StoredLink>> {
  const found = new Map<LinkId, StoredLink>();
  if (linkIds.length === 0) return found;
  for (const item of await batchGet(linkIds.map((linkId) => linkKey(owner, linkId)))) {
    const link = StoredLinkSchema.parse(item);
    found.set(link.linkId, link);
  }
  return found;
}

/** The current counts of `tags` (consistent reads), for the decrements that must know whether they end at zero. */
async function readCounts(owner: string, tags: readonly Tag[]): Promise<Map<Tag, number>> {
  const counts = new Map<Tag, number>();
  if (tags.length === 0) return counts;
  for (const item of await batchGet(tags.map((tag) => tagCountKey(owner, tag)))) {
    counts.set(TagSchema.parse(item.tag), Number(item.count));
  }
  return counts;
}

interface LinkSlice {
  links: Link[];
  /** Position the next page starts after; for a tag listing, the last association read. */
  last: LinkId | undefined;
  more: boolean;
}

async function newestLinks(owner: string, limit: number, after: LinkId | undefined): Promise<LinkSlice> {
  const afterSk = after === undefined ? undefined : linkKey(owner, after).sk;
  const page = await queryPage(owner, LINK_PREFIX, { afterSk, limit, newestFirst: true });
  const links = page.items.map((item) => toLink(StoredLinkSchema.parse(item)));
  return { links, last: links.at(-1)?.linkId, more: page.more };
}

async function newestLinksTagged(owner: string, tag: Tag, limit: number, after: LinkId | undefined): Promise<LinkSlice> {
  const afterSk = after === undefined ? undefined : taggingKey(owner, tag, after).sk;
  const page = await queryPage(owner, taggingPrefix(tag), { afterSk, limit, newestFirst: true });
  const linkIds = page.items.map((item) => LinkIdSchema.parse(item.linkId));
  const found = await batchGetLinks(owner, linkIds);
  // Keep the association order (newest first). A link deleted or untagged between the query and the read
  // simply drops out: the link item is the truth about its tags.
  const links = linkIds.flatMap((linkId) => {
    const stored = found.get(linkId);
    return stored?.tags.includes(tag) ? [toLink(stored)] : [];
  });
  return { links, last: linkIds.at(-1), more: page.more };
}

export async function listLinks(owner: string, { tag, limit, cursor }: ListLinksQuery): Promise<LinkPage> {
  const scope = { listing: 'links', owner, tag } as const;
  const after = cursor === undefined ? undefined : decodeCursor(cursor, scope, (position) => LinkIdSchema.safeParse(position).data);
  const slice = tag === undefined ? await newestLinks(owner, limit, after) : await newestLinksTagged(owner, tag, limit, after);
  const nextCursor = slice.more && slice.last !== undefined ? encodeCursor(slice.last, scope) : null;
  return { items: slice.links, nextCursor };
}

/** Deletes the link with its URL guard, tag associations and count shares, in one transaction. */
export async function deleteLink(owner: string, linkId: LinkId): Promise<void> {
  await retryOnWriteConflict(async () => {
    const link = await getStoredLink(owner, linkId);
    if (!link) throw new NotFoundError(LINK_NOT_FOUND);
    const counts = await readCounts(owner, link.tags);
    try {
      await transactWrite([
        {
          Delete: {
            TableName: tableName(),
            Key: linkKey(owner, linkId),
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': link.version },
          },
        },
        {
          Delete: {
            TableName: tableName(),
            Key: urlKey(owner, link.urlHash),
            ConditionExpression: '#linkId = :linkId',
            ExpressionAttributeNames: { '#linkId': 'linkId' },
            ExpressionAttributeValues: { ':linkId': linkId },
          },
        },
        ...link.tags.flatMap((tag) => [deleteTagging(owner, tag, linkId), ...decrementCount(owner, tag, counts.get(tag))]),
      ]);
    } catch (error) {
      // The link changed since our read (tagged, untagged, deleted) or a counter moved: re-read and decide.
      throw retryableOr(error, everyIndex);
    }
  });
}

/** Associates a tag; a no-op when the link already has it. */
export async function tagLink(owner: string, linkId: LinkId, tag: Tag): Promise<void> {
  await retryOnWriteConflict(async () => {
    const link = await getStoredLink(owner, linkId);
    if (!link) throw new NotFoundError(LINK_NOT_FOUND);
    if (link.tags.includes(tag)) return;
    if (link.tags.length >= MAX_TAGS_PER_LINK) {
      throw new BadRequestError([{ field: 'path.tag', message: `cannot be added: a link has at most ${MAX_TAGS_PER_LINK} tags` }]);
    }
    const tags = [...link.tags, tag].sort();
    try {
      await transactWrite([updateLinkTags(owner, link, tags), putTagging(owner, tag, linkId), incrementCount(owner, tag)]);
    } catch (error) {
      throw retryableOr(error, onlyIndex(0));
    }
  });
}

/** Dissociates a tag; a no-op when the link does not have it. */
export async function untagLink(owner: string, linkId: LinkId, tag: Tag): Promise<void> {
  await retryOnWriteConflict(async () => {
    const link = await getStoredLink(owner, linkId);
    if (!link) throw new NotFoundError(LINK_NOT_FOUND);
    if (!link.tags.includes(tag)) return;
    const tags = link.tags.filter((existing) => existing !== tag);
    const counts = await readCounts(owner, [tag]);
    try {
      await transactWrite([updateLinkTags(owner, link, tags), deleteTagging(owner, tag, linkId), ...decrementCount(owner, tag, counts.get(tag))]);
    } catch (error) {
      throw retryableOr(error, everyIndex);
    }
  });
}

/**
 * One page of the owner's tags in name order with how many links bear each. Counters are deleted when they
 * reach zero; any zero counter an older version left behind is skipped.
 */
export async function listTagCounts(owner: string, { limit, cursor }: ListTagsQuery): Promise<TagCountPage> {
  const scope = { listing: 'tags', owner } as const;
  const after = cursor === undefined ? undefined : decodeCursor(cursor, scope, (position) => TagSchema.safeParse(position).data);
  const afterSk = after === undefined ? undefined : tagCountKey(owner, after).sk;
  const page = await queryPage(owner, TAG_COUNT_PREFIX, { afterSk, limit, newestFirst: false });
  const counted = page.items.map((item) => TagCountSchema.parse({ tag: item.tag, count: item.count }));
  const last = counted.at(-1)?.tag;
  return {
    items: counted.filter(({ count }) => count > 0),
    nextCursor: page.more && last !== undefined ? encodeCursor(last, scope) : null,
  };
}
