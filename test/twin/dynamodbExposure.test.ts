/**
 * DynamoDB Local as the twin starts it (local/dynamodb/LoopbackDynamoDbLocal.java): reachable on loopback only, and
 * only under the host names the twin serves, so neither the network nor a DNS-rebinding page can use it.
 */
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb/server';
import { rawExchange, rawRequest, responses } from '../support/rawHttp';

let dynamo: DynamoDbLocal;
beforeAll(async () => {
  dynamo = await startDynamoDbLocal({ allowedHosts: ['my-laptop.lan'] });
}, 90_000);
afterAll(() => dynamo?.stop());

const listTables = (host: string) =>
  rawRequest('POST', '/', {
    Host: host,
    'Content-Type': 'application/x-amz-json-1.0',
    'X-Amz-Target': 'DynamoDB_20120810.ListTables',
    Authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    'X-Amz-Date': '20260101T000000Z',
    Connection: 'close',
  }, '{}');

test('it runs through the loopback launcher (this machine\'s Java has its compiler)', () => {
  expect({ loopbackOnly: dynamo.loopbackOnly, exposure: dynamo.exposure }).toEqual({ loopbackOnly: true, exposure: undefined });
});

test('a foreign Host gets 403 and no data; loopback names, IP literals and --allowed-host names are served', async () => {
  const refused = responses(await rawExchange(dynamo.endpoint, listTables(`attacker.example:${dynamo.port}`)))[0];
  expect(refused?.status).toBe(403);
  expect(refused?.body).toContain('DNS rebinding');
  expect(refused?.body).not.toContain('TableNames');
  for (const host of [`127.0.0.1:${dynamo.port}`, `localhost:${dynamo.port}`, `my-laptop.lan:${dynamo.port}`, `MY-LAPTOP.lan:${dynamo.port}`]) {
    const served = responses(await rawExchange(dynamo.endpoint, listTables(host)))[0];
    expect({ host, status: served?.status, tables: served?.body.includes('TableNames') }).toEqual({ host, status: 200, tables: true });
  }
});

test('it does not listen on the machine\'s other interfaces', async () => {
  const others = Object.values(networkInterfaces()).flat().filter((i) => i && !i.internal && i.family === 'IPv4').map((i) => i!.address);
  if (others.length === 0) {
    console.warn('SKIPPING the interface check: this machine has no non-loopback IPv4 interface');
    return;
  }
  for (const address of others) {
    const outcome = await new Promise<string>((done) => {
      const socket = connect(dynamo.port, address, () => { socket.destroy(); done('connected'); });
      socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'error'));
    });
    expect({ address, outcome }).toEqual({ address, outcome: 'ECONNREFUSED' });
  }
});
