import { z } from 'zod';
import { userOfAccessToken } from '../auth/accessToken';
import { revokeUser } from '../auth/authenticationResult';
import { stateOf } from '../services';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ AccessToken: required() });

/** DeleteUser: the signed-in user deletes their own account; their tokens go with it. */
export const deleteUser: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const { pool, user } = await userOfAccessToken(s, request.AccessToken);
  const state = stateOf(s, pool);
  revokeUser(state, user.username, s.clock());
  state.users.delete(user.username);
  s.store.save();
  return {};
};
