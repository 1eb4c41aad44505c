/**
 * The template resolver the twin runs on: samconfig overrides, parameter rules, conditions, intrinsics,
 * the SSM hand-off between stacks, SAM Globals, stable ids, and localising AWS URLs.
 */
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdStore } from '../../local/template/ids';
import { parseParameterOverrides } from '../../local/template/samconfig';
import { mergeGlobals, TemplateError } from '../../local/template/stack';
import { loadSystem, localizeUrl } from '../../local/template/system';

const ROOT = join(__dirname, 'fixtures', 'resolver');

describe('template resolver', () => {
  test('samconfig names the stacks and its overrides drive parameters, conditions and intrinsics', () => {
    const system = loadSystem({ rootDir: ROOT });
    expect([system.auth.name, system.api.name]).toEqual(['resolver-auth', 'resolver-api']);
    const pool = system.auth.resources.Pool!;
    expect(pool.physicalId).toMatch(/^us-east-1_[A-Za-z0-9]{9}$/);
    expect(pool.arn).toBe(`arn:aws:cognito-idp:us-east-1:000000000000:userpool/${pool.physicalId}`);
    expect(pool.properties).toEqual({ UserPoolName: 'resolver-auth-team', MfaConfiguration: 'OPTIONAL' });
    expect(system.auth.conditions).toEqual({ Fancy: true, NotFancy: false });
    expect(system.auth.outputs).toEqual({
      // CloudFormation's documented return values: ProviderURL carries the scheme, ProviderName does not.
      Issuer: `https://cognito-idp.us-east-1.amazonaws.com/${pool.physicalId}`,
      ProviderName: `cognito-idp.us-east-1.amazonaws.com/${pool.physicalId}`,
      PoolArn: pool.arn,
      Joined: 'team,b,3',
      Escaped: '${Literal}-us-east-1',
    });
  });

  test('a false condition drops the resource, and AWS::NoValue drops the property', () => {
    const system = loadSystem({ rootDir: ROOT, authParameters: { Flavour: 'plain' } });
    expect(system.auth.resources.FancyOnly).toBeUndefined();
    expect(system.auth.resources.Pool!.properties).not.toHaveProperty('MfaConfiguration');
    expect(system.ssm).not.toHaveProperty('/resolver-auth/fancy');
  });

  test('the api stack reads SSM-typed parameters from what the auth stack publishes', () => {
    const system = loadSystem({ rootDir: ROOT });
    const poolId = system.auth.resources.Pool!.physicalId;
    expect(system.ssm['/resolver-auth/PoolId']).toBe(poolId);
    expect(system.api.parameters.PoolId).toBe(poolId);
    expect(system.api.outputs.TableArn).toBe(`arn:aws:dynamodb:us-east-1:000000000000:table/${system.api.resources.Table!.physicalId}`);
    expect(system.api.resources.Fn!.arn).toBe(`arn:aws:lambda:us-east-1:000000000000:function:${system.api.resources.Fn!.physicalId}`);
  });

  test('Fn::ImportValue reads the exports of the stacks deployed before, and the stack records the import', () => {
    const system = loadSystem({ rootDir: ROOT });
    expect(system.auth.exports).toEqual({ 'resolver-auth-PoolArn': system.auth.resources.Pool!.arn });
    expect(system.api.outputs.ImportedPoolArn).toBe(system.auth.resources.Pool!.arn);
    expect(system.api.imports).toEqual(['resolver-auth-PoolArn']);
    expect(() => loadSystem({ rootDir: ROOT, authStackName: 'renamed-auth', apiParameters: { PoolId: '/renamed-auth/PoolId' } }))
      .toThrow(/No export named resolver-auth-PoolArn found \(exported: renamed-auth-PoolArn\)/);
  });

  test('a missing SSM parameter names what is missing and what exists', () => {
    expect(() => loadSystem({ rootDir: ROOT, apiParameters: { PoolId: '/other-auth/PoolId' } }))
      .toThrow(/parameter PoolId: SSM parameter \/other-auth\/PoolId does not exist \(published: .*\/resolver-auth\/PoolId/);
  });

  test.each([
    [{ Prefix: 'UPPER' }, /parameter Prefix: 'UPPER' does not match \^\[a-z\]\+\$/],
    [{ Flavour: 'odd' }, /parameter Flavour: 'odd' is not one of plain, fancy/],
    [{ Size: '11' }, /parameter Size: 11 is above 10/],
    [{ Size: 'x' }, /parameter Size: 'x' is not a number/],
    [{ Unknown: '1' }, /parameter override Unknown is not a parameter/],
  ])('parameter %j is refused with a clear error', (override, message) => {
    expect(() => loadSystem({ rootDir: ROOT, authParameters: override as Record<string, string> })).toThrow(TemplateError);
    expect(() => loadSystem({ rootDir: ROOT, authParameters: override as Record<string, string> })).toThrow(message);
  });

  test('SAM Globals: maps merge, lists concatenate (globals first), the resource wins for values', () => {
    const fn = loadSystem({ rootDir: ROOT }).api.resources.Fn!;
    expect(fn.properties.Runtime).toBe('nodejs24.x');
    expect(fn.properties.Layers).toEqual(['global-layer', 'own-layer']);
    expect(fn.properties.Environment).toEqual({ Variables: { SHARED: 'from-globals', OVERRIDDEN: expect.stringMatching(/^us-east-1_/) } });
    // An intrinsic is a value, not a map to merge into.
    expect(mergeGlobals({ A: { Ref: 'X' } }, { A: { 'Fn::Sub': 'y' } })).toEqual({ A: { 'Fn::Sub': 'y' } });
  });

  test('ids persist in the id store: the same pool and table names after a restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ids-'));
    try {
      const first = loadSystem({ rootDir: ROOT, ids: new IdStore(join(dir, 'ids.json')) });
      const again = loadSystem({ rootDir: ROOT, ids: new IdStore(join(dir, 'ids.json')) });
      const fresh = loadSystem({ rootDir: ROOT });
      expect(again.auth.resources.Pool!.physicalId).toBe(first.auth.resources.Pool!.physicalId);
      expect(again.api.resources.Table!.physicalId).toBe(first.api.resources.Table!.physicalId);
      expect(fresh.auth.resources.Pool!.physicalId).not.toBe(first.auth.resources.Pool!.physicalId);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('templates are found where samconfig.toml builds them from (build template_file)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relocated-'));
    try {
      cpSync(ROOT, dir, { recursive: true });
      mkdirSync(join(dir, 'stacks'));
      renameSync(join(dir, 'auth-stack', 'template.yaml'), join(dir, 'stacks', 'auth.yaml'));
      appendFileSync(join(dir, 'samconfig.toml'), '[auth.build.parameters]\ntemplate_file = "stacks/auth.yaml"\n');
      expect(loadSystem({ rootDir: dir }).auth.templatePath).toBe(join(dir, 'stacks', 'auth.yaml'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('parameter_overrides parse like the SAM CLI: quotes, spaces, escapes', () => {
    expect(parseParameterOverrides('A=1 B="two words" C=\'x y\' D="q\\"uote" E=')).toEqual({ A: '1', B: 'two words', C: 'x y', D: 'q"uote', E: '' });
  });

  test('AWS endpoint URLs become the twin\'s; other values are left alone', () => {
    const system = loadSystem({ rootDir: ROOT });
    const endpoints = { cognitoUrl: 'http://127.0.0.1:9229', apiUrls: { abc123: 'http://127.0.0.1:3000' } };
    expect(localizeUrl('https://d.auth.us-east-1.amazoncognito.com/oauth2/token', system, endpoints)).toBe('http://127.0.0.1:9229/oauth2/token');
    expect(localizeUrl('https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc', system, endpoints)).toBe('http://127.0.0.1:9229/us-east-1_abc');
    expect(localizeUrl('cognito-idp.us-east-1.amazonaws.com/us-east-1_abc', system, endpoints)).toBe('127.0.0.1:9229/us-east-1_abc');
    expect(localizeUrl('https://other1.execute-api.us-east-1.amazonaws.com/v1/', system, endpoints)).toBe('https://other1.execute-api.us-east-1.amazonaws.com/v1/');
    expect(localizeUrl(system.api.outputs.ApiUrl!, system, endpoints)).toBe('http://127.0.0.1:3000/v1/');
    expect(localizeUrl('https://example.com/x', system, endpoints)).toBe('https://example.com/x');
    expect(localizeUrl('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc', system, endpoints)).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc');
  });
});

describe('resources the twin does not emulate (lazy resolution)', () => {
  const TEMPLATE = `
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Uploads:
    Type: AWS::S3::Bucket
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: jobs
  Search:
    Type: AWS::OpenSearchServerless::Collection
    Properties:
      Name: search
  Shared:
    Type: AWS::Serverless::Application
    Properties:
      Location: { ApplicationId: arn:aws:serverlessrepo:us-east-1:123456789012:applications/shared, SemanticVersion: 1.0.0 }
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmActions: [!ImportValue some-other-stack-TopicArn]
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs24.x
      Handler: index.handler
      CodeUri: src/
      Environment:
        Variables:
          BUCKET: !Ref Uploads
          BUCKET_DOMAIN: !GetAtt Uploads.RegionalDomainName
          QUEUE_URL: !Ref Jobs
          QUEUE_ARN: !GetAtt Jobs.Arn
          SEARCH_ENDPOINT: !GetAtt Search.CollectionEndpoint
Outputs:
  SharedOutput:
    Value: !GetAtt Shared.Outputs.TopicArn
`;
  test('start-up goes on: AWS-shaped values where AWS documents them, a recognisable stand-in and one line otherwise', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazy-'));
    try {
      writeFileSync(join(dir, 'template.yaml'), TEMPLATE);
      writeFileSync(join(dir, 'samconfig.toml'), 'version = 0.1\n[default.deploy.parameters]\nstack_name = "lazy"\n');
      const { api } = loadSystem({ rootDir: dir });
      const env = (api.resources.Worker!.properties.Environment as { Variables: Record<string, string> }).Variables;
      expect(env.BUCKET).toMatch(/^lazy-uploads-[a-z0-9]+$/);
      expect(env.BUCKET_DOMAIN).toBe(`${env.BUCKET}.s3.us-east-1.amazonaws.com`);
      expect(env.QUEUE_URL).toBe('https://sqs.us-east-1.amazonaws.com/000000000000/jobs');
      expect(env.QUEUE_ARN).toBe('arn:aws:sqs:us-east-1:000000000000:jobs');
      expect(env.SEARCH_ENDPOINT).toBe('local-unresolved:Search.CollectionEndpoint');
      expect(api.outputs.SharedOutput).toBe('local-unresolved:Shared.Outputs.TopicArn');
      expect(api.resources.Alarm!.properties).toEqual({});
      expect(api.unresolved).toEqual([
        expect.stringMatching(/^Alarm \(AWS::CloudWatch::Alarm\) Properties: .*No export named some-other-stack-TopicArn/),
        expect.stringContaining('Fn::GetAtt Search.CollectionEndpoint (AWS::OpenSearchServerless::Collection) is not emulated locally'),
        expect.stringContaining('Fn::GetAtt Shared.Outputs.TopicArn (AWS::Serverless::Application) is not emulated locally'),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('what the running system needs still stops start-up: a function (or an output) reading a missing export', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazy-'));
    try {
      writeFileSync(join(dir, 'template.yaml'), TEMPLATE.replace('SEARCH_ENDPOINT: !GetAtt Search.CollectionEndpoint', 'TOPIC: !ImportValue nowhere-export'));
      expect(() => loadSystem({ rootDir: dir })).toThrow(/No export named nowhere-export/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('a duplicated YAML key: the last value, as SAM reads it, and one line saying so', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dupkey-'));
  try {
    writeFileSync(join(dir, 'template.yaml'), [
      "AWSTemplateFormatVersion: '2010-09-09'",
      'Transform: AWS::Serverless-2016-10-31',
      'Resources:',
      '  Table:',
      '    Type: AWS::Serverless::SimpleTable',
      '    Properties:',
      '      TableName: first',
      '      TableName: second',
      '',
    ].join('\n'));
    const { api } = loadSystem({ rootDir: dir });
    expect(api.resources.Table!.physicalId).toBe('second');
    expect(api.unresolved).toEqual([expect.stringMatching(/duplicated mapping key .*the last value is used, as SAM's YAML reader does/)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Fn::Transform AWS::Include of a local file puts it in place, intrinsics resolved; a macro is a clear error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'include-'));
  try {
    writeFileSync(join(dir, 'openapi.yaml'), ['openapi: 3.0.1', 'info:', '  title: !Sub "${AWS::StackName} API"', '  version: "1"', 'paths: {}', ''].join('\n'));
    const template = (body: string) => [
      "AWSTemplateFormatVersion: '2010-09-09'",
      'Transform: AWS::Serverless-2016-10-31',
      'Resources:',
      '  Api:',
      '    Type: AWS::Serverless::Api',
      '    Properties:',
      '      StageName: live',
      '      DefinitionBody:',
      '        Fn::Transform:',
      body,
      '',
    ].join('\n');
    writeFileSync(join(dir, 'template.yaml'), template('          Name: AWS::Include\n          Parameters:\n            Location: ./openapi.yaml'));
    writeFileSync(join(dir, 'samconfig.toml'), 'version = 0.1\n[default.deploy.parameters]\nstack_name = "included"\n');
    expect(loadSystem({ rootDir: dir }).api.resources.Api!.properties.DefinitionBody).toEqual({ openapi: '3.0.1', info: { title: 'included API', version: '1' }, paths: {} });
    writeFileSync(join(dir, 'template.yaml'), template('          Name: MyMacro\n          Parameters:\n            Location: ./openapi.yaml'));
    expect(() => loadSystem({ rootDir: dir })).toThrow(/Fn::Transform MyMacro \(\.\/openapi\.yaml\) does not run locally: only AWS::Include of a local file does/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
