/**
 * Issue #20 in a real browser (Debian's Chromium, driven by playwright-core): a page served from another local
 * origin tries to create a user in the twin's Cognito (fetch with a fake presigned query, fetch with a
 * signed-looking header, an HTML form post) and to write to DynamoDB Local. Afterwards the user does not exist
 * and the table was never created. A public operation answered cross-origin is the control: the page's own
 * requests do reach the twin.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Browser } from 'playwright-core';
import { startTestCognito, uniqueEmail, userExists, type TestCognito } from '../support/cognitoHarness';
import { browserTest, launchChromium } from '../support/browser';



interface Attack {
  cognitoUrl: string;
  poolId: string;
  userClientId: string;
  dynamoUrl: string;
  tableName: string;
  emails: { presigned: string; signed: string; noCors: string; form: string };
}

/** The attacker's page: every request is sent from the browser, as a hostile site would. */
function attackPage(attack: Attack): string {
  return `<!doctype html><html><body>
<iframe name="sink"></iframe>
<form id="form" method="POST" enctype="text/plain" target="sink" action="${attack.cognitoUrl}/">
  <input name='{"UserPoolId":"${attack.poolId}","Username":"${attack.emails.form}","MessageAction":"SUPPRESS","x":"' value='"}'>
</form>
<script>
const attack = ${JSON.stringify(attack)};
const TARGET = 'AWSCognitoIdentityProviderService.';
const outcome = (promise) => promise.then(async (r) => 'read ' + r.status + ' ' + (await r.text()), (e) => 'refused: ' + e.name);
const create = (email) => JSON.stringify({ UserPoolId: attack.poolId, Username: email, MessageAction: 'SUPPRESS' });
window.run = async () => {
  const results = {};
  results.control = await outcome(fetch(attack.cognitoUrl + '/', { method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': TARGET + 'InitiateAuth' },
    body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: attack.userClientId, AuthParameters: { USERNAME: 'nobody@example.com', PASSWORD: 'x' } }) }));
  results.presigned = await outcome(fetch(attack.cognitoUrl + '/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=x&X-Amz-Signature=y', { method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': TARGET + 'AdminCreateUser' }, body: create(attack.emails.presigned) }));
  results.signed = await outcome(fetch(attack.cognitoUrl + '/', { method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': TARGET + 'AdminCreateUser',
      authorization: 'AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=y', 'x-amz-date': '20260101T000000Z' },
    body: create(attack.emails.signed) }));
  results.noCors = await outcome(fetch(attack.cognitoUrl + '/?X-Amz-Target=' + TARGET + 'AdminCreateUser', { method: 'POST', mode: 'no-cors',
    headers: { 'content-type': 'text/plain' }, body: create(attack.emails.noCors) }));
  results.dynamo = await outcome(fetch(attack.dynamoUrl + '/', { method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.CreateTable',
      authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=y', 'x-amz-date': '20260101T000000Z' },
    body: JSON.stringify({ TableName: attack.tableName, BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] }) }));
  results.form = await new Promise((done) => {
    document.querySelector('iframe').addEventListener('load', () => done('submitted'), { once: true });
    document.getElementById('form').submit();
  });
  return results;
};
</script></body></html>`;
}

describe('a page on another origin cannot drive the twin (real Chromium)', () => {
  let t: TestCognito;
  let page: Server;
  let browser: Browser | undefined;
  let pageUrl = '';
  const emails = { presigned: uniqueEmail('browser-presigned'), signed: uniqueEmail('browser-signed'), noCors: uniqueEmail('browser-nocors'), form: uniqueEmail('browser-form') };
  const tableName = `cross-site-${Date.now()}`;
  const dynamoUrl = process.env.AWS_ENDPOINT_URL_DYNAMODB ?? '';

  beforeAll(async () => {
    t = await startTestCognito();
    const html = attackPage({ cognitoUrl: t.cognito.url, poolId: t.poolId, userClientId: t.clients.UserClient.id, dynamoUrl, tableName, emails });
    page = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
    await new Promise<void>((done) => page.listen(0, '127.0.0.1', done));
    // Another origin: same loopback address, another port (and another name than the twin's 127.0.0.1).
    pageUrl = `http://localhost:${(page.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((done) => page?.close(() => done()));
    await t?.stop();
  });


  browserTest('fetch (presigned query, signed-looking header, no-cors) and a form post create no user; DynamoDB Local takes no write', async () => {
    expect(dynamoUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const tab = await browser!.newPage();
    await tab.goto(pageUrl);
    const results = (await tab.evaluate('window.run()')) as Record<string, string>;
    // The control: a public operation is sent and its answer readable cross-origin, as on AWS.
    expect(results.control).toMatch(/^read 400 .*NotAuthorizedException/);
    // The admin call is sent (its preflight asks for no signing header) but refused, and its answer is unreadable.
    expect(results.presigned).toBe('refused: TypeError');
    // A preflight asking for Authorization gets no CORS headers: the request is never sent.
    expect(results.signed).toBe('refused: TypeError');
    expect(results.dynamo).toBe('refused: TypeError');
    expect(results.form).toBe('submitted');
    for (const [attempt, email] of Object.entries(emails)) expect({ attempt, exists: await userExists(t, email) }).toEqual({ attempt, exists: false });
    const dynamo = new DynamoDBClient({ endpoint: dynamoUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      await expect(dynamo.send(new DescribeTableCommand({ TableName: tableName }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    } finally {
      dynamo.destroy();
    }
    await tab.close();
  }, 60_000);
});
