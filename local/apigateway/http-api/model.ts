import type { ResolvedResource, ResolvedStack } from '../../template/stack';
import type { IdentitySource } from '../api-model';
import { methodThrottlesOf, type MethodThrottle } from '../throttle';

/**
 * An `AWS::Serverless::HttpApi` as the local gateway serves it, read the way SAM translates it
 * (samtranslator/model/api/http_api_generator.py, model/apigatewayv2.py) and API Gateway runs it
 * (shared/reference/aws-api-shapes.md §1, §4).
 */
export interface HttpApiModel {
  logicalId: string;
  apiId: string;
  /** `$default` unless StageName says otherwise (SAM's default); `$default` is served at the root. */
  stage: string;
  stageVariables: Record<string, string> | null;
  routes: HttpRoute[];
  /** The `$default` route, if a function's HttpApi event has no Path/Method. */
  defaultRoute: HttpRoute | undefined;
  authorizers: Record<string, HttpAuthorizerSpec>;
  cors: HttpCors | undefined;
  /** DefaultRouteSettings (as `/*` `*`) and RouteSettings by route key, in the REST stage throttle's terms. */
  routeThrottles: MethodThrottle[];
}

/**
 * `Auth.Authorizers.<name>` with `FunctionArn` (SAM's LambdaAuthorizer for HTTP APIs,
 * sam-property-httpapi-lambdaauthorizer): payload 1.0 or 2.0, simple responses or IAM policies.
 */
export interface HttpLambdaAuthorizerSpec {
  kind: 'lambda';
  name: string;
  functionArn: string;
  payloadFormatVersion: '1.0' | '2.0';
  simpleResponses: boolean;
  /** Every one must be present and non-empty, or 401 without a call; none: the function is always called. */
  identitySources: IdentitySource[];
  /** `Identity.ReauthorizeEvery` (default 300 s here; AWS's own default is not documented), 0 = no cache. */
  ttlSeconds: number;
}

/** IAM authorization of HTTP API routes (`Auth.EnableIamAuthorizer`, a route's `Authorizer: AWS_IAM`). */
export interface HttpIamAuthorizerSpec {
  kind: 'iam';
  name: 'AWS_IAM';
}

export type HttpAuthorizerSpec = JwtAuthorizerSpec | HttpLambdaAuthorizerSpec | HttpIamAuthorizerSpec;

export interface HttpRoute {
  /** `GET /items/{id}`, or `$default`. */
  routeKey: string;
  /** The path template (`/items/{id}`); `/$default` for the default route. */
  resourcePath: string;
  /** Upper-case method or ANY. */
  method: string;
  functionArn: string;
  functionLogicalId: string;
  /** '2.0' (SAM's default) or '1.0'. */
  payloadFormatVersion: '1.0' | '2.0';
  auth: { authorizer: string; scopes: string[] } | undefined;
  /** For the route matcher, which shares the REST API's `Route` shape. */
  resourceId: string;
}

/** `Auth.Authorizers.<name>` with `JwtConfiguration` (SAM's OAuth2Authorizer): `type: jwt`. */
export interface JwtAuthorizerSpec {
  kind: 'jwt';
  name: string;
  issuer: string;
  audience: string[];
  /** `$request.header.Authorization` → the header name. */
  header: string;
  /** Authorizer-level AuthorizationScopes, the default for routes naming none. */
  scopes: string[] | undefined;
}

export interface HttpCors {
  allowOrigins: string[];
  allowHeaders: string[];
  allowMethods: string[];
  exposeHeaders: string[];
  allowCredentials: boolean;
  maxAge: number | undefined;
}

/** Logical ids of a stack's HTTP APIs (SAM's implicit `ServerlessHttpApi` included), in template order. */
export function httpApisOf(stack: ResolvedStack): string[] {
  return Object.values(stack.resources).filter((r) => r.type === 'AWS::Serverless::HttpApi').map((r) => r.logicalId);
}

