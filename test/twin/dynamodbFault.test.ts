/**
 * Issue #9's fault: DynamoDB Local dies under the twin. The twin says so at once and brings it back on the same port
 * with the persisted data; meanwhile the functions answer 503 with Retry-After, never a bare 500.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertPortFree } from '../../local/net';
import { startTwin, type Twin } from '../../local/twin';
import { clientCredentialsToken, http } from '../support/twin';

let twin: Twin;
const logs: string[] = [];
const stateDir = mkdtempSync(join(tmpdir(), 'twin-fault-'));

beforeAll(async () => {
  twin = await startTwin({ apiPort: 0, cognitoPort: 0, stateDir, log: (line) => logs.push(line) });
}, 120_000);
afterAll(async () => {
  await twin?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

async function until(what: () => boolean, label: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > deadline) throw new Error(`no ${label} within ${timeoutMs} ms:\n${logs.slice(-20).join('\n')}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

test('killed, it is reported at once, the API answers 503 + Retry-After meanwhile, and it comes back with its data', async () => {
  const token = await clientCredentialsToken(twin, twin.outputs.api.M2MClientId!);
  const api = twin.outputs.api.ApiUrl!;
  const created = await http(`${api}links`, { method: 'POST', headers: { authorization: token, 'content-type': 'application/json' }, body: JSON.stringify({ url: 'https://example.com/survives', tags: ['kept'] }) });
  expect(created.status).toBe(201);
  const { linkId } = created.body as { linkId: string };

  const firstPid = twin.dynamodb!.pid()!;
  process.kill(firstPid, 'SIGKILL');
  await until(() => logs.some((line) => line.includes(`DynamoDB Local (pid ${firstPid}) killed by SIGKILL`)), 'death report');
  expect(logs.join('\n')).toContain('Restarting it on port');

  const meanwhile = await http(`${api}links/${linkId}`, { headers: { authorization: token } });
  expect({ status: meanwhile.status, retryAfter: meanwhile.headers.get('retry-after') }).toEqual({ status: 503, retryAfter: '1' });

  await until(() => logs.some((line) => line.startsWith('DynamoDB Local is back')), 'restart');
  expect(twin.dynamodb!.pid()).not.toBe(firstPid);
  const back = await http(`${api}links/${linkId}`, { headers: { authorization: token } });
  expect(back.status).toBe(200);
  expect(back.body).toMatchObject({ linkId, url: 'https://example.com/survives', tags: ['kept'] });

  // Stopping the twin stops the restarted Java too.
  const port = Number(new URL(twin.dynamodbEndpoint).port);
  await twin.stop();
  await assertPortFree(port, 'DynamoDB Local');
}, 180_000);
