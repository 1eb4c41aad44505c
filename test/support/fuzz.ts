/**
 * Hostile requests for the twin's fuzz test (test/twin/fuzz.test.ts), generated from a seeded PRNG so a run
 * is repeatable: odd methods and paths, names that are Object.prototype's as query, header and body keys, bad
 * JSON, odd and huge bodies, bad and forged tokens. Pure data; sending and judging is the test's.
 */
import { request, type Agent } from 'node:http';

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Dice {
  constructor(private readonly next: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  some<T>(items: readonly T[], max: number): T[] {
    return Array.from({ length: this.int(0, max) }, () => this.pick(items));
  }
}

export const PROTOTYPE_NAMES = [
  '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf',
  'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__lookupGetter__', '__defineSetter__',
];

/** Strings that break naive code: empty, prototype names, control and bidi characters, bad escapes, long ones. */
export function oddString(d: Dice): string {
  switch (d.int(0, 11)) {
    case 0: return '';
    case 1: return d.pick(PROTOTYPE_NAMES);
    case 2: return 'x'.repeat(d.int(1, 40));
    case 3: return d.pick(['ünïcödé', '💥🔥', '\u0000', '\u202e\u202d', 'a\u0000b', '\ud800']);
    case 4: return d.pick(['%E0%A4%A', '%zz', '%', '%00', '%2e%2e%2f', '..\\..']);
    case 5: return d.pick(["' OR 1=1 --", '<script>alert(1)</script>', '${jndi:ldap://x}', '{{7*7}}']);
    case 6: return d.pick(['1e309', '-0', 'NaN', 'null', 'true', '9007199254740993', '0x10']);
    case 7: return 'L'.repeat(d.int(500, 5_000));
    case 8: return `https://${d.pick(['example.com', 'localhost', '169.254.169.254', '[::1]', 'xn--e1awd7f.com'])}/${d.pick(PROTOTYPE_NAMES)}`;
    case 9: return ' '.repeat(d.int(1, 5));
    case 10: return String(d.int(-1e6, 1e6));
    default: return `${d.pick(PROTOTYPE_NAMES)}.${d.pick(PROTOTYPE_NAMES)}`;
  }
}

/** encodeURIComponent that takes lone surrogates too (as U+FFFD, which is what a browser would send). */
export const encode = (value: string) => encodeURIComponent(value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

/** Header values may carry only tab, printable ASCII and latin-1 (Node refuses anything else before sending). */
export const headerSafe = (value: string) => value.replace(/[^\t\x20-\x7e]/g, '?');

/** Path segments: percent-encoded unless they are deliberately raw escapes. */
export function oddSegment(d: Dice): string {
  if (d.chance(0.3)) return d.pick(['%2e%2e', '..', '.', '', '%00', '%2F', 'a%20b', '%E0%A4%A', '*', ';', '~', '%', 'links']);
  return encode(oddString(d)).slice(0, d.chance(0.05) ? 3_000 : 300);
}

export function oddQuery(d: Dice): string {
  const pairs = Array.from({ length: d.int(0, 6) }, () => {
    const name = d.chance(0.6) ? d.pick(PROTOTYPE_NAMES) : oddString(d).slice(0, 50);
    const raw = d.chance(0.15);
    const value = oddString(d).slice(0, 200);
    return raw ? `${name.replace(/[^\x21-\x7e]/g, '')}=${d.pick(['%zz', '=', '==x', '&', '%'])}` : `${encode(name)}=${encode(value)}`;
  });
  return pairs.length === 0 ? (d.chance(0.2) ? '?' : '') : `?${pairs.join('&')}`;
}

/** A JSON value whose keys are often Object.prototype's and whose types are often wrong. */
export function oddJson(d: Dice, depth = 0, members: readonly string[] = []): unknown {
  const kind = depth > 3 ? d.int(0, 3) : d.int(0, 6);
  switch (kind) {
    case 0: return oddString(d);
    case 1: return d.pick([0, -1, 1.5, 1e308, null, true, false]);
    case 2: return null;
    case 3: return d.int(0, 1e6);
    case 4: return Array.from({ length: d.int(0, 4) }, () => oddJson(d, depth + 1, members));
    default: {
      // Kept as entries and written by jsonText: in an object literal `__proto__` would not be a key.
      const entries = Array.from({ length: d.int(0, 6) }, () => [d.chance(0.5) ? d.pick(PROTOTYPE_NAMES) : d.chance(0.6) && members.length > 0 ? d.pick(members) : oddString(d).slice(0, 30), oddJson(d, depth + 1, members)] as const);
      return new JsonObject(entries);
    }
  }
}

/** An object literal kept as entries, so `__proto__` survives into the JSON text as a key. */
export class JsonObject {
  constructor(readonly entries: readonly (readonly [string, unknown])[]) {}
}

export function jsonText(value: unknown): string {
  if (value instanceof JsonObject) return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  return JSON.stringify(value) ?? 'null';
}

export function badJson(d: Dice): string {
  return d.pick([
    '{', '{"url":', '}', 'null', '[]', '"text"', '1', 'true', '{"a":1,}', "{'a':1}", '{"a":NaN}', '\u0000',
    '{"__proto__":{"isAdmin":true},"url":"https://example.com"}', '{"constructor":{"prototype":{"polluted":1}}}',
    `${'['.repeat(3_000)}${']'.repeat(3_000)}`, `{"a":"${'\\u0000'.repeat(100)}"}`, '\ufeff{}',
  ]);
}

export interface FuzzRequest {
  /** Which server, for the report. */
  target: string;
  url: string;
  method: string;
  /** Flat [name, value, name, value…], repeats allowed (node:http sends them as given). */
  headers: string[];
  body?: Buffer;
}

export interface FuzzResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Sends one request with node:http, which sends any token as a method and header names exactly as given. */
export function send(req: FuzzRequest, agent: Agent): Promise<FuzzResponse> {
  return new Promise((resolve, reject) => {
    // Given headers as an array, node:http adds neither Host (without it Node's server answers a bare 400) nor
    // the length of a GET, DELETE, OPTIONS… body: add them as a client would.
    const headers = [...req.headers];
    if (!headers.some((name, i) => i % 2 === 0 && name.toLowerCase() === 'host')) headers.unshift('Host', new URL(req.url).host);
    if (req.body) headers.push('Content-Length', String(req.body.length));
    const outgoing = request(req.url, { method: req.method, headers, agent, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function inPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}
