/**
 * The endpoint every AWS service the twin does not emulate resolves to (AWS_ENDPOINT_URL in the functions): each
 * protocol gets a 400 its SDK client parses into a `LocalTwinUnsupportedService` error. 400 rather than 5xx, so
 * the SDK does not retry it. Over HTTP against the listener itself; a fixture function goes through it in
 * singleTemplate.test.ts.
 */
import { cbor } from '@smithy/core/cbor';
import { startUnsupportedServices, type UnsupportedServices } from '../../local/unsupported-services';

let server: UnsupportedServices;
const logs: string[] = [];
beforeAll(async () => {
  server = await startUnsupportedServices({ log: (line) => logs.push(line) });
});
afterAll(() => server?.stop());

const signed = (service: string) => ({ authorization: `AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=abc` });

test('Smithy RPC v2 CBOR (newer clients): a CBOR error map naming the service', async () => {
  const reply = await fetch(`${server.url}/service/Monitoring/operation/PutMetricData`, { method: 'POST', headers: { ...signed('monitoring'), 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor' }, body: new Uint8Array([0xa0]) });
  expect(reply.status).toBe(400);
  expect(reply.headers.get('smithy-protocol')).toBe('rpc-v2-cbor');
  const body = cbor.deserialize(new Uint8Array(await reply.arrayBuffer())) as Record<string, string>;
  expect(body.__type).toBe('LocalTwinUnsupportedService');
  expect(body.message).toContain('does not emulate monitoring');
});

test('JSON and query/XML protocols; the console names each service once', async () => {
  const json = await fetch(server.url, { method: 'POST', headers: { ...signed('sqs'), 'x-amz-target': 'AmazonSQS.SendMessage', 'content-type': 'application/x-amz-json-1.0' }, body: '{}' });
  expect(await json.json()).toMatchObject({ __type: 'LocalTwinUnsupportedService' });
  const xml = await fetch(server.url, { method: 'POST', headers: { ...signed('sns'), 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=Publish' });
  expect(xml.status).toBe(400);
  expect(await xml.text()).toContain('<Code>LocalTwinUnsupportedService</Code>');
  await fetch(server.url, { method: 'POST', headers: signed('sns'), body: 'Action=Publish' });
  expect(logs.filter((line) => line.includes('called sns'))).toHaveLength(1);
});
