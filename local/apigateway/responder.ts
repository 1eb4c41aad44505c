import type { Socket } from 'node:net';
import { accessLogLine } from './access-log';
import type { ApiModel } from './api-model';
import { responseContext, type Exchange } from './exchange';
import { renderGatewayResponse, type GatewayError } from './gateway-responses';
import { refusals, type FrontEndRefusal } from './request-limits';

/** Every way the gateway answers, each logging one access line. */
export interface Responder {
  /** An answer with AWS's request-id and trace headers (the integration's, a preflight's, a gateway error's). */
  send(ex: Exchange, status: number, headers: Record<string, string[]>, body: Buffer, error?: string): void;
  /** An error the API answers itself, shaped by its GatewayResponses. */
  gatewayError(ex: Exchange, error: GatewayError, detail?: string): void;
  /** API Gateway's front end refusing the request itself (request-limits.ts): plain text, no request id. */
  refuse(ex: Exchange, refusal: FrontEndRefusal): void;
  /** No such stage: CloudFront-level refusal, which GatewayResponses do not shape. */
  forbidden(ex: Exchange): void;
  /**
   * A request Node cannot parse. Header sections over Node's limit (far above AWS's 10240 bytes of values)
   * get AWS's header refusal; anything else (a malformed request line, an unknown method) gets the bare
   * 400 Node itself would send. Either way the connection closes: its bytes cannot be trusted to frame a
   * next request.
   */
  refuseUnparsable(error: NodeJS.ErrnoException, socket: Socket): void;
}

export function createResponder(model: ApiModel, log: (line: string) => void): Responder {
  const send: Responder['send'] = (ex, status, headers, body, error) => {
    ex.res.writeHead(status, {
      ...headers,
      'Content-Length': String(body.length),
      'x-amzn-RequestId': ex.requestId,
      'x-amz-apigw-id': ex.extendedRequestId,
      'X-Amzn-Trace-Id': ex.traceId,
    });
    ex.res.end(body);
    const who = ex.authorization;
    log(accessLogLine({ requestId: ex.requestId, method: ex.method, path: ex.fullPath, status, latencyMs: performance.now() - ex.started, principal: who?.principal, client: who?.client, error }));
  };

  return {
    send,
    gatewayError(ex, error, detail) {
      const rendered = renderGatewayResponse(error, model.gatewayResponses, responseContext(ex, model));
      // The SigV4 complaint carries a hash of the Authorization header: the log keeps only its type.
      const logged = error.errorType === 'IncompleteSignatureException' || error.message === null ? error.errorType : error.message;
      send(ex, rendered.status, arrays(rendered.headers), Buffer.from(rendered.body), detail ? `${logged}: ${detail}` : logged);
    },
    refuse(ex, refusal) {
      const body = Buffer.from(refusal.body);
      ex.res.writeHead(refusal.status, { 'Content-Type': 'text; charset=utf-8', 'Content-Length': String(body.length) });
      ex.res.end(body);
      log(accessLogLine({ requestId: ex.requestId, method: ex.method, path: ex.fullPath, status: refusal.status, latencyMs: performance.now() - ex.started, error: refusal.body }));
    },
    forbidden(ex) {
      send(ex, 403, { 'Content-Type': ['application/json'], 'x-amzn-ErrorType': ['ForbiddenException'] }, Buffer.from('{"message":"Forbidden"}'), 'Forbidden');
    },
    refuseUnparsable(error, socket) {
      if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy();
      const answer = error.code === 'HPE_HEADER_OVERFLOW' ? refusals.headersTooLarge : { status: 400, body: '' };
      const reason = answer.status === 400 ? 'Bad Request' : 'Request Header Fields Too Large';
      const type = answer.body ? 'Content-Type: text; charset=utf-8\r\n' : '';
      socket.end(`HTTP/1.1 ${answer.status} ${reason}\r\n${type}Content-Length: ${Buffer.byteLength(answer.body)}\r\nConnection: close\r\n\r\n${answer.body}`);
      log(`[api] unparsable request refused with ${answer.status} (${error.code ?? error.message})`);
    },
  };
}

export function arrays(headers: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
}
