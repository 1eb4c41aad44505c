/**
 * How the runner notices an edited source (local/lambda/bundle.ts): the first check after a quiet moment always
 * looks at the files, and under a stream of calls they are looked at once per SOURCE_CHECK_INTERVAL_MS, not on
 * every call. Clock passed in: no timing assertions.
 */
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inputsChanged, SOURCE_CHECK_INTERVAL_MS, type InputStamp } from '../../local/lambda/bundle';

describe('source-change checks', () => {
  let dir = '';
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'source-check-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function stamped(name: string): InputStamp[] {
    const path = join(dir, name);
    writeFileSync(path, 'export const VERSION = 1;\n');
    utimesSync(path, 1_000, 1_000);
    const stat = statSync(path);
    return [{ path, mtimeMs: stat.mtimeMs, size: stat.size }];
  }

  test('an edit is seen by the first check after it', () => {
    const inputs = stamped('a.ts');
    expect(inputsChanged(inputs, 10_000)).toBe(false);
    writeFileSync(inputs[0]!.path, 'export const VERSION = 22;\n');
    expect(inputsChanged(inputs, 10_000 + SOURCE_CHECK_INTERVAL_MS)).toBe(true);
  });

  test('checks closer together than the interval do not look at the files again', () => {
    const inputs = stamped('b.ts');
    expect(inputsChanged(inputs, 20_000)).toBe(false);
    // Gone, but not looked at: the "unchanged" of a moment ago stands for the rest of the interval…
    rmSync(inputs[0]!.path);
    for (let i = 1; i < SOURCE_CHECK_INTERVAL_MS; i += 7) expect(inputsChanged(inputs, 20_000 + i)).toBe(false);
    // …and the next check after it sees the change.
    expect(inputsChanged(inputs, 20_000 + SOURCE_CHECK_INTERVAL_MS)).toBe(true);
  });

  test('a vanished source counts as changed', () => {
    const inputs = stamped('c.ts');
    rmSync(inputs[0]!.path);
    expect(inputsChanged(inputs, 30_000)).toBe(true);
  });
});
