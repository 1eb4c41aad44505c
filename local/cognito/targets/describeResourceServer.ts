import { z } from 'zod';
import { resourceNotFound } from '../errors';
import { poolById } from '../services';
import { parseRequest, required } from '../validation';
import { resourceServerType } from './listResourceServers';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), Identifier: required() });

/** DescribeResourceServer: one of the pool's resource servers, as the templates declare it. */
export const describeResourceServer: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const pool = poolById(s, request.UserPoolId);
  const server = pool.resourceServers.find((candidate) => candidate.identifier === request.Identifier);
  if (!server) throw resourceNotFound(`Resource server ${request.Identifier} does not exist.`);
  return { ResourceServer: resourceServerType(pool.id, server) };
};