export function httpApiModelOf(stack: ResolvedStack, logicalId: string): HttpApiModel {
  const api = stack.resources[logicalId];
  if (!api || api.type !== 'AWS::Serverless::HttpApi') throw new Error(`The ${stack.name} stack has no AWS::Serverless::HttpApi named ${logicalId}`);
  const props = api.properties;
  const auth = (props.Auth ?? {}) as Record<string, unknown>;
  const authorizers = authorizersOf(auth.Authorizers);
  // SAM's EnableIamAuthorizer makes AWS_IAM a route may name (and DefaultAuthorizer may be AWS_IAM).
  if (auth.EnableIamAuthorizer === true) authorizers.AWS_IAM = { kind: 'iam', name: 'AWS_IAM' };
  const defaultAuthorizer = typeof auth.DefaultAuthorizer === 'string' ? auth.DefaultAuthorizer : undefined;
  const routes: HttpRoute[] = [];
  let defaultRoute: HttpRoute | undefined;
  for (const fn of Object.values(stack.resources).filter((r) => r.type === 'AWS::Serverless::Function')) {
    for (const event of httpApiEventsOf(fn, api.physicalId)) {
      const route = routeOf(fn, event, authorizers, defaultAuthorizer);
      if (route.routeKey === '$default') defaultRoute = route;
      else routes.push(route);
    }
  }
  return {
    logicalId,
    apiId: api.physicalId,
    stage: typeof props.StageName === 'string' && props.StageName !== '' ? props.StageName : '$default',
    stageVariables: stringMap(props.StageVariables),
    routes,
    defaultRoute,
    authorizers,
    cors: corsOf(props.CorsConfiguration),
    routeThrottles: routeThrottlesOf(props.DefaultRouteSettings, props.RouteSettings),
  };
}

/**
 * The stage's throttling: `DefaultRouteSettings` for every route, `RouteSettings` per route key (`GET /items`,
 * `$default`), each a token bucket of ThrottlingBurstLimit refilled at ThrottlingRateLimit per second; past it,
 * 429 `{"message":"Too Many Requests"}` (http-api-throttling).
 */
function routeThrottlesOf(defaults: unknown, perRoute: unknown): MethodThrottle[] {
  const settings: Record<string, unknown>[] = [];
  if (defaults && typeof defaults === 'object') settings.push({ ...(defaults as Record<string, unknown>), ResourcePath: '/*', HttpMethod: '*' });
  for (const [routeKey, value] of Object.entries((perRoute ?? {}) as Record<string, Record<string, unknown>>)) {
    const [method, path] = routeKey === '$default' ? ['ANY', '/$default'] : routeKey.split(' ', 2);
    settings.push({ ...value, ResourcePath: path, HttpMethod: method });
  }
  return methodThrottlesOf(settings);
}

function httpApiEventsOf(fn: ResolvedResource, apiId: string): Record<string, unknown>[] {
  const events = (fn.properties.Events ?? {}) as Record<string, { Type?: string; Properties?: Record<string, unknown> }>;
  return Object.values(events)
    .filter((event) => event.Type === 'HttpApi' && (event.Properties ?? {}).ApiId === apiId)
    .map((event) => event.Properties ?? {});
}

/**
 * SAM's HttpApi event: no Path and Method is the `$default` route; the method is upper-cased, `any` is ANY;
 * `Auth.Authorizer` names the authorizer (`NONE` opens the route), else the API's DefaultAuthorizer;
 * `Auth.AuthorizationScopes` override the authorizer's.
 */
function routeOf(fn: ResolvedResource, event: Record<string, unknown>, authorizers: Record<string, HttpAuthorizerSpec>, defaultAuthorizer: string | undefined): HttpRoute {
  const path = typeof event.Path === 'string' ? event.Path : undefined;
  const method = typeof event.Method === 'string' ? event.Method.toUpperCase() : 'ANY';
  const isDefault = path === undefined;
  const auth = (event.Auth ?? {}) as Record<string, unknown>;
  const named = typeof auth.Authorizer === 'string' ? auth.Authorizer : defaultAuthorizer;
  const spec = named ? authorizers[named] : undefined;
  const scopes = Array.isArray(auth.AuthorizationScopes) ? auth.AuthorizationScopes.map(String) : spec?.kind === 'jwt' ? spec.scopes ?? [] : [];
  const resourcePath = isDefault ? '/$default' : path.startsWith('/') ? path : `/${path}`;
  return {
    routeKey: isDefault ? '$default' : `${method === 'ANY' ? 'ANY' : method} ${resourcePath}`,
    resourcePath,
    method: isDefault ? 'ANY' : method,
    functionArn: fn.arn,
    functionLogicalId: fn.logicalId,
    payloadFormatVersion: String(event.PayloadFormatVersion ?? '2.0') === '1.0' ? '1.0' : '2.0',
    auth: named && named !== 'NONE' ? { authorizer: named, scopes } : undefined,
    resourceId: '',
  };
}

