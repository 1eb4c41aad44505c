import type { IdentitySource } from '../api-model';
import { queryMaps } from '../proxy-event';
import { headerOf, type AuthorizationRequest } from './authorizer';

/** Where an API kind keeps what identity sources read beyond headers and stage variables. */
export interface IdentityEvent {
  /** Query string parameters as the API's event gives them (REST: the last of repeats; HTTP: repeats comma-joined). */
  query: () => Record<string, string | undefined> | undefined;
  requestContext: () => unknown;
}

/** A REST API's: the query string form-decoded, the last of repeats, as its proxy event has it. */
export function restIdentityEvent(request: AuthorizationRequest): IdentityEvent {
  return { query: () => queryMaps(request.query)?.single, requestContext: () => request.proxyEvent().requestContext };
}

/**
 * One identity source's value in this request, for Lambda authorizers of either API kind: a header, a query string
 * parameter, a stage variable, or a `$context` value read from the event's requestContext (`identity.sourceIp`).
 * Undefined when absent or not a single value.
 */
export function identitySourceValue(source: IdentitySource, request: AuthorizationRequest, event: IdentityEvent): string | undefined {
  switch (source.from) {
    case 'header':
      return headerOf(request.headers, source.name);
    case 'query':
      return event.query()?.[source.name];
    case 'stageVariable':
      return request.stageVariables?.[source.name];
    case 'context': {
      let value: unknown = event.requestContext();
      for (const part of source.name.replace(/^\$?context\./, '').split('.')) {
        value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
      }
      return value === null || value === undefined || typeof value === 'object' ? undefined : String(value);
    }
  }
}

/** Authorizer results kept at most per authorizer (oldest dropped first): a flood of identities cannot grow the twin. */
const MAX_CACHED = 10_000;

/**
 * An authorizer's results by identity-source values, each good for its TTL. API Gateway caches Lambda authorizer
 * results this way, for every route or method the authorizer guards; a TTL of 0 caches nothing.
 */
export class AuthorizerResultCache<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();

  constructor(private readonly ttlSeconds: number, private readonly now: () => number) {}

  get(identity: readonly (string | undefined)[]): T | undefined {
    const key = JSON.stringify(identity);
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt > this.now()) return hit.value;
    this.entries.delete(key);
    return undefined;
  }

  set(identity: readonly (string | undefined)[], value: T): void {
    if (this.ttlSeconds <= 0) return;
    if (this.entries.size >= MAX_CACHED) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(JSON.stringify(identity), { value, expiresAt: this.now() + this.ttlSeconds * 1000 });
  }
}
