/** DynamoDB Local never outlives whoever started it, even when that process is killed without a chance to stop it. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { assertPortFree } from '../../local/net';


test('a SIGKILLed parent takes DynamoDB Local (Java) down with it', async () => {
  // `node --import tsx`, not the tsx launcher: the process killed must be the one that started Java.
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'fixtures', 'startDynamoDbLocal.ts')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<number>((done, fail) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /PORT (\d+)/.exec(out);
      if (match) done(Number(match[1]));
    });
    child.once('exit', (code) => fail(new Error(`exited ${code} before DynamoDB Local was up: ${out}`)));
  });
  await expect(assertPortFree(port, 'DynamoDB Local')).rejects.toThrow(/already in use/);

  child.kill('SIGKILL');
  // The watchdog polls twice a second; allow a loaded machine plenty of time.
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await assertPortFree(port, 'DynamoDB Local');
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
});
