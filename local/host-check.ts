import { isIP } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * DNS-rebinding protection for every listener of the twin, as dev servers do it since the rebinding advisories
 * (webpack-dev-server's "Invalid Host header", Vite's server.allowedHosts): a page that points its own name at
 * 127.0.0.1 becomes same-origin with the twin and may send any header, so the twin answers only requests whose
 * Host is one it serves. Allowed, whatever the port:
 * - IP literals (127.0.0.1, [::1], a LAN address): a page cannot rebind a name it does not own;
 * - `localhost` and `*.localhost` (RFC 6761: they resolve to loopback, and no one can register them);
 * - the AWS names the twin stands in for (execute-api, cloudfront.net, Cognito's): a page cannot make them
 *   resolve to this machine without controlling its DNS;
 * - whatever host the twin was told to bind or allow (`npm start -- --allowed-host NAME`).
 */
const AWS_SERVICE_NAMES = [/\.amazonaws\.com$/, /\.amazoncognito\.com$/, /\.cloudfront\.net$/];

export type HostAllowList = readonly string[];

/** The names a listener serves beyond the built-in ones: what it was told to allow, and the host it binds. */
export function servedHosts(options: { host?: string; allowedHosts?: readonly string[] }): HostAllowList {
  return [...(options.allowedHosts ?? []), options.host ?? '127.0.0.1'];
}

/** The hostname of a Host header (no port, no brackets, lower case), or undefined if it is not one. */
export function hostnameOf(host: string): string | undefined {
  const trimmed = host.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(trimmed);
  if (bracketed) return bracketed[1];
  const plain = /^([a-z0-9.-]+|[0-9.]+)(?::\d{1,5})?$/.exec(trimmed);
  return plain ? plain[1]!.replace(/\.$/, '') : undefined;
}

export function isServedHost(host: string | undefined, allowed: HostAllowList = []): boolean {
  // HTTP/1.0 clients may send no Host; browsers always send one.
  if (host === undefined) return true;
  const name = hostnameOf(host);
  if (name === undefined || name === '') return false;
  if (isIP(name) !== 0) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (AWS_SERVICE_NAMES.some((pattern) => pattern.test(name))) return true;
  return allowed.some((entry) => entry.toLowerCase() === name);
}

/** Answers 403 and returns true when the request's Host is not served; the caller then stops. */
export function refuseForeignHost(request: IncomingMessage, response: ServerResponse, allowed: HostAllowList): boolean {
  const host = request.headers.host;
  if (isServedHost(host, allowed)) return false;
  const body = JSON.stringify({
    message: `Blocked request: the local twin does not serve the host ${JSON.stringify(host)} (DNS rebinding protection). `
      + 'Use localhost or 127.0.0.1, or start it with --allowed-host <name>.',
  });
  response.writeHead(403, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' });
  response.end(body);
  return true;
}
