import { z } from 'zod';
import { userOfAccessToken } from '../auth/accessToken';
import { safeEqual, sha256 } from '../crypto';
import { codeMismatch, expiredCode } from '../errors';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ AccessToken: required(), AttributeName: required(), Code: required() });

/** VerifyUserAttribute: the code sent to a changed email marks it verified. */
export const verifyUserAttribute: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const { user } = await userOfAccessToken(s, request.AccessToken);
  const pending = user.attributeVerification;
  if (!pending || pending.attribute !== request.AttributeName || pending.expiresAt <= s.clock()) throw expiredCode();
  if (!safeEqual(sha256(request.Code.trim()), pending.codeHash)) throw codeMismatch();
  user.attributes[`${pending.attribute}_verified`] = 'true';
  delete user.attributeVerification;
  user.updatedAt = s.clock();
  s.store.save();
  return {};
};
