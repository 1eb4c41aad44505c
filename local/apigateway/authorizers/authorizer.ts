import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayError } from '../gateway-responses';

/** What an authorizer may look at: the request as API Gateway holds it once the route is known. */
export interface AuthorizationRequest {
  /** Header names lower-cased (Node's `req.headers`). */
  headers: IncomingHttpHeaders;
  /** `arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/{path}` of this request. */
  methodArn: string;
  /** The scopes the method asks for (`AuthorizationScopes`); Cognito authorizers read them. */
  scopes: readonly string[];
  stageVariables: Record<string, string> | null;
  /** The query string as sent, without the `?`. */
  query: string;
  /** The request's proxy event without an authorizer (what a REQUEST authorizer is sent), built on demand. */
  proxyEvent: () => APIGatewayProxyEvent;
  /** On an HTTP API: the request's payload 2.0 event without an authorizer, built on demand. */
  httpEvent?: () => APIGatewayProxyEventV2;
}

export type Authorization =
  | {
      ok: true;
      /** `requestContext.authorizer` of the integration's event (`{claims}` for Cognito), none for IAM. */
      context: Record<string, unknown> | undefined;
      /** Fields of `requestContext.identity` the authorizer knows (IAM: the caller's access key and account). */
      identity?: Record<string, string>;
      /** For the access log: who (sub, principalId, access key) and through which app client. Never a token. */
      principal?: string;
      client?: string;
    }
  | {
      ok: false;
      error: GatewayError;
      /** Why, for the twin's access log only (never sent: AWS's bodies say no more than `error`). */
      detail?: string;
    };

/**
 * One authorizer of an API, whatever its kind: a Cognito user pool authorizer, a Lambda (TOKEN or REQUEST)
 * authorizer, IAM (SigV4), an HTTP API's JWT authorizer. A method that names it asks it about every request before the integration runs.
 */
export interface Authorizer {
  readonly kind: 'cognito' | 'lambda' | 'iam' | 'jwt';
  authorize(request: AuthorizationRequest): Promise<Authorization>;
}

/** A header's value as an authorizer reads it: the first one when repeated. */
export function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
