import { z } from 'zod';
import { adminUser } from '../auth/userOperation';
import { attributeList, awsDate } from '../users';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), Username: required() });

/** AdminGetUser: by internal username or (email pools) by email in any case. */
export const adminGetUser: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const { user } = adminUser(s, request);
  return {
    Username: user.username,
    UserAttributes: attributeList(user),
    UserCreateDate: awsDate(user.createdAt),
    UserLastModifiedDate: awsDate(user.updatedAt),
    Enabled: user.enabled,
    UserStatus: user.status,
  };
};
