/** The runner's pure parts: function specs from templates, SAM's esbuild options, the environment. */
import { join } from 'node:path';
import { instanceEnvironment, reservedKeysIn } from '../../local/lambda/environment';
import { runtimeMismatch } from '../../local/twin';
import { resolveNodeRuntime } from '../../local/lambda/node-runtime';
import { entryPointsOf, esbuildOptionsFor } from '../../local/lambda/esbuild-options';
import { functionSpecOf, functionSpecsOf, functionForName, runtimeMajor, type FunctionSpec } from '../../local/lambda/function-spec';
import type { ResolvedResource, ResolvedStack } from '../../local/template/stack';
import { loadSystem } from '../../local/template/system';

const stack = { name: 's', templateDir: '/proj/api-stack' } as ResolvedStack;
const resource = (properties: Record<string, unknown>, metadata: Record<string, unknown> = {}): ResolvedResource => ({
  logicalId: 'Fn',
  type: 'AWS::Serverless::Function',
  properties,
  metadata,
  physicalId: 's-Fn-ABC',
  arn: 'arn:aws:lambda:eu-west-1:000000000000:function:s-Fn-ABC',
  dependsOn: [],
});
const where = { region: 'eu-west-1', accountId: '000000000000' };

describe('function specs', () => {
  test('from the real templates: every function of both stacks, Globals merged', () => {
    const system = loadSystem({ rootDir: process.cwd() });
    const specs = functionSpecsOf(system);
    const me = specs.find((spec) => spec.logicalId === 'MeFunction')!;
    expect(me).toMatchObject({
      runtime: 'nodejs24.x',
      handler: 'me.handler',
      codeDir: process.cwd(),
      memoryMb: 256,
      timeoutSeconds: 10,
      esbuild: { Minify: true, Sourcemap: true, Target: 'es2023', EntryPoints: ['src/handlers/me.ts'] },
    });
    expect(me.environment).toMatchObject({ NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: 'links-api' });
    expect(me.environment.TABLE_NAME).toBe(system.api.resources.LinksTable!.physicalId);
    // LoggingConfig.LogGroup names the group Lambda writes to (and reports as AWS_LAMBDA_LOG_GROUP_NAME).
    expect(me.logGroup).toBe(`/aws/lambda/${system.api.name}/Me`);
    expect(me.unsupported).toBeUndefined();
  });

  test('Lambda defaults, CodeUri against the template directory, unsupported shapes named', () => {
    expect(functionSpecOf(resource({ Runtime: 'nodejs22.x', Handler: 'a.b', CodeUri: '../' }), stack, where)).toMatchObject({
      memoryMb: 128,
      timeoutSeconds: 3,
      codeDir: '/proj',
      esbuild: undefined,
      arn: 'arn:aws:lambda:eu-west-1:000000000000:function:s-Fn-ABC',
    });
    expect(functionSpecOf(resource({ Runtime: 'python3.13', Handler: 'a.b', CodeUri: '.' }), stack, where).unsupported).toMatch(/python3\.13/);
    expect(functionSpecOf(resource({ Runtime: 'nodejs24.x', Handler: 'a.b', CodeUri: { Bucket: 'b', Key: 'k' } }), stack, where).unsupported).toMatch(/CodeUri/);
    expect(functionSpecOf(resource({ Runtime: 'nodejs24.x', Handler: 'nodot', CodeUri: '.' }), stack, where).unsupported).toMatch(/Handler/);
    expect(functionSpecOf(resource({ Runtime: 'nodejs24.x', Handler: 'a.b', CodeUri: '.', Environment: { Variables: { AWS_REGION: 'x' } } }), stack, where).unsupported)
      .toBe('Lambda refuses reserved environment variables in a function\'s configuration: AWS_REGION');
    expect(runtimeMajor('nodejs24.x')).toBe(24);
  });

  test('ARNs (qualified or not) and names find their function', () => {
    const spec = functionSpecOf(resource({ Runtime: 'nodejs24.x', Handler: 'a.b', CodeUri: '.' }), stack, where);
    expect(functionForName([spec], spec.arn)?.logicalId).toBe('Fn');
    expect(functionForName([spec], `${spec.arn}:live`)?.logicalId).toBe('Fn');
    expect(functionForName([spec], 's-Fn-ABC')?.logicalId).toBe('Fn');
    expect(functionForName([spec], 'arn:aws:lambda:eu-west-1:000000000000:function:other')).toBeUndefined();
  });
});

