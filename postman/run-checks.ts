/**
 * What postman/run.ts checks besides newman's own assertions: the token requests the run really made
 * (seen on the wire through newman's `request` events, pm.sendRequest calls included), and the totals.
 */
import { randomBytes } from 'node:crypto';
import type { NewmanRunSummary } from 'newman';
import type { ApiTarget, ClientName } from '../scripts/lib/targets';
import type { UserCredentials } from './environment';

export type TokenCounts = Record<ClientName, number>;

/** The parts of a postman-collection Request the counter reads. */
export interface ObservedRequest {
  method: string;
  url: { toString(): string };
  headers: { get(key: string): string | undefined };
}

function endpointOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
  } catch {
    return undefined;
  }
}

function basicClientId(authorization: string | undefined): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')) : undefined;
}

/** Counts client-credentials token requests per client and USER_PASSWORD_AUTH sign-ins. */
export class TokenRequestCounter {
  private readonly seen: TokenCounts = { m2m: 0, readonly: 0, user: 0 };
  private readonly tokenEndpoint: string | undefined;
  private readonly cognitoEndpoint: string | undefined;
  private readonly clientNames = new Map<string, ClientName>();

  constructor(target: Pick<ApiTarget, 'tokenUrl' | 'cognitoEndpoint' | 'clients'>) {
    this.tokenEndpoint = endpointOf(target.tokenUrl);
    this.cognitoEndpoint = endpointOf(target.cognitoEndpoint);
    for (const [name, client] of Object.entries(target.clients) as [ClientName, { clientId: string }][]) {
      this.clientNames.set(client.clientId, name);
    }
  }

  observe(request: ObservedRequest): void {
    if (request.method.toUpperCase() !== 'POST') return;
    const endpoint = endpointOf(request.url.toString());
    if (!endpoint) return;
    if (endpoint === this.tokenEndpoint) {
      const name = this.clientNames.get(basicClientId(request.headers.get('Authorization')) ?? '');
      if (name) this.seen[name] += 1;
    } else if (endpoint === this.cognitoEndpoint && request.headers.get('X-Amz-Target') === 'AWSCognitoIdentityProviderService.InitiateAuth') {
      this.seen.user += 1;
    }
  }

  counts(): TokenCounts {
    return { ...this.seen };
  }
}

/**
 * Assertions as newman's table counts them. Failures that are not assertions (a script that threw, a
 * request that got no response) count as failed too: they hide assertions that never ran.
 */
export function assertionTotals(summary: Pick<NewmanRunSummary, 'run'>): { passed: number; failed: number } {
  const { total = 0, failed = 0 } = summary.run.stats.assertions;
  const others = summary.run.failures.filter((f) => !(f.at ?? '').startsWith('assertion:')).length;
  return { passed: total - failed, failed: failed + others };
}

/** Problems with the token counts: exactly one per client for a full run, at most one for a partial one. */
export function tokenCountProblems(counts: TokenCounts, exact: boolean): string[] {
  return (Object.entries(counts) as [ClientName, number][])
    .filter(([, n]) => (exact ? n !== 1 : n > 1))
    .map(([client, n]) => `${client} client: ${n} token request${n === 1 ? '' : 's'} (expected ${exact ? 'exactly' : 'at most'} 1)`);
}

/** A throw-away user meeting the pool's password policy (12+ characters, upper, lower, digit, symbol). */
export function newmanUser(): UserCredentials {
  const id = randomBytes(6).toString('hex');
  return { username: `newman-${id}@example.com`, password: `Nm-${randomBytes(9).toString('base64url')}-a7Z!` };
}
