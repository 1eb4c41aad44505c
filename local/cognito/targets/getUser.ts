import { z } from 'zod';
import { userOfAccessToken } from '../auth/accessToken';
import { attributeList } from '../users';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ AccessToken: required() });

/** GetUser: the caller's attributes, from a valid, unrevoked access token with the user-admin scope. */
export const getUser: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const { user } = await userOfAccessToken(s, request.AccessToken);
  return { Username: user.username, UserAttributes: attributeList(user) };
};
