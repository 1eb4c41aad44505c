import type { ClientConfig } from '../config';
import { safeEqual, secretHash } from '../crypto';
import { messages, notAuthorized } from '../errors';

/**
 * SECRET_HASH for clients with a secret: missing and wrong each have AWS's own message. `usernames` are
 * the names the hash may have been computed over: the name the caller typed (and, once known, the
 * internal username); for REFRESH_TOKEN_AUTH only the internal username, as AWS requires.
 */
export function assertSecretHash(client: ClientConfig, provided: string | undefined, usernames: (string | undefined)[]): void {
  // Clients without a secret take no SECRET_HASH; AWS ignores one if sent.
  if (!client.secret) return;
  if (!provided) throw notAuthorized(messages.secretHashMissing(client.clientId));
  const secret = client.secret;
  const matches = usernames.some((name) => name !== undefined && safeEqual(provided, secretHash(name, client.clientId, secret)));
  if (!matches) throw notAuthorized(messages.secretHashWrong(client.clientId));
}
