import { z } from 'zod';
import { userNotFound } from '../errors';
import { poolById, stateOf } from '../services';
import { attributeList, awsDate, findUser } from '../users';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), Username: required() });

/** AdminGetUser: by internal username or (email pools) by email in any case. */
export const adminGetUser: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const pool = poolById(s, request.UserPoolId);
  const user = findUser(pool, stateOf(s, pool), request.Username);
  if (!user) throw userNotFound();
  return {
    Username: user.username,
    UserAttributes: attributeList(user),
    UserCreateDate: awsDate(user.createdAt),
    UserLastModifiedDate: awsDate(user.updatedAt),
    Enabled: user.enabled,
    UserStatus: user.status,
  };
};
