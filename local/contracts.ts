/**
 * The seams between the twin's parts. Each part is started by local/twin.ts from the resolved System
 * (local/template/system.ts) and talks to the others only through these types.
 */
import type { DistributionModel } from './cloudfront/distribution-model';
import type { ResolvedStack } from './template/stack';
import type { System } from './template/system';

/** Outcome of one Lambda invocation, as the caller (gateway, Cognito trigger) must distinguish them. */
export type InvocationResult =
  | { status: 'ok'; payload: unknown; durationMs: number }
  /** The handler threw or rejected (Lambda's "Unhandled" function error). */
  | { status: 'error'; errorType: string; errorMessage: string; durationMs: number }
  /** The function ran past its template Timeout and was stopped. */
  | { status: 'timeout'; durationMs: number }
  /** The function's process died (process.exit, fatal error, failed build). */
  | { status: 'crash'; errorMessage: string; durationMs: number };

/** Runs the templates' functions locally, each isolated, warm between calls. */
export interface FunctionInvoker {
  /**
   * Invokes a function by its ARN or name, as Lambda's Invoke does (a logical id works too when only one
   * stack uses it).
   */
  invoke(functionRef: string, event: unknown): Promise<InvocationResult>;
  /** The function with this ARN or name (how Cognito's LambdaConfig names triggers), if the system has it. */
  functionFor(functionRef: string): { logicalId: string; stackName: string; arn: string } | undefined;
  stop(): Promise<void>;
}

export interface FunctionInvokerOptions {
  system: System;
  /** Environment every function gets on top of its template environment (DynamoDB endpoint, region…). */
  baseEnvironment: Record<string, string>;
  /** Where bundles are written; must be inside the project so bundles can resolve node_modules. */
  buildDir: string;
  log?: (line: string) => void;
  /**
   * Execution environments per function at most, where the template sets no ReservedConcurrentExecutions; calls
   * beyond it wait for one to be free. Default 4.
   */
  concurrency?: number;
  /** An environment idle this long is retired (Lambda reclaims idle sandboxes too). Default 5 minutes. */
  idleTimeoutMs?: number;
  /** Cold starts running at once across all functions (the rest wait, their init timeout not yet running). */
  initConcurrency?: number;
}

/** The local Cognito: token endpoint, JSON API (X-Amz-Target), JWKS and discovery. */
export interface LocalCognito {
  /** Base URL, e.g. http://127.0.0.1:9229 (also the JSON API endpoint for --endpoint-url). */
  url: string;
  /** `${url}/oauth2/token` */
  tokenUrl: string;
  /** Issuer of the pool's tokens: `${url}/${userPoolId}`; JWKS at `${issuer}/.well-known/jwks.json`. */
  issuerFor(userPoolId: string): string;
  /** Client secret of a client created from the templates (undefined if it has none). */
  clientSecret(clientId: string): string | undefined;
  stop(): Promise<void>;
}

export interface LocalCognitoOptions {
  system: System;
  host?: string;
  /**
   * Host names this listener answers besides IP literals, localhost and the AWS names it stands in for
   * (local/host-check.ts): a request for any other Host gets 403 (DNS rebinding protection).
   */
  allowedHosts?: readonly string[];
  /** 0 = any free port. */
  port?: number;
  /** JSON file persisting users, signing keys and tokens state; omitted = in memory. */
  stateFile?: string;
  /** Runs trigger functions (PreSignUp…) named in the user pool's LambdaConfig. */
  invoker: FunctionInvoker;
  /** Console lines for the person running the twin (e.g. confirmation codes). Never passwords, secrets or tokens. */
  log?: (line: string) => void;
  /**
   * The local stand-in for email: each message Cognito would send (an invitation with its temporary
   * password, a confirmation code) is written here as a 0600 file, and the console only names the file.
   * Omitted: nothing is written, and the console says the message was not delivered.
   */
  outboxDir?: string;
  /** Current time in ms; tests move it to mint tokens that are already expired. Defaults to Date.now. */
  clock?: () => number;
}

/** The local API Gateway for one REST API of a stack. */
export interface LocalGateway {
  /** The REST API's id (the `<id>` of `<id>.execute-api.<region>.amazonaws.com`). */
  apiId: string;
  /** Its logical id in the template (`ServerlessRestApi` for SAM's implicit API). */
  logicalId: string;
  /** Base URL without stage, e.g. http://127.0.0.1:3000 */
  url: string;
  /** Stage URL as in the ApiUrl output, e.g. http://127.0.0.1:3000/v1/ */
  stageUrl: string;
  stop(): Promise<void>;
}

export interface LocalGatewayOptions {
  system: System;
  /** The stack whose REST API this gateway serves. */
  stack: ResolvedStack;
  /** Which of its REST APIs (logical id); default the first. */
  apiLogicalId?: string;
  host?: string;
  /**
   * Host names this listener answers besides IP literals, localhost and the AWS names it stands in for
   * (local/host-check.ts): a request for any other Host gets 403 (DNS rebinding protection).
   */
  allowedHosts?: readonly string[];
  port?: number;
  cognito: LocalCognito;
  invoker: FunctionInvoker;
  /** One line per request: method, path, status, latency, principal — never a token. */
  accessLog?: (line: string) => void;
}

/** The local CloudFront distribution of an AWS::CloudFront::Distribution in the templates. */
export interface LocalDistribution {
  distributionId: string;
  /** `d….cloudfront.net`: what `GetAtt <Distribution>.DomainName` gives, and what outputs are localized from. */
  domainName: string;
  /** Base URL, e.g. http://127.0.0.1:3100 (stands in for https://<domainName>). */
  url: string;
  stop(): Promise<void>;
}

export interface LocalDistributionOptions {
  /** The distribution as the templates declare it (local/cloudfront/distribution-model.ts). */
  model: DistributionModel;
  host?: string;
  /**
   * Host names this listener answers besides IP literals, localhost and the AWS names it stands in for
   * (local/host-check.ts): a request for any other Host gets 403 (DNS rebinding protection).
   */
  allowedHosts?: readonly string[];
  port?: number;
  /** Origin domain name (e.g. `<api id>.execute-api.<region>.amazonaws.com`) → base URL of the local service. */
  originUrls: Record<string, string>;
  /** One line per request: method, path, status, cache result — never a header value. */
  accessLog?: (line: string) => void;
}
