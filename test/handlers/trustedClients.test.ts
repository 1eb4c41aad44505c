/**
 * Each API trusts only its own app clients. A REST API Cognito authorizer does not check which app client a
 * token was issued to (aws-behaviour.md, "What a REST API Cognito authorizer does not check"), so on a shared
 * user pool the functions do: a token of another API's client is refused with 403 on every route, before
 * any data is read or written, and the refusal is logged without the token.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { handler as createLinkHandler } from '../../src/handlers/createLink';
import { handler as deleteLinkHandler } from '../../src/handlers/deleteLink';
import { handler as getLinkHandler } from '../../src/handlers/getLink';
import { handler as listLinksHandler } from '../../src/handlers/listLinks';
import { handler as listTagsHandler } from '../../src/handlers/listTags';
import { handler as meHandler } from '../../src/handlers/me';
import { handler as tagLinkHandler } from '../../src/handlers/tagLink';
import { handler as untagLinkHandler } from '../../src/handlers/untagLink';
import { logger } from '../../src/lib/logger';
import { MACHINE_OWNER } from '../../src/lib/principal';
import { ErrorBodySchema } from '../../src/links/schemas';
import { useLinksTable } from '../data/linksTable';
import { apiEvent, claims, invoke, TEST_CLIENTS, type Claims, type ProxyHandler } from '../support/apiEvent';
import { captureOutput } from '../support/output';
import { newLink, page } from './api';

const table = useLinksTable('trusted-clients', { logs: true });

const LINK_ID = '01JD5Q8Z3N4V6W7X8Y9Z0ABCDE';
const routes: [string, ProxyHandler, (who: Claims) => APIGatewayProxyEvent][] = [
  ['POST /links', createLinkHandler, (who) => apiEvent({ method: 'POST', resource: '/links', claims: who, body: { url: 'https://example.com/x' } })],
  ['GET /links', listLinksHandler, (who) => apiEvent({ method: 'GET', resource: '/links', claims: who })],
  ['GET /links/{linkId}', getLinkHandler, (who) => apiEvent({ method: 'GET', resource: '/links/{linkId}', claims: who, pathParameters: { linkId: LINK_ID } })],
  ['DELETE /links/{linkId}', deleteLinkHandler, (who) => apiEvent({ method: 'DELETE', resource: '/links/{linkId}', claims: who, pathParameters: { linkId: LINK_ID } })],
  ['PUT /links/{linkId}/tags/{tag}', tagLinkHandler, (who) => apiEvent({ method: 'PUT', resource: '/links/{linkId}/tags/{tag}', claims: who, pathParameters: { linkId: LINK_ID, tag: 'x' } })],
  ['DELETE /links/{linkId}/tags/{tag}', untagLinkHandler, (who) => apiEvent({ method: 'DELETE', resource: '/links/{linkId}/tags/{tag}', claims: who, pathParameters: { linkId: LINK_ID, tag: 'x' } })],
  ['GET /tags', listTagsHandler, (who) => apiEvent({ method: 'GET', resource: '/tags', claims: who })],
];

const foreignUser = claims.user(undefined, 'mallory', TEST_CLIENTS.foreign);
const foreignMachine = claims.machine(TEST_CLIENTS.foreign);
// A user token can never come from a client-credentials client of this API: refused too.
const userOfMachineClient = claims.user(undefined, 'odd', TEST_CLIENTS.machine);
const TOKEN = 'eyJraWQiOiJ0ZXN0In0.eyJzdWIiOiJmb3JlaWduIn0.Zm9yZWlnbi1zaWduYXR1cmUtZG8tbm90LWxvZw';

describe('each API trusts only its own app clients', () => {
  beforeAll(() => logger.setLogLevel('INFO'));

  test.each(routes)('%s: 403 with a JSON message for another API\'s user, machine and odd tokens', async (_, handler, eventFor) => {
    for (const who of [foreignUser, foreignMachine, userOfMachineClient]) {
      const response = await invoke(handler, eventFor(who));
      expect(response.statusCode).toBe(403);
      expect(ErrorBodySchema.parse(response.body).message).toMatch(/not issued to an app client of this API/);
    }
  });

  test('GET /me: an ID token of another client of the pool is refused with 403', async () => {
    const response = await invoke(meHandler, apiEvent({ method: 'GET', resource: '/me', claims: claims.idToken('9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a', 'eve@example.com', { clientId: TEST_CLIENTS.foreign }) }));
    expect(response.statusCode).toBe(403);
    expect(ErrorBodySchema.parse(response.body).message).toMatch(/not issued to an app client of this API/);
  });

  test('a refused caller writes nothing: no item under their sub, and the machine owner is untouched', async () => {
    const before = await table.items(MACHINE_OWNER);
    for (const [, handler, eventFor] of routes) await invoke(handler, eventFor(foreignMachine));
    for (const [, handler, eventFor] of routes) await invoke(handler, eventFor(foreignUser));
    expect(await table.items(foreignUser.sub!)).toEqual([]);
    expect(await table.items(TEST_CLIENTS.foreign)).toEqual([]);
    expect(await table.items(MACHINE_OWNER)).toEqual(before);
  });

  test('the refusal is logged with the client id, never the token', async () => {
    const event = apiEvent({ method: 'GET', resource: '/links', claims: foreignUser, headers: { Authorization: TOKEN } });
    const output = await captureOutput(async () => {
      await invoke(listLinksHandler, event);
    });
    expect(output).not.toContain(TOKEN);
    expect(output).not.toContain(TOKEN.split('.')[2]!);
    const lines = output.split('\n').filter((line) => line.trim().startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'WARN', clientId: TEST_CLIENTS.foreign, tokenUse: 'access' }));
  });

  test('without its trusted-client lists a function lets nobody in (500), rather than everybody', async () => {
    const saved = process.env.USER_CLIENT_IDS;
    delete process.env.USER_CLIENT_IDS;
    try {
      const output = await captureOutput(async () => {
        expect((await invoke(listLinksHandler, apiEvent({ method: 'GET', resource: '/links', claims: claims.user() }))).statusCode).toBe(500);
      });
      expect(output).toContain('USER_CLIENT_IDS is not set');
    } finally {
      process.env.USER_CLIENT_IDS = saved;
    }
  });
});

describe('machine tenancy: the API\'s machine clients share one owner', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));

  test('the read-only client reads what the read-write client wrote; users see none of it', async () => {
    const writer = claims.machine(TEST_CLIENTS.machine);
    const reader = claims.machine(TEST_CLIENTS.readOnly, 'links-api/read');
    const link = await newLink(writer, { url: 'https://example.com/shared-by-machines', tags: ['fleet'] });

    expect((await page(reader)).items.map((item) => item.linkId)).toContain(link.linkId);
    expect((await page(reader, { tag: 'fleet' })).items.map((item) => item.linkId)).toEqual([link.linkId]);
    expect((await page(claims.user())).items).toEqual([]);
  });
});
