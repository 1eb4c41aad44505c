import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

/** Claims as a REST API Cognito authorizer hands them to Lambda: every value a string. */
export type Claims = Record<string, string>;

const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Examp1e00';
const RESOURCE_SERVER = 'links-api';

function timeClaims(): Claims {
  // API Gateway renders exp/iat as dates, not epoch seconds.
  const now = new Date();
  return {
    auth_time: String(Math.floor(now.getTime() / 1000)),
    iat: now.toUTCString(),
    exp: new Date(now.getTime() + 3_600_000).toUTCString(),
    iss: ISSUER,
    jti: randomUUID(),
  };
}

/** The app clients the handler tests' API trusts (what the template lists in USER_/MACHINE_CLIENT_IDS). */
export const TEST_CLIENTS = {
  user: 'userclient0000000000000000',
  machine: 'machineclient0000000000000',
  readOnly: 'readonlyclient000000000000',
  /** A client of the same pool that belongs to another API. */
  foreign: 'otherapiclient000000000000',
} as const;

/** The environment the template gives every function for its trusted clients, with the test clients. */
export const TRUSTED_CLIENTS_ENV = {
  USER_CLIENT_IDS: TEST_CLIENTS.user,
  MACHINE_CLIENT_IDS: `${TEST_CLIENTS.machine},${TEST_CLIENTS.readOnly}`,
};

export const claims = {
  /** Client-credentials access token: `sub` is the app client's id. */
  machine(clientId: string = TEST_CLIENTS.machine, scope = `${RESOURCE_SERVER}/read ${RESOURCE_SERVER}/write`): Claims {
    return { ...timeClaims(), sub: clientId, client_id: clientId, token_use: 'access', scope, version: '2' };
  },
  /** A user's access token from InitiateAuth. */
  user(sub: string = randomUUID(), username = sub, clientId: string = TEST_CLIENTS.user): Claims {
    return {
      ...timeClaims(),
      sub,
      username,
      client_id: clientId,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      origin_jti: randomUUID(),
      event_id: randomUUID(),
    };
  },
  /** A user's ID token, what GET /me (no scopes) receives. */
  idToken(sub: string, email: string, options: { username?: string; emailVerified?: boolean; clientId?: string } = {}): Claims {
    return {
      ...timeClaims(),
      sub,
      aud: options.clientId ?? TEST_CLIENTS.user,
      email,
      email_verified: String(options.emailVerified ?? true),
      'cognito:username': options.username ?? sub,
      token_use: 'id',
      origin_jti: randomUUID(),
      event_id: randomUUID(),
    };
  },
};

export interface ApiEventOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The route template, e.g. `/links/{linkId}`; the path is filled in from `pathParameters`. */
  resource: string;
  claims: Claims;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  /** A string is sent as is (to test malformed JSON); anything else is JSON-encoded; absent is null. */
  body?: unknown;
  headers?: Record<string, string>;
  stage?: string;
}

/** A REST API (v1) Lambda proxy event, shaped the way API Gateway delivers it behind a Cognito authorizer. */
export function apiEvent(options: ApiEventOptions): APIGatewayProxyEvent {
  const pathParameters = options.pathParameters ?? null;
  const path = options.resource.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(pathParameters?.[name] ?? ''));
  const stage = options.stage ?? 'v1';
  const headers: Record<string, string> = {
    Accept: 'application/json',
    Host: 'abc123defg.execute-api.us-east-1.amazonaws.com',
    'User-Agent': 'jest',
    'X-Forwarded-For': '203.0.113.10',
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
    ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
    ...options.headers,
  };
  const query = options.query ?? null;
  const now = Date.now();
  return {
    resource: options.resource,
    path,
    httpMethod: options.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: query,
    multiValueQueryStringParameters: query && Object.fromEntries(Object.entries(query).map(([name, value]) => [name, [value]])),
    pathParameters,
    stageVariables: null,
    requestContext: {
      resourceId: 'a1b2c3',
      resourcePath: options.resource,
      httpMethod: options.method,
      extendedRequestId: 'Xy1AbCdEoAMFzYw=',
      requestTime: new Date(now).toUTCString(),
      path: `/${stage}${path}`,
      accountId: '123456789012',
      protocol: 'HTTP/1.1',
      stage,
      domainPrefix: 'abc123defg',
      requestTimeEpoch: now,
      requestId: randomUUID(),
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        sourceIp: '203.0.113.10',
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent: 'jest',
        user: null,
        apiKey: null,
        apiKeyId: null,
        clientCert: null,
      },
      domainName: 'abc123defg.execute-api.us-east-1.amazonaws.com',
      apiId: 'abc123defg',
      authorizer: { claims: options.claims },
    },
    body: options.body === undefined ? null : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    isBase64Encoded: false,
  };
}

export function lambdaContext(functionName = 'links-api-function'): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2024/11/21/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface ApiResult<Body = unknown> {
  statusCode: number;
  headers: Record<string, string>;
  /** The JSON body, or undefined when the response has none (204). */
  body: Body;
}

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Calls a handler as Lambda would and decodes its JSON response. */
export async function invoke(handler: ProxyHandler, event: APIGatewayProxyEvent): Promise<ApiResult> {
  const result = await handler(event, lambdaContext());
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)]));
  return { statusCode: result.statusCode, headers, body: result.body ? (JSON.parse(result.body) as unknown) : undefined };
}
