import { safeRecord } from './safe-record';

/** A Lambda proxy integration result that API Gateway accepts, normalised. */
export interface ProxyResult {
  statusCode: number;
  /** All response headers, single- and multi-value merged. */
  headers: Record<string, string[]>;
  body: string;
  isBase64Encoded: boolean;
}

export type ParsedProxyResult = { ok: true; result: ProxyResult } | { ok: false; reason: string };

const KNOWN_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);

/**
 * Validates a handler's return value the way API Gateway does for the proxy integration; anything else
 * is "Malformed Lambda proxy response" (a 502 to the client). Lenient where API Gateway's parser is:
 * statusCode may be a numeric string, header values may be numbers or booleans; body must be a string.
 */
export function parseProxyResult(payload: unknown): ParsedProxyResult {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return malformed('the result is not a JSON object');
  const result = payload as Record<string, unknown>;
  const unknownKeys = Object.keys(result).filter((key) => !KNOWN_KEYS.has(key));
  if (unknownKeys.length > 0) return malformed(`unexpected field(s) ${unknownKeys.join(', ')}`);
  const statusCode = typeof result.statusCode === 'string' && /^\d+$/.test(result.statusCode) ? Number(result.statusCode) : result.statusCode;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return malformed('statusCode must be an integer HTTP status');
  }
  if (result.body !== undefined && result.body !== null && typeof result.body !== 'string') return malformed('body must be a string');
  if (result.isBase64Encoded !== undefined && result.isBase64Encoded !== null && typeof result.isBase64Encoded !== 'boolean') {
    return malformed('isBase64Encoded must be a boolean');
  }
  const headers = mergeHeaders(result.headers, result.multiValueHeaders);
  if (!headers) return malformed('headers must map names to strings and multiValueHeaders names to lists of strings');
  return { ok: true, result: { statusCode, headers, body: (result.body as string | null | undefined) ?? '', isBase64Encoded: result.isBase64Encoded === true } };
}

function malformed(reason: string): ParsedProxyResult {
  return { ok: false, reason: `Malformed Lambda proxy response: ${reason}` };
}

type Scalar = string | number | boolean;
const isScalar = (value: unknown): value is Scalar => ['string', 'number', 'boolean'].includes(typeof value);

/**
 * API Gateway merges `headers` and `multiValueHeaders`; where both name a header, only the
 * multi-value list is used.
 */
export function mergeHeaders(single: unknown, multi: unknown): Record<string, string[]> | undefined {
  // A handler may echo the client's header names: a `__proto__` here must stay a header, not a prototype.
  const out = safeRecord<string[]>();
  if (single !== undefined && single !== null) {
    if (typeof single !== 'object' || Array.isArray(single)) return undefined;
    for (const [name, value] of Object.entries(single as Record<string, unknown>)) {
      if (value === null) continue;
      if (!isScalar(value)) return undefined;
      out[name] = [String(value)];
    }
  }
  if (multi !== undefined && multi !== null) {
    if (typeof multi !== 'object' || Array.isArray(multi)) return undefined;
    for (const [name, values] of Object.entries(multi as Record<string, unknown>)) {
      if (values === null) continue;
      if (!Array.isArray(values) || !values.every(isScalar)) return undefined;
      const existing = Object.keys(out).find((key) => key.toLowerCase() === name.toLowerCase());
      if (existing) delete out[existing];
      out[name] = values.map(String);
    }
  }
  return out;
}

/**
 * Headers API Gateway does not pass through as the integration set them: it owns these on the
 * client connection and hands the integration's values on as `x-amzn-Remapped-<name>`.
 */
const REMAPPED = new Set(['authorization', 'connection', 'content-length', 'date', 'server', 'transfer-encoding', 'www-authenticate']);

export function clientHeaders(headers: Record<string, string[]>): Record<string, string[]> {
  const out = safeRecord<string[]>();
  for (const [name, values] of Object.entries(headers)) out[REMAPPED.has(name.toLowerCase()) ? `x-amzn-Remapped-${name}` : name] = values;
  return out;
}
