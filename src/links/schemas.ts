/**
 * Every zod schema of the links API: what a request may contain, what the verified claims must hold,
 * what a stored link looks like and what a response looks like. Handlers parse with these; tests import
 * them to build inputs and to check outputs, so the two can never disagree.
 */
// A namespace import lets esbuild tree-shake zod (~85 KB bundled). `import { z }` — which Powertools' prebuilt
// event schemas and helpers use — keeps all of zod and its 40 locales (~450 KB) in every function.
import * as z from 'zod';

export const MAX_URL_LENGTH = 2048;
export const MAX_TITLE_LENGTH = 300;
export const MAX_TAGS_PER_LINK = 20;
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
export const TAG_PATTERN = /^[a-z0-9_-]{1,64}$/;
/** A link body is a few KB at most (URL 2048, title 300, 20 tags): far beyond that is not a link. */
export const MAX_BODY_CHARS = 16_384;
/** Tags listed before duplicates collapse; checked before each tag is, so a huge list costs nothing. */
export const MAX_LISTED_TAGS = 100;
/** Crockford base32 ULID: 48-bit time then 80 random bits, so ids sort by creation time. */
export const LINK_ID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

// ---------- Values ----------

export const TagSchema = z
  .string()
  .regex(TAG_PATTERN, 'must be 1-64 characters of a-z, 0-9, "_" or "-"')
  .brand<'Tag'>();
export type Tag = z.output<typeof TagSchema>;

export const LinkIdSchema = z.string().regex(LINK_ID_PATTERN, 'must be a link id').brand<'LinkId'>();
export type LinkId = z.output<typeof LinkIdSchema>;

/**
 * An http(s) URL in WHATWG-normalised form (`new URL(u).href`), so spellings of one address
 * (`HTTP://Example.com` and `http://example.com/`) deduplicate to one link.
 */
