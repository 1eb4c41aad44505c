export interface AccessLogEntry {
  requestId: string;
  method: string;
  /** Full request path, stage included, without the query string. */
  path: string;
  status: number;
  latencyMs: number;
  /** Verified claims, when an authorizer let the request in. */
  claims?: Record<string, string>;
  /** The gateway's own error message, when it answered itself. */
  error?: string;
}

/**
 * One line per request: who called what, how it went. Identifiers only (sub, client id): never a token,
 * never a header.
 */
export function accessLogLine(entry: AccessLogEntry): string {
  const principal = entry.claims?.sub ?? '-';
  const client = entry.claims?.client_id ?? entry.claims?.aud ?? '-';
  const error = entry.error ? ` error=${JSON.stringify(entry.error)}` : '';
  return `[api] ${entry.method} ${entry.path} ${entry.status} ${Math.round(entry.latencyMs)}ms principal=${principal} client=${client} requestId=${entry.requestId}${error}`;
}
