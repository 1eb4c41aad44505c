import { loadSystem } from '../../local/template/system';
import type { ResolvedStack } from '../../local/template/stack';
import { apiEvents, ROOT, STACK_KEYS, type StackKey } from './model';
import { parameterValues, samTest, samTranslator, translate, type CfnTemplate } from './samTransform';

/** The processed templates: what the SAM transform hands CloudFormation (see samTransform.ts). */

interface Operation {
  security?: Record<string, unknown[]>[];
  'x-amazon-apigateway-integration'?: { type?: string; uri?: unknown };
}
interface OpenApiBody {
  openapi?: string;
  swagger?: string;
  security?: Record<string, unknown[]>[];
  paths: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, Record<string, unknown>> };
  securityDefinitions?: Record<string, Record<string, unknown>>;
  'x-amazon-apigateway-gateway-responses'?: Record<string, { responseParameters?: Record<string, unknown>; responseTemplates?: Record<string, string> }>;
}

/** What CloudFormation knows when it resolves the transform's output: parameter values, conditions, the stack name. */
interface ResolveScope {
  params: Record<string, string>;
  conditions: Record<string, boolean>;
}

function scopeOf(stack: ResolvedStack): ResolveScope {
  return { params: { ...parameterValues(stack), 'AWS::StackName': stack.name }, conditions: stack.conditions };
}

/** Resolves what the transform leaves for CloudFormation in API definitions: Ref, Fn::Sub and Fn::If over parameters. */
function resolveParams(value: unknown, scope: ResolveScope): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveParams(v, scope));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const [only] = entries;
  const substitute = (text: string, vars: Record<string, unknown>) =>
    text.replace(/\$\{([^}!]+)\}/g, (whole, name: string) => String(vars[name] ?? scope.params[name] ?? whole));
  if (entries.length === 1 && only) {
    const [fn, arg] = only;
    if (fn === 'Ref' && typeof arg === 'string' && arg in scope.params) return scope.params[arg];
    if (fn === 'Fn::Sub' && typeof arg === 'string') return substitute(arg, {});
    if (fn === 'Fn::Sub' && Array.isArray(arg)) return substitute(String(arg[0]), resolveParams(arg[1] ?? {}, scope) as Record<string, unknown>);
    if (fn === 'Fn::If' && Array.isArray(arg) && String(arg[0]) in scope.conditions) return resolveParams(scope.conditions[String(arg[0])] ? arg[1] : arg[2], scope);
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveParams(v, scope)]));
}

/** How API Gateway imports a method from the OpenAPI body: its AuthorizationType and scopes. */
function authorizationOf(body: OpenApiBody, operation: Operation): { type: string; authorizer?: string; scopes: unknown[] } {
  const security = operation.security ?? body.security ?? [];
  if (security.length === 0) return { type: 'NONE', scopes: [] };
  if (security.length > 1) throw new Error(`more than one security requirement: ${JSON.stringify(security)}`);
  const requirement = Object.entries(security[0]!);
  if (requirement.length === 0) return { type: 'NONE', scopes: [] };
  if (requirement.length > 1) throw new Error(`more than one scheme in one requirement: ${JSON.stringify(security)}`);
  const [name, scopes] = requirement[0]!;
  const scheme = body.components?.securitySchemes?.[name] ?? body.securityDefinitions?.[name];
  if (!scheme) {
    if (name === 'NONE') return { type: 'NONE', scopes: [] };
    throw new Error(`security requirement names undefined scheme ${name}`);
  }
  const authType = String(scheme['x-amazon-apigateway-authtype'] ?? '').toLowerCase();
  const type = authType === 'cognito_user_pools' ? 'COGNITO_USER_POOLS' : authType === 'awssigv4' ? 'AWS_IAM' : authType === 'custom' ? 'CUSTOM' : `unknown(${authType})`;
  return { type, authorizer: name, scopes };
}

const ofType = (t: CfnTemplate, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);