export const LinkUrlSchema = z
  .string()
  .max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute http or https URL' });
      return z.NEVER;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'must be an http or https URL' });
      return z.NEVER;
    }
    // user:password@host would store (and hand back) someone's credentials.
    if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password' });
      return z.NEVER;
    }
    // Normalising percent-encodes and punycodes, which can lengthen the URL past the limit.
    if (url.href.length > MAX_URL_LENGTH) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_URL_LENGTH} characters once normalised` });
      return z.NEVER;
    }
    return url.href;
  })
  .brand<'LinkUrl'>();
export type LinkUrl = z.output<typeof LinkUrlSchema>;

// A UTF-16 surrogate without its pair cannot be encoded as UTF-8: stored, it would come back mangled.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const TitleSchema = z
  .string()
  .refine((title) => !LONE_SURROGATE.test(title), 'must be well-formed Unicode text')
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_TITLE_LENGTH, `must be at most ${MAX_TITLE_LENGTH} characters`);

/** Repeated tags collapse before the limit applies; sorted so a link's tags read the same every time. */
export const TagListSchema = z
  .array(z.unknown())
  .max(MAX_LISTED_TAGS, `must list at most ${MAX_LISTED_TAGS} tags`)
  .pipe(z.array(TagSchema))
  .transform((tags) => [...new Set(tags)].sort())
  .refine((tags) => tags.length <= MAX_TAGS_PER_LINK, `must hold at most ${MAX_TAGS_PER_LINK} distinct tags`);

/** `limit` arrives as a query-string string; anything but a plain integer in range is refused. */
const pageSizeMessage = `must be an integer from 1 to ${MAX_PAGE_SIZE}`;
export const PageSizeSchema = z
  .string()
  .regex(/^\d{1,4}$/, pageSizeMessage)
  .transform(Number)
  .pipe(z.int().min(1, pageSizeMessage).max(MAX_PAGE_SIZE, pageSizeMessage));

/** Only the shape is checked here; the MAC (bound to owner and filter) is checked by links/cursor.ts. */
// One pattern (lengths included) so a bad cursor is reported once, not once per failed check.
export const CursorTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{1,400}\.[A-Za-z0-9_-]{1,100}$/, 'is not a valid cursor');

// ---------- Request bodies and parameters ----------

export const CreateLinkBodySchema = z.strictObject({
  url: LinkUrlSchema,
  title: TitleSchema.optional(),
  tags: TagListSchema.default([]),
});
export type CreateLinkInput = z.output<typeof CreateLinkBodySchema>;

export const ListLinksQuerySchema = z.object({
  tag: TagSchema.optional(),
  limit: PageSizeSchema.default(DEFAULT_PAGE_SIZE),
  cursor: CursorTokenSchema.optional(),
});
export type ListLinksQuery = z.output<typeof ListLinksQuerySchema>;

export const ListTagsQuerySchema = z.object({
  limit: PageSizeSchema.default(DEFAULT_PAGE_SIZE),
  cursor: CursorTokenSchema.optional(),
});
export type ListTagsQuery = z.output<typeof ListTagsQuerySchema>;

export const LinkPathSchema = z.object({ linkId: LinkIdSchema });
export const LinkTagPathSchema = z.object({ linkId: LinkIdSchema, tag: TagSchema });

// ---------- Verified claims (API Gateway stringifies every claim) ----------

/**
 * Claims every route relies on. Access tokens (user or client-credentials) and ID tokens all carry
 * `sub`; for client-credentials tokens it equals `client_id`.
 */
export const CognitoClaimsSchema = z.object({
  sub: z.string().min(1).max(256),
  token_use: z.enum(['access', 'id']).optional(),
  client_id: z.string().min(1).optional(),
  aud: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
  'cognito:username': z.string().min(1).optional(),
  scope: z.string().optional(),
});
export type CognitoClaims = z.output<typeof CognitoClaimsSchema>;

/** `/me` has no scopes, so API Gateway only lets ID tokens through; these are the claims it reads. */
export const IdTokenClaimsSchema = CognitoClaimsSchema.extend({
  'cognito:username': z.string().min(1),
  email: z.string().min(1).optional(),
  email_verified: z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]).optional(),
});
export type IdTokenClaims = z.output<typeof IdTokenClaimsSchema>;

// ---------- Events, one per route ----------

/**
 * A body that must be present and be a JSON document matching `schema`. JSON.parse's own message quotes the
 * body, and error messages end up in logs, so invalid JSON gets a message of ours.
 */
function jsonBody<T extends z.ZodType>(schema: T) {
  return z
    .string({ error: 'is required and must be a JSON object' })
    .max(MAX_BODY_CHARS, `must be at most ${MAX_BODY_CHARS} characters`)
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

const StringMapSchema = z.record(z.string(), z.string().optional());

/**
 * The parts of API Gateway's v1 proxy event the handlers read (Powertools' APIGatewayProxyEventSchema would
 * cost ~370 KB of zod per bundle for fields nothing here uses). Loose: API Gateway adds fields over time.
 */
const ProxyEventSchema = z.object({
  resource: z.string(),
  path: z.string(),
  httpMethod: z.string(),
  headers: StringMapSchema.nullish(),
  queryStringParameters: StringMapSchema.nullish(),
  pathParameters: StringMapSchema.nullish(),
  body: z.string().nullish(),
  isBase64Encoded: z.boolean().optional(),
});

const RequestContextSchema = z.object({ requestId: z.string(), path: z.string(), stage: z.string() });

export const AuthorizedEventSchema = ProxyEventSchema.extend({
  requestContext: RequestContextSchema.extend({ authorizer: z.object({ claims: CognitoClaimsSchema }) }),
});
export type AuthorizedEvent = z.output<typeof AuthorizedEventSchema>;

export const CreateLinkEventSchema = AuthorizedEventSchema.extend({ body: jsonBody(CreateLinkBodySchema) });
// API Gateway sends null rather than {} when there is no query string.
export const ListLinksEventSchema = AuthorizedEventSchema.extend({
  queryStringParameters: z.preprocess((query) => query ?? {}, ListLinksQuerySchema),
});
export const LinkEventSchema = AuthorizedEventSchema.extend({ pathParameters: LinkPathSchema });
export const LinkTagEventSchema = AuthorizedEventSchema.extend({ pathParameters: LinkTagPathSchema });
export const ListTagsEventSchema = AuthorizedEventSchema.extend({
  queryStringParameters: z.preprocess((query) => query ?? {}, ListTagsQuerySchema),
});
export const MeEventSchema = ProxyEventSchema.extend({
  requestContext: RequestContextSchema.extend({ authorizer: z.object({ claims: IdTokenClaimsSchema }) }),
});

// ---------- Stored items ----------

/** A link item as read back from the table; parsed so a malformed item fails loudly, not silently. */
export const StoredLinkSchema = z.object({
  linkId: LinkIdSchema,
  url: z.string(),
  title: z.string().optional(),
  tags: z.array(TagSchema),
  createdAt: z.string(),
  urlHash: z.string(),
  version: z.int().positive(),
});
export type StoredLink = z.output<typeof StoredLinkSchema>;

// ---------- Responses ----------

export const LinkSchema = z.strictObject({
  linkId: LinkIdSchema,
  url: z.string(),
  title: z.string().optional(),
  tags: z.array(TagSchema),
  createdAt: z.iso.datetime(),
});
export type Link = z.output<typeof LinkSchema>;

export const LinkPageSchema = z.strictObject({
  items: z.array(LinkSchema),
  nextCursor: z.string().nullable(),
});
export type LinkPage = z.output<typeof LinkPageSchema>;

export const TagCountSchema = z.strictObject({ tag: TagSchema, count: z.int().positive() });
export type TagCount = z.output<typeof TagCountSchema>;
export const TagCountPageSchema = z.strictObject({
  items: z.array(TagCountSchema),
  nextCursor: z.string().nullable(),
});
export type TagCountPage = z.output<typeof TagCountPageSchema>;

export const IdentitySchema = z.strictObject({
  sub: z.string(),
  email: z.string().nullable(),
  emailVerified: z.boolean(),
  username: z.string(),
});
export type Identity = z.output<typeof IdentitySchema>;

export const ErrorBodySchema = z.strictObject({
  message: z.string(),
  errors: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional(),
});
