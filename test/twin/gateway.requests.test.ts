/**
 * The local API Gateway against hostile and oversized requests, over HTTP, with the fixture project's API
 * (an open echo route, a secured route, an edge-optimized endpoint) behind real function workers:
 * client-chosen names that are Object.prototype's (once a 500 on every route), and API Gateway's REST
 * limits with the answers API Gateway gives (local/apigateway/request-limits.ts cites them).
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { LocalGateway } from '../../local/contracts';
import { startGateway } from '../../local/apigateway/server';
import { createFunctionInvoker, type LocalFunctionInvoker } from '../../local/lambda/invoker';
import { loadSystem, type System } from '../../local/template/system';
import { rawExchange, rawRequest, statuses } from '../support/rawHttp';
import { http } from '../support/twin';
import { startFakeCognito, type FakeCognito } from './gatewaySupport';

const SCRATCH = join(process.cwd(), '.local', 'test-build', `gateway-requests-${randomBytes(4).toString('hex')}`);
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const PROTOTYPE_NAMES = ['toString', 'constructor', '__proto__', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__'];

let cognito: FakeCognito;
let system: System;
let invoker: LocalFunctionInvoker;
let gateway: LocalGateway;
const logs: string[] = [];

beforeAll(async () => {
  cognito = await startFakeCognito();
  system = loadSystem({ rootDir: join(__dirname, '..', 'fixtures', 'runner-project') });
  invoker = createFunctionInvoker({ system, buildDir: SCRATCH, baseEnvironment: CREDENTIALS, log: (line) => logs.push(line) });
  gateway = await startGateway({ system, stack: system.api, cognito, invoker, accessLog: (line) => logs.push(line) });
});
afterAll(async () => {
  await gateway?.stop();
  await invoker?.stop();
  await cognito?.stop();
  rmSync(SCRATCH, { recursive: true, force: true });
});

/** node:http, which sends header names exactly as given (fetch would refuse none of these, but folds repeats). */
function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${gateway.url}${path}`, { headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('names that are Object.prototype members are ordinary names (they were a 500 on every route)', () => {
  test.each(PROTOTYPE_NAMES)('a query parameter and a header named %s reach the function as data', async (name) => {
    const reply = await get(`/test/echo/x?${encodeURIComponent(name)}=q1&${encodeURIComponent(name)}=q2&plain=1`, { [name]: 'h1', 'X-Plain': 'p' });
    expect(reply.status).toBe(200);
    const event = JSON.parse(reply.text) as APIGatewayProxyEvent;
    expect(Object.hasOwn(event.queryStringParameters!, name)).toBe(true);
    expect(event.queryStringParameters![name]).toBe('q2');
    expect(event.multiValueQueryStringParameters![name]).toEqual(['q1', 'q2']);
    expect(event.queryStringParameters!.plain).toBe('1');
    // Node itself drops a header named __proto__ from req.headers; the event is built from the raw headers.
    expect(event.headers[name]).toBe('h1');
    expect(event.multiValueHeaders[name]).toEqual(['h1']);
  });

  test.each(PROTOTYPE_NAMES)('on a secured route without a token, a query named %s is still a 401, not a 500', async (name) => {
    const reply = await http(`${gateway.url}/test/secured?${encodeURIComponent(name)}=1`, { headers: { [name === '__proto__' ? 'x-proto' : name]: '1' } });
    expect({ status: reply.status, body: reply.body }).toEqual({ status: 401, body: { message: 'Unauthorized' } });
  });

  test('an unknown route with such names is the usual 403', async () => {
    const reply = await get('/test/nope?constructor=1&__proto__=2', { constructor: 'x', toString: 'y' });
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.text)).toEqual({ message: 'Missing Authentication Token' });
  });
});

describe('DNS rebinding: the gateway answers only the host names it serves', () => {
  const port = () => new URL(gateway.url).port;

  test('a request for a foreign Host gets 403 and never reaches a function', async () => {
    const before = logs.length;
    const reply = await get('/test/echo/x', { Host: `attacker.example:${port()}` });
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.text).message).toContain('DNS rebinding');
    expect(logs.slice(before).join('\n')).not.toMatch(/\/test\/echo/);
  });

  test.each(['localhost', '127.0.0.1', '[::1]', 'my-app.localhost', 'abc123.execute-api.us-east-1.amazonaws.com'])('Host %s is served', async (host) => {
    const reply = await get('/test/echo/x', { Host: `${host}:${port()}` });
    expect({ host, status: reply.status }).toEqual({ host, status: 200 });
  });
});

describe('payload size: 10 MB, as API Gateway answers past it', () => {
  const TOO_LONG = 'HTTP content length exceeded 10485760 bytes.';

  test('a body over 10 MB → 413 in plain text from the front end (no request id, GatewayResponses do not apply)', async () => {
    const response = await fetch(`${gateway.url}/test/echo/big`, { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 1, 97) });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('text; charset=utf-8');
    expect(response.headers.get('x-amzn-requestid')).toBeNull();
    expect(await response.text()).toBe(TOO_LONG);
  });

  test('exactly 10 MB is a payload API Gateway takes; its event is over Lambda\'s 6 MB → 413 "Request Too Long"', async () => {
    const reply = await http(`${gateway.url}/test/echo/big`, { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024, 97) });
    expect(reply.status).toBe(413);
    expect(reply.body).toEqual({ message: 'Request Too Long' });
    expect(reply.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    expect(reply.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('a body just under Lambda\'s limit reaches the function', async () => {
    const reply = await http(`${gateway.url}/test/echo/big`, { method: 'POST', body: Buffer.alloc(5 * 1024 * 1024, 97) });
    expect(reply.status).toBe(200);
    expect((reply.body as APIGatewayProxyEvent).body).toHaveLength(5 * 1024 * 1024);
  });

  test('after a 413 the keep-alive connection still serves the next request (the body was drained)', async () => {
    const big = 'a'.repeat(10 * 1024 * 1024 + 1);
    const exchange = await rawExchange(gateway.url, rawRequest('POST', '/test/echo/one', {}, big) + rawRequest('GET', '/test/echo/two', {}), {
      until: (text) => statuses({ text, ending: 'open' }).length === 2 && text.endsWith('}'),
      waitMs: 10_000,
    });
    expect(statuses(exchange)).toEqual([413, 200]);
    expect(exchange.ending).not.toBe('reset');
  });

  test('a declared body too large even to drain is refused at once and the connection closed cleanly', async () => {
    const head = `POST /test/echo/huge HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${64 * 1024 * 1024}\r\n\r\n`;
    const exchange = await rawExchange(gateway.url, head);
    expect(statuses(exchange)).toEqual([413]);
    expect(exchange.text).toMatch(/\r\nConnection: close\r\n/i);
    expect(exchange.ending).toBe('closed');
  });
});

describe('header size: 10240 bytes of header values', () => {
  const HEADERS_TOO_LARGE = 'HTTP header is larger than 10240 bytes.';

  test('10240 bytes of values pass; one more byte → 431 in plain text', async () => {
    // Host (127.0.0.1:port) and Connection are values too: fill up to the limit around them.
    const host = new URL(gateway.url).host;
    const fill = (total: number) => 'v'.repeat(total - host.length - 'keep-alive'.length);
    const atLimit = await get('/test/echo/h', { 'X-Fill': fill(10_240), Connection: 'keep-alive' });
    expect(atLimit.status).toBe(200);
    const over = await get('/test/echo/h', { 'X-Fill': fill(10_241), Connection: 'keep-alive' });
    expect(over.status).toBe(431);
    expect(over.headers['content-type']).toBe('text; charset=utf-8');
    expect(over.text).toBe(HEADERS_TOO_LARGE);
  });

  test('a 30 KB header section gets AWS\'s answer, not Node\'s bodiless 431 (Node\'s 16 KB default is lifted)', async () => {
    const reply = await get('/test/echo/h', { 'X-A': 'a'.repeat(15_000), 'X-B': 'b'.repeat(15_000) });
    expect(reply.status).toBe(431);
    expect(reply.text).toBe(HEADERS_TOO_LARGE);
  });

  test('a header section past what Node parses at all (64 KB) still gets AWS\'s text, and the connection closes', async () => {
    const exchange = await rawExchange(gateway.url, `GET /test/echo/h HTTP/1.1\r\nHost: localhost\r\nX-Huge: ${'h'.repeat(70_000)}\r\n\r\n`);
    expect(statuses(exchange)).toEqual([431]);
    expect(exchange.text.endsWith(HEADERS_TOO_LARGE)).toBe(true);
    expect(exchange.text).toMatch(/\r\nConnection: close\r\n/);
  });

  test('a request Node cannot parse gets a 400 and a closed connection, and the gateway goes on', async () => {
    const exchange = await rawExchange(gateway.url, 'NOT A REQUEST\r\n\r\n');
    expect(statuses(exchange)).toEqual([400]);
    expect(exchange.ending).toBe('closed');
    expect((await get('/test/echo/after')).status).toBe(200);
  });
});

describe('URL length and the method ARN', () => {
  // The fixture API has no EndpointConfiguration: edge-optimized, 8192 characters of URL.
  const origin = () => `https://${system.api.resources.FixtureApi!.physicalId}.execute-api.${system.region}.amazonaws.com`;

  test('a URL of 8192 characters passes on an edge-optimized API; 8193 → 414', async () => {
    const path = (length: number) => `/test/echo/${'p'.repeat(length - origin().length - '/test/echo/'.length)}`;
    expect((await get(path(8_192))).status).toBe(200);
    const over = await get(path(8_193));
    expect(over.status).toBe(414);
    expect(over.text).toBe('Request URI too long');
  });

  test('on a method with authorization, a method ARN over 1600 bytes → 414 before the authorizer (the real templates\' /links/{linkId})', async () => {
    const real = loadSystem({ rootDir: process.cwd() });
    const api = await startGateway({ system: real, stack: real.api, cognito, invoker, accessLog: (line) => logs.push(line) });
    try {
      const stage = new URL(api.stageUrl).pathname.split('/')[1]!;
      const prefix = `arn:aws:execute-api:${real.region}:${real.accountId}:${api.apiId}/${stage}/GET/links/`;
      const id = (arnLength: number) => 'i'.repeat(arnLength - prefix.length);
      const atLimit = await http(`${api.url}/${stage}/links/${id(1_600)}`);
      expect({ status: atLimit.status, body: atLimit.body }).toEqual({ status: 401, body: { message: 'Unauthorized' } });
      const over = await fetch(`${api.url}/${stage}/links/${id(1_601)}`);
      expect(over.status).toBe(414);
      expect(await over.text()).toBe('Request URI too long');
    } finally {
      await api.stop();
    }
  });
});
