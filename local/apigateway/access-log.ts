export interface AccessLogEntry {
  requestId: string;
  method: string;
  /** Full request path, stage included, without the query string. */
  path: string;
  status: number;
  latencyMs: number;
  /** Who the authorizer let in (sub, principalId, access key), and through which app client: identifiers, never a token. */
  principal?: string;
  client?: string;
  /** The gateway's own error message, when it answered itself. */
  error?: string;
}

/**
 * One line per request: who called what, how it went. Identifiers only (sub, client id): never a token,
 * never a header.
 */
export function accessLogLine(entry: AccessLogEntry): string {
  const principal = entry.principal ?? '-';
  const client = entry.client ?? '-';
  const error = entry.error ? ` error=${JSON.stringify(entry.error)}` : '';
  return `[api] ${entry.method} ${entry.path} ${entry.status} ${Math.round(entry.latencyMs)}ms principal=${principal} client=${client} requestId=${entry.requestId}${error}`;
}
