/**
 * State in .local/state survives restarts — ids, client secrets, users, signing keys and table data — and a
 * --fresh twin neither reads nor changes it.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTwin, type Twin } from '../../local/twin';
import { clientCredentialsToken, http } from '../support/twin';

/** A fingerprint of every file under a directory: path, size and content hash. */
function fingerprint(dir: string): string {
  const lines: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else lines.push(`${path} ${statSync(path).size} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`);
    }
  };
  walk(dir);
  return lines.sort().join('\n');
}

describe('twin state across restarts', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'twin-state-'));
  let twin: Twin | undefined;
  afterEach(async () => {
    await twin?.stop();
    twin = undefined;
  });
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  // Each twin starts its own persistent DynamoDB Local (-sharedDb -dbPath) here, so ports are all free ones.
  const start = (stateful: boolean) => startTwin({ apiPort: 0, cognitoPort: 0, dynamodbPort: 0, stateDir: stateful ? stateDir : undefined });

  test('links, client ids and secrets survive a restart; --fresh sees none of them and changes nothing', async () => {
    twin = await start(true);
    const m2m = twin.outputs.api.M2MClientId!;
    const secret = twin.outputs.local.ClientSecrets[m2m];
    const created = await http(`${twin.outputs.api.ApiUrl}links`, {
      method: 'POST',
      headers: { authorization: await clientCredentialsToken(twin, m2m), 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://example.com/kept', tags: ['kept'] }),
    });
    expect(created.status).toBe(201);
    const { linkId } = created.body as { linkId: string };
    await twin.stop();
    twin = undefined;

    const before = fingerprint(stateDir);
    twin = await start(false);
    expect(twin.outputs.api.M2MClientId).not.toBe(m2m);
    const freshList = await http(`${twin.outputs.api.ApiUrl}links`, { headers: { authorization: await clientCredentialsToken(twin, twin.outputs.api.M2MClientId!) } });
    expect(freshList.body).toEqual({ items: [], nextCursor: null });
    await twin.stop();
    twin = undefined;
    expect(fingerprint(stateDir)).toBe(before);

    twin = await start(true);
    expect(twin.outputs.api.M2MClientId).toBe(m2m);
    expect(twin.outputs.local.ClientSecrets[m2m]).toBe(secret);
    const token = await clientCredentialsToken(twin, m2m);
    const kept = await http(`${twin.outputs.api.ApiUrl}links/${linkId}`, { headers: { authorization: token } });
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ linkId, url: 'https://example.com/kept', tags: ['kept'] });
    const tags = await http(`${twin.outputs.api.ApiUrl}tags`, { headers: { authorization: token } });
    expect(tags.body).toEqual({ items: [{ tag: 'kept', count: 1 }], nextCursor: null });
  });
});