describe('SAM transform (aws-sam-translator, offline)', () => {
  // PreSignUp is behind AutoConfirm: turn it on so the conditional function goes through the transform too.
  const system = loadSystem({ rootDir: ROOT, authParameters: { AllowSelfSignUp: 'true', AutoConfirmSelfSignUp: 'true' } });
  const output: Partial<Record<StackKey, CfnTemplate>> = {};
  const translated = (stack: StackKey): CfnTemplate => {
    const t = output[stack];
    if (!t) throw new Error(`the ${stack} stack was not translated (see the first failure)`);
    return t;
  };

  beforeAll(async () => {
    if (!samTranslator.ok) return;
    const results = await Promise.allSettled(STACK_KEYS.map((key) => translate(system, system[key])));
    results.forEach((result, i) => { if (result.status === 'fulfilled') output[STACK_KEYS[i]!] = result.value; });
  }, 120_000);

  for (const stack of STACK_KEYS) {
    samTest(`${stack} stack: the transform accepts the template`, async () => {
      if (!output[stack]) await translate(system, system[stack]); // rethrows the transform's own error
      expect(ofType(translated(stack), 'AWS::Lambda::Function').length).toBeGreaterThan(0);
      const serverless = Object.values(translated(stack).Resources).filter((r) => r.Type.startsWith('AWS::Serverless::'));
      expect(serverless).toEqual([]);
    });
  }

  samTest('the table policies reach CloudFormation as written (no transform resolves them): kept on delete and replace, not after a failed create', () => {
    const table = ofType(translated('api'), 'AWS::DynamoDB::Table');
    expect(table.length).toBe(1);
    const [, resource] = table[0]!;
    expect(system.api.parameters.TableRetention).toBe('Retain');
    expect(resolveParams(resource.DeletionPolicy, scopeOf(system.api))).toBe('RetainExceptOnCreate');
    expect(resolveParams(resource.UpdateReplacePolicy, scopeOf(system.api))).toBe('Retain');
  });

  samTest('no stage named "Stage" (OpenApiVersion 3.0): one stage, the StageName parameter', () => {
    const t = translated('api');
    const stages = ofType(t, 'AWS::ApiGateway::Stage').map(([, r]) => resolveParams(r.Properties?.StageName, scopeOf(system.api)));
    const deploymentStages = ofType(t, 'AWS::ApiGateway::Deployment').map(([, r]) => r.Properties?.StageName).filter((s) => s !== undefined);
    expect(stages).toEqual([system.api.parameters.StageName]);
    expect(stages).not.toContain('Stage');
    expect(deploymentStages).toEqual([]);
  });

  describe('REST API methods', () => {
    const body = (): OpenApiBody => {
      const apis = ofType(translated('api'), 'AWS::ApiGateway::RestApi');
      expect(apis.length).toBe(1);
      return resolveParams(apis[0]![1].Properties?.Body, scopeOf(system.api)) as OpenApiBody;
    };
    const routes = () => Object.values(system.api.resources)
      .filter((r) => r.type === 'AWS::Serverless::Function')
      .flatMap((fn) => apiEvents(fn.properties).map((e) => ({ fn: fn.logicalId, ...e })));

    samTest('the body is OpenAPI 3.0 and holds exactly the template routes plus one OPTIONS per path', () => {
      const b = body();
      expect(b.openapi).toMatch(/^3\.0/);
      expect(b.swagger).toBeUndefined();
      const methods = Object.entries(b.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
      const expected = [...routes().map((r) => `${r.method.toUpperCase()} ${r.path}`), ...new Set(routes().map((r) => `OPTIONS ${r.path}`))].sort();
      expect(methods).toEqual(expected);
    });

    samTest('OPTIONS (CORS preflight) methods have AuthorizationType NONE', () => {
      const b = body();
      const preflights = Object.entries(b.paths).flatMap(([path, ops]) => Object.entries(ops).filter(([m]) => m === 'options').map(([, op]) => ({ path, ...authorizationOf(b, op), integration: op['x-amazon-apigateway-integration']?.type })));
      expect(preflights.length).toBe(Object.keys(b.paths).length);
      for (const p of preflights) expect(p).toEqual({ path: p.path, type: 'NONE', scopes: [], integration: 'mock' });
    });

    samTest('every other method is COGNITO_USER_POOLS with exactly its route\'s scopes', () => {
      const b = body();
      for (const route of routes()) {
        const op = b.paths[route.path]?.[route.method];
        expect(op).toBeDefined();
        const auth = authorizationOf(b, op!);
        const expectedScopes = (route.auth?.AuthorizationScopes as unknown[] | undefined) ?? [];
        expect({ route: `${route.method.toUpperCase()} ${route.path}`, type: auth.type, authorizer: auth.authorizer, scopes: auth.scopes })
          .toEqual({ route: `${route.method.toUpperCase()} ${route.path}`, type: 'COGNITO_USER_POOLS', authorizer: 'CognitoAuthorizer', scopes: expectedScopes });
        expect(op!['x-amazon-apigateway-integration']?.type).toBe('aws_proxy');
        expect(JSON.stringify(op!['x-amazon-apigateway-integration']?.uri)).toContain(`\${${route.fn}.Arn}`);
      }
    });

    samTest('the Cognito authorizer points at the user pool the auth stack published (SSM hand-off)', () => {
      const scheme = body().components?.securitySchemes?.CognitoAuthorizer;
      expect(scheme?.['x-amazon-apigateway-authorizer']).toEqual({ type: 'cognito_user_pools', providerARNs: [system.auth.outputs.UserPoolArn] });
      expect(scheme).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' });
    });

    samTest('gateway responses UNAUTHORIZED, ACCESS_DENIED, DEFAULT_4XX, DEFAULT_5XX carry Access-Control-Allow-Origin', () => {
      const responses = body()['x-amazon-apigateway-gateway-responses'] ?? {};
      for (const type of ['UNAUTHORIZED', 'ACCESS_DENIED', 'DEFAULT_4XX', 'DEFAULT_5XX']) {
        const response = responses[type];
        expect({ type, origin: response?.responseParameters?.['gatewayresponse.header.Access-Control-Allow-Origin'] })
          .toEqual({ type, origin: `'${system.api.parameters.CorsAllowOrigin}'` });
        expect(response?.responseTemplates?.['application/json']).toContain('$context.error.messageString');
      }
    });
  });

  samTest('the optional CloudFront distribution comes through the transform under its condition, its origin the translated REST API', () => {
    const t = translated('api');
    const distributions = ofType(t, 'AWS::CloudFront::Distribution');
    expect(distributions.map(([id, r]) => [id, (r as { Condition?: string }).Condition])).toEqual([['ApiDistribution', 'CreateCloudFront']]);
    const restApis = ofType(t, 'AWS::ApiGateway::RestApi').map(([id]) => id);
    const origin = JSON.stringify((distributions[0]![1].Properties?.DistributionConfig as { Origins: unknown[] }).Origins[0]);
    expect(restApis).toHaveLength(1);
    expect(origin).toContain(`\${${restApis[0]}}.execute-api.`);
    expect(t.Outputs?.CloudFrontUrl).toMatchObject({ Condition: 'CreateCloudFront' });
  });

  samTest('functions come out as arm64 nodejs24.x Lambdas with their handlers', () => {
    for (const stack of STACK_KEYS) {
      for (const [id, fn] of ofType(translated(stack), 'AWS::Lambda::Function')) {
        expect({ id, runtime: fn.Properties?.Runtime, arch: fn.Properties?.Architectures }).toEqual({ id, runtime: 'nodejs24.x', arch: ['arm64'] });
        expect(fn.Properties?.Handler).toMatch(/^[\w/.-]+\.\w+$/);
      }
    }
  });

  // Access logging on a REST API stage needs the account's CloudWatch Logs role (AWS::ApiGateway::Account), or
  // CloudFormation fails the stage with "CloudWatch Logs role ARN must be set in account settings to enable
  // logging". It is one setting per account and region: the auth stack (deployed first, once) owns it, and no API
  // stack may set it, or each would overwrite it and deleting one would break logging for the others.
  samTest('the account-wide API Gateway logs role is set by the auth stack only, before any API stage logs', () => {
    expect(ofType(translated('auth'), 'AWS::ApiGateway::Account').map(([id]) => id)).toEqual(['ApiGatewayAccount']);
    expect(ofType(translated('api'), 'AWS::ApiGateway::Account')).toEqual([]);
    expect(ofType(translated('api'), 'AWS::ApiGateway::Stage').filter(([, s]) => s.Properties?.AccessLogSetting).length).toBeGreaterThan(0);
  });
});
