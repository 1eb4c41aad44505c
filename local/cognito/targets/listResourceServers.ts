import { z } from 'zod';
import type { ResourceServerConfig } from '../config';
import { invalidParameter } from '../errors';
import { poolById } from '../services';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), MaxResults: z.number().int().min(1).max(50), NextToken: z.string().optional() });

/** ResourceServerType: scopes by their short names with their descriptions, as the API reports them. */
export function resourceServerType(poolId: string, server: ResourceServerConfig): Record<string, unknown> {
  return { UserPoolId: poolId, Identifier: server.identifier, Name: server.name, Scopes: server.scopeDetails };
}

/** ListResourceServers: every resource server of the pool (one per API stack), MaxResults at a time. */
export const listResourceServers: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const pool = poolById(s, request.UserPoolId);
  const start = request.NextToken === undefined ? 0 : Number(request.NextToken);
  if (!Number.isInteger(start) || start < 0 || start > pool.resourceServers.length) throw invalidParameter('Invalid pagination token.');
  const page = pool.resourceServers.slice(start, start + request.MaxResults);
  const next = start + page.length;
  return { ResourceServers: page.map((server) => resourceServerType(pool.id, server)), ...(next < pool.resourceServers.length ? { NextToken: String(next) } : {}) };
};