/**
 * JWT (OAuth2) and Lambda authorizers. SAM lower-cases JwtConfiguration's keys, so `Issuer` and `issuer` both work.
 * A Lambda authorizer's identity sources are `$request.header.X`, `$request.querystring.X`, `$context.X`,
 * `$stageVariables.X`.
 */
function authorizersOf(value: unknown): Record<string, HttpAuthorizerSpec> {
  const out: Record<string, HttpAuthorizerSpec> = {};
  for (const [name, raw] of Object.entries((value ?? {}) as Record<string, Record<string, unknown>>)) {
    if (raw.FunctionArn !== undefined) {
      const identity = (raw.Identity ?? {}) as Record<string, unknown>;
      const list = (key: string) => (Array.isArray(identity[key]) ? (identity[key] as unknown[]).map(String) : []);
      const ttl = Number(identity.ReauthorizeEvery ?? 300);
      out[name] = {
        kind: 'lambda',
        name,
        functionArn: String(raw.FunctionArn),
        payloadFormatVersion: String(raw.AuthorizerPayloadFormatVersion ?? '2.0') === '1.0' ? '1.0' : '2.0',
        simpleResponses: raw.EnableSimpleResponses === true,
        identitySources: [
          ...list('Headers').map((n) => ({ from: 'header' as const, name: n })),
          ...list('QueryStrings').map((n) => ({ from: 'query' as const, name: n })),
          ...list('StageVariables').map((n) => ({ from: 'stageVariable' as const, name: n })),
          ...list('Context').map((n) => ({ from: 'context' as const, name: n })),
        ],
        ttlSeconds: Number.isFinite(ttl) ? Math.min(3600, Math.max(0, ttl)) : 300,
      };
      continue;
    }
    if (!raw.JwtConfiguration) continue;
    const jwt = Object.fromEntries(Object.entries(raw.JwtConfiguration as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), v]));
    const audience = jwt.audience === undefined ? [] : ([] as unknown[]).concat(jwt.audience).map(String);
    const source = String(raw.IdentitySource ?? '$request.header.Authorization');
    out[name] = {
      kind: 'jwt',
      name,
      issuer: String(jwt.issuer ?? ''),
      audience,
      header: /^\$request\.header\.(.+)$/.exec(source)?.[1] ?? 'Authorization',
      scopes: Array.isArray(raw.AuthorizationScopes) ? raw.AuthorizationScopes.map(String) : undefined,
    };
  }
  return out;
}

/** SAM's CorsConfiguration (and a function URL's Cors, same keys): `true` allows every origin; a map gives AllowOrigins, AllowHeaders, … */
export function corsOf(value: unknown): HttpCors | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  const map = value === true ? { AllowOrigins: ['*'], AllowHeaders: ['*'], AllowMethods: ['*'] } : (value as Record<string, unknown>);
  const list = (key: string) => (Array.isArray(map[key]) ? (map[key] as unknown[]).map(String) : []);
  return {
    allowOrigins: list('AllowOrigins'),
    allowHeaders: list('AllowHeaders'),
    allowMethods: list('AllowMethods').map((m) => m.toUpperCase()),
    exposeHeaders: list('ExposeHeaders'),
    allowCredentials: map.AllowCredentials === true,
    maxAge: map.MaxAge === undefined ? undefined : Number(map.MaxAge),
  };
}

function stringMap(value: unknown): Record<string, string> | null {
  if (!value || typeof value !== 'object') return null;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)] as const);
  return entries.length > 0 ? Object.fromEntries(entries) : null;
}
