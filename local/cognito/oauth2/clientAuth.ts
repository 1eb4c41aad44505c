import type { IncomingHttpHeaders } from 'node:http';
import type { ClientConfig } from '../config';
import { safeEqual } from '../crypto';
import { OAuthError } from '../errors';
import type { Services } from '../services';

/**
 * Client authentication at the OAuth endpoints: client_secret_basic (`Authorization: Basic
 * base64(id:secret)`) or client_secret_post (client_id/client_secret form fields), never both
 * (RFC 6749 §2.3.1). A public client sends only client_id.
 */
export function authenticateClient(s: Services, headers: IncomingHttpHeaders, form: URLSearchParams, invalidClientStatus: number): ClientConfig {
  const invalidClient = () => new OAuthError('invalid_client', invalidClientStatus);
  const basic = basicCredentials(headers.authorization);
  if (basic === 'malformed') throw invalidClient();
  const formId = form.get('client_id') ?? undefined;
  const formSecret = form.get('client_secret') ?? undefined;
  if (basic && formSecret !== undefined) throw new OAuthError('invalid_request');
  if (basic && formId !== undefined && formId !== basic.id) throw invalidClient();
  const clientId = basic?.id ?? formId;
  const secret = basic?.secret ?? formSecret;
  if (!clientId) throw invalidClient();
  const client = s.config.clients.get(clientId);
  if (!client) throw invalidClient();
  if (client.secret ? !(secret !== undefined && safeEqual(secret, client.secret)) : secret !== undefined) throw invalidClient();
  return client;
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | 'malformed' | undefined {
  if (!header) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match?.[1]) return 'malformed';
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  try {
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before base64 (a no-op for Cognito's alphanumerics).
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return 'malformed';
  }
}

/** The token and revoke endpoints only take form bodies. */
export function isForm(headers: IncomingHttpHeaders): boolean {
  return (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}
