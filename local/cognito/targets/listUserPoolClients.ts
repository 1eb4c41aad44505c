import { z } from 'zod';
import { invalidParameter } from '../errors';
import { poolById } from '../services';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required(), MaxResults: z.number().int().optional(), NextToken: z.string().optional() });

/** ListUserPoolClients: id, name and pool of each client, paged like AWS (MaxResults 1–60, NextToken). */
export const listUserPoolClients: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const pool = poolById(s, request.UserPoolId);
  const max = request.MaxResults ?? 60;
  if (max < 1 || max > 60) {
    throw invalidParameter(`1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60`);
  }
  const start = request.NextToken ? Number(Buffer.from(request.NextToken, 'base64url').toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw invalidParameter('Invalid NextToken');
  const page = pool.clients.slice(start, start + max);
  const next = start + max < pool.clients.length ? Buffer.from(String(start + max)).toString('base64url') : undefined;
  return {
    UserPoolClients: page.map((client) => ({ ClientId: client.clientId, UserPoolId: client.userPoolId, ClientName: client.clientName })),
    ...(next ? { NextToken: next } : {}),
  };
};
