import type * as z from 'zod';
import type { FieldError } from './errors';

type Issue = z.core.$ZodIssue;

/** The parts of a proxy event a caller controls, and the names clients know them by. */
const CALLER_PARTS: Readonly<Record<string, string>> = {
  body: 'body',
  queryStringParameters: 'query',
  pathParameters: 'path',
};

export interface ClassifiedIssues {
  /** The verified claims lack what the route needs: the token is not fit for it. */
  claims: string[];
  /** What the caller sent is wrong: a 400 naming each field. */
  request: FieldError[];
  /** API Gateway sent something unexpected: our bug or misconfiguration, not the caller's. */
  envelope: string[];
  /** How many caller errors there were in all (request holds at most MAX_REPORTED_ERRORS of them). */
  requestTotal: number;
}

/** `body.tags[3]`: dotted names, bracketed indexes. */
function fieldName(prefix: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (name, segment) => (typeof segment === 'number' ? `${name}[${segment}]` : `${name}.${String(segment)}`),
    prefix,
  );
}

function dottedPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

function isClaimsPath(path: readonly PropertyKey[]): boolean {
  return path[0] === 'requestContext' && path[1] === 'authorizer';
}

/** What one response reports at most: enough to fix a request, bounded whatever the request holds. */
export const MAX_REPORTED_ERRORS = 20;
/** Unknown keys are the caller's text: shown (and logged) cut to this length. */
const MAX_KEY_CHARS = 64;

function shownKey(key: string): string {
  return key.length > MAX_KEY_CHARS ? `${key.slice(0, MAX_KEY_CHARS)}…` : key;
}

function callerFieldErrors(issue: Issue, prefix: string, rest: readonly PropertyKey[]): FieldError[] {
  // A strict object reports all unknown keys in one issue; the client wants one entry per field.
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.slice(0, MAX_REPORTED_ERRORS).map((key) => ({ field: fieldName(prefix, [...rest, shownKey(key)]), message: 'is not a known field' }));
  }
  return [{ field: fieldName(prefix, rest.map((segment) => (typeof segment === 'string' ? shownKey(segment) : segment))), message: issue.message }];
}

/** Sorts zod issues from parsing a whole proxy event by whose fault they are. Messages carry no values. */
export function classifyIssues(issues: readonly Issue[]): ClassifiedIssues {
  const classified: ClassifiedIssues = { claims: [], request: [], envelope: [], requestTotal: 0 };
  for (const issue of issues) {
    const [part, ...rest] = issue.path;
    const prefix = typeof part === 'string' ? CALLER_PARTS[part] : undefined;
    if (prefix !== undefined) {
      classified.requestTotal += issue.code === 'unrecognized_keys' ? issue.keys.length : 1;
      // A loop, not push(...spread): spreading a huge array overflows the stack.
      for (const error of callerFieldErrors(issue, prefix, rest)) {
        if (classified.request.length < MAX_REPORTED_ERRORS) classified.request.push(error);
      }
    } else if (isClaimsPath(issue.path)) classified.claims.push(dottedPath(issue.path));
    else classified.envelope.push(dottedPath(issue.path));
  }
  return classified;
}
