import { z } from 'zod';
import { clientOfPool } from '../services';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), ClientId: required() });

/** DescribeUserPoolClient: the client's settings from the template, including ClientSecret (how scripts read it). */
export const describeUserPoolClient: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const client = clientOfPool(s, request.UserPoolId, request.ClientId);
  return { UserPoolClient: client.description };
};
