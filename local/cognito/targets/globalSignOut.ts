import { z } from 'zod';
import { userOfAccessToken } from '../auth/accessToken';
import { revokeUser } from '../auth/authenticationResult';
import { stateOf } from '../services';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ AccessToken: required() });

/**
 * GlobalSignOut: revokes every refresh token of the user, on every client; the access tokens minted from
 * them are revoked with them (origin_jti). ID tokens stay valid until they expire, as in AWS.
 */
export const globalSignOut: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const { pool, user } = await userOfAccessToken(s, request.AccessToken);
  revokeUser(stateOf(s, pool), user.username, s.clock());
  s.store.save();
  return {};
};
