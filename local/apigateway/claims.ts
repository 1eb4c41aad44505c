import { safeRecord } from './safe-record';

/**
 * `requestContext.authorizer.claims` as a REST API's Cognito authorizer hands them to the integration:
 * every value a string. Observed renderings (AWS does not document them):
 * - `exp`, `iat` (and `nbf`): Java's Date#toString, `Fri Jul 29 18:52:53 UTC 2016`;
 * - other numbers as digits (`auth_time: "1469814773"`, `version: "2"`), booleans as `"true"`/`"false"`;
 * - arrays joined with commas (`cognito:groups: "admins,editors"`);
 * - `scope` stays the space-separated string Cognito puts in access tokens.
 */
export function stringifyClaims(payload: Record<string, unknown>): Record<string, string> {
  const claims = safeRecord<string>();
  for (const [name, value] of Object.entries(payload)) {
    const text = claimText(name, value);
    if (text !== undefined) claims[name] = text;
  }
  return claims;
}

const DATE_CLAIMS = new Set(['exp', 'iat', 'nbf']);

function claimText(name: string, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return DATE_CLAIMS.has(name) ? javaDateString(value) : String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(name === 'scope' ? ' ' : ',');
  // Not seen from Cognito; JSON is the least surprising text for an object claim.
  return JSON.stringify(value);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `EEE MMM dd HH:mm:ss zzz yyyy` in UTC, from epoch seconds. */
export function javaDateString(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}
