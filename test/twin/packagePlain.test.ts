/**
 * Where plain JavaScript functions are packaged (local/lambda/package-plain.ts): outside the project, in a temp
 * directory only this user may write. The name is predictable, so one someone else made (a link, open to others)
 * must be refused rather than used.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedRoot } from '../../local/lambda/package-plain';

const uid = process.getuid?.();
let scratch: string;

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'private-tmp-'));
});
afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

test('the packaging root is a 0700 directory of this user, one per project', () => {
  const root = isolatedRoot('/some/project', scratch);
  expect(root.startsWith(join(scratch, `sam-twin-${uid}`))).toBe(true);
  expect(statSync(join(scratch, `sam-twin-${uid}`)).mode & 0o777).toBe(0o700);
  expect(isolatedRoot('/another/project', scratch)).not.toBe(root);
});

test('a directory open to others, or a link in its place, is refused', () => {
  const dir = join(scratch, `sam-twin-${uid}`);
  mkdirSync(dir, { mode: 0o777 });
  chmodSync(dir, 0o777);
  expect(() => isolatedRoot('/some/project', scratch)).toThrow(/is not a private directory of this user/);
  rmSync(dir, { recursive: true });
  mkdirSync(join(scratch, 'elsewhere'), { mode: 0o700 });
  symlinkSync(join(scratch, 'elsewhere'), dir);
  expect(() => isolatedRoot('/some/project', scratch)).toThrow(/is not a private directory of this user/);
});
