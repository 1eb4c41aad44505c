import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { FunctionInvoker, LocalGateway } from '../contracts';
import { accessLogLine } from '../apigateway/access-log';
import { IamAuthorizer } from '../apigateway/authorizers/iam';
import { preflightHeaders, responseCorsHeaders } from '../apigateway/http-api/cors';
import { buildV2Event, parseV2Result } from '../apigateway/http-api/event';
import { corsOf } from '../apigateway/http-api/model';
import { refuseForeignHost, servedHosts } from '../host-check';
import { readBody } from '../http-body';
import { listenLocal } from '../net';
import type { ResolvedResource } from '../template/stack';

/** Lambda's payload limit for a synchronous invocation, which a function URL's request body shares. */
const BODY_LIMIT = 6 * 1024 * 1024;

/**
 * A function URL (`AWS::Lambda::Url`, which SAM writes for FunctionUrlConfig) on a local port, as Lambda serves
 * `https://<id>.lambda-url.<region>.on.aws/` ("Invoking Lambda function URLs", urls-invocation):
 * - any method and path reach the function as a payload 2.0 event, `routeKey` `$default`, the path still
 *   percent-encoded (as REST APIs, unlike HTTP APIs: github.com/hotsock/voker/pull/8);
 * - the result is read as an HTTP API's 2.0 result;
 * - `AuthType: AWS_IAM` needs a SigV4-signed request, and the caller is under `requestContext.authorizer.iam`. A
 *   refusal is 403 `{"Message":"Forbidden. For troubleshooting Function URL authorization issues, see: …"}`, the body
 *   reported from live calls (github.com/brikis98/devops-book/pull/12);
 * - a function that fails is 502, "Internal Server Error" (github.com/swift-cloud/swift-cloud/pull/16);
 * - `Cors` is answered by Lambda itself, with the keys of an HTTP API's CorsConfiguration.
 */
export async function startFunctionUrl(options: {
  url: ResolvedResource;
  accountId: string;
  region: string;
  invoker: FunctionInvoker;
  host?: string;
  allowedHosts?: readonly string[];
  port?: number;
  log: (line: string) => void;
}): Promise<LocalGateway> {
  const { url, invoker, log } = options;
  const props = url.properties;
  const target = String(props.TargetFunctionArn);
  const iam = String(props.AuthType ?? 'NONE') === 'AWS_IAM' ? new IamAuthorizer('http') : undefined;
  const cors = corsOf(props.Cors);
  const domainName = `${url.physicalId}.lambda-url.${options.region}.on.aws`;
  const allowed = servedHosts(options);

  const server = createServer(async (req, res) => {
    if (refuseForeignHost(req, res, allowed)) return;
    const started = performance.now();
    const requestId = randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const answer = (status: number, headers: Record<string, string[] | string>, body: Buffer, error?: string) => {
      const out: Record<string, string[] | string> = {};
      for (const [name, value] of Object.entries(headers)) if (!(cors && name.toLowerCase().startsWith('access-control-'))) out[name] = value;
      if (cors) Object.assign(out, responseCorsHeaders(cors, req));
      res.writeHead(status, { ...out, 'content-length': String(body.length), 'x-amzn-RequestId': requestId });
      res.end(body);
      log(accessLogLine({ requestId, method: req.method ?? 'GET', path: rawPath, status, latencyMs: performance.now() - started, error }));
    };
    try {
      const read = await readBody(req, { limit: BODY_LIMIT, drainLimit: BODY_LIMIT * 2 });
      if (read.tooLarge) return answer(413, { 'content-type': 'application/json' }, Buffer.from('{"Message":"Request must be smaller than 6291456 bytes for the InvokeFunction operation"}'), 'payload too large');
      if (cors && req.method === 'OPTIONS' && req.headers.origin && req.headers['access-control-request-method']) {
        res.writeHead(200, { ...preflightHeaders(cors, req), 'content-length': '0' });
        return void res.end();
      }
      const event = (authorizer?: Record<string, unknown>) =>
        buildV2Event(
          { method: req.method ?? 'GET', rawPath, rawQueryString: q < 0 ? '' : rawUrl.slice(q + 1), rawHeaders: req.rawHeaders, body: read.body, sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''), protocol: `HTTP/${req.httpVersion}` },
          { routeKey: '$default', pathParameters: null, apiId: url.physicalId, accountId: options.accountId, stage: '$default', stageVariables: null, requestId, now: new Date(), domainName, authorizer },
        );
      let authorizer: Record<string, unknown> | undefined;
      if (iam) {
        const outcome = await iam.authorize({ headers: req.headers, methodArn: target, scopes: [], stageVariables: null, query: q < 0 ? '' : rawUrl.slice(q + 1), proxyEvent: () => { throw new Error('no REST event'); }, httpEvent: () => event() });
        if (!outcome.ok) {
          const body = '{"Message":"Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}';
          return answer(403, { 'content-type': 'application/json', 'x-amzn-ErrorType': 'AccessDeniedException' }, Buffer.from(body), outcome.detail);
        }
        authorizer = outcome.context;
      }
      const outcome = await invoker.invoke(target, event(authorizer));
      if (outcome.status !== 'ok') return answer(502, { 'content-type': 'text/plain' }, Buffer.from('Internal Server Error'), `Lambda ${outcome.status}`);
      const parsed = parseV2Result(outcome.payload);
      if ('invalid' in parsed) return answer(502, { 'content-type': 'text/plain' }, Buffer.from('Internal Server Error'), parsed.invalid);
      return answer(parsed.statusCode, parsed.headers, parsed.body);
    } catch (error) {
      log(`[url] ${url.logicalId}: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) answer(502, { 'content-type': 'text/plain' }, Buffer.from('Internal Server Error'));
    }
  });
  const listening = await listenLocal(server, options.port, options.host);
  return { apiId: url.physicalId, logicalId: url.logicalId, url: listening.url, stageUrl: `${listening.url}/`, stop: listening.stop };
}