describe('esbuild options as sam build passes them', () => {
  const spec = (esbuild: Record<string, unknown>): FunctionSpec =>
    ({ ...functionSpecOf(resource({ Runtime: 'nodejs24.x', Handler: 'me.handler', CodeUri: '.' }), stack, where), codeDir: process.cwd(), esbuild });

  test('defaults: bundle for node, cjs, es2020, minified, no source map', () => {
    expect(esbuildOptionsFor(spec({ EntryPoints: ['src/handlers/me.ts'] }), '/out')).toMatchObject({
      absWorkingDir: process.cwd(),
      entryPoints: ['src/handlers/me.ts'],
      bundle: true,
      platform: 'node',
      outdir: '/out',
      format: 'cjs',
      target: ['es2020'],
      minify: true,
      sourcemap: false,
      metafile: true,
    });
  });

  test('BuildProperties override: Minify false, Sourcemap, Target list, Format, MainFields, lists of pairs', () => {
    const options = esbuildOptionsFor(
      spec({
        EntryPoints: ['src/handlers/me.ts'],
        Minify: false,
        Sourcemap: true,
        Target: 'es2023,node20',
        Format: 'esm',
        MainFields: 'module,main',
        External: ['@aws-sdk/*'],
        Loader: ['.png=dataurl'],
        OutExtension: ['.js=.mjs'],
        Banner: ['js=// hi'],
        SourcesContent: 'false',
      }),
      '/out',
    );
    expect(options).toMatchObject({
      minify: false,
      sourcemap: true,
      target: ['es2023', 'node20'],
      format: 'esm',
      mainFields: ['module', 'main'],
      external: ['@aws-sdk/*'],
      loader: { '.png': 'dataurl' },
      outExtension: { '.js': '.mjs' },
      banner: { js: '// hi' },
      sourcesContent: false,
    });
  });

  test('SourcesContent as lambda-builders passes it: a string reaches esbuild, a boolean false does not', () => {
    // A boolean becomes a bare flag when true and nothing when false (esbuild's default: sources included).
    expect(esbuildOptionsFor(spec({ EntryPoints: ['src/handlers/me.ts'], SourcesContent: false }), '/out').sourcesContent).toBeUndefined();
    expect(esbuildOptionsFor(spec({ EntryPoints: ['src/handlers/me.ts'], SourcesContent: 'false' }), '/out').sourcesContent).toBe(false);
    expect(esbuildOptionsFor(spec({ EntryPoints: ['src/handlers/me.ts'], SourcesContent: 'true' }), '/out').sourcesContent).toBe(true);
  });

  test('entry points without an extension get .ts then .js; none at all = the handler file', () => {
    expect(entryPointsOf(spec({ EntryPoints: ['src/handlers/me'] }))).toEqual(['src/handlers/me.ts']);
    expect(entryPointsOf({ ...spec({}), codeDir: join(process.cwd(), 'src', 'handlers') })).toEqual(['me.ts']);
  });

  test('External ./node_modules/* marks every package.json dependency external', () => {
    const external = esbuildOptionsFor(spec({ EntryPoints: ['src/handlers/me.ts'], External: ['./node_modules/*'] }), '/out').external;
    expect(external).toEqual(expect.arrayContaining(['zod', '@aws-sdk/client-dynamodb']));
    expect(external).not.toContain('./node_modules/*');
  });
});

describe('the environment of an execution environment', () => {
  const spec = {
    ...functionSpecOf(resource({ Runtime: 'nodejs24.x', Handler: 'a.handler', CodeUri: '.', MemorySize: 512 }), stack, where),
    environment: { FROM_TEMPLATE: 't', SHARED: 'template' },
  };

  test('template, then base, then Lambda’s own variables; nothing else but PATH', () => {
    const env = instanceEnvironment({ spec, base: { SHARED: 'base', BASE: 'b' }, taskRoot: '/task', runtimeDir: '/rt', logStreamName: 'stream', path: '/usr/bin' });
    expect(env).toEqual({
      PATH: '/usr/bin',
      FROM_TEMPLATE: 't',
      SHARED: 'base',
      BASE: 'b',
      AWS_LAMBDA_FUNCTION_NAME: 's-Fn-ABC',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/s-Fn-ABC',
      AWS_LAMBDA_LOG_STREAM_NAME: 'stream',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      LAMBDA_TASK_ROOT: '/task',
      LAMBDA_RUNTIME_DIR: '/rt',
      _HANDLER: 'a.handler',
      TZ: ':UTC',
      LANG: 'en_US.UTF-8',
    });
  });

  test('the twin says when a function cannot run on the Node its Runtime names (none installed for it here)', () => {
    const system = loadSystem({ rootDir: process.cwd() });
    const note = runtimeMismatch(system);
    // Node 24 comes with npm ci here (local/lambda/node-runtimes); see nodeRuntime.test.ts for the other cases.
    if (process.versions.node.split('.')[0] === '24' || resolveNodeRuntime('nodejs24.x').matches) expect(note).toBeUndefined();
    else expect(note).toMatch(new RegExp(`^Note: functions declare nodejs24\\.x but run here on Node ${process.versions.node.replace(/\./g, '\\.')}; use that Node major locally for identical behaviour`));
  });

  test('reserved keys in a template are found (Lambda would refuse the deployment)', () => {
    expect(reservedKeysIn({ AWS_REGION: 'x', OK: 'y', _HANDLER: 'z' })).toEqual(['_HANDLER', 'AWS_REGION']);
  });
});
