import type { EndpointType } from './api-model';

/**
 * API Gateway's limits on what a client sends a REST API, from "API Gateway quotas for configuring and running
 * a REST API" (docs.aws.amazon.com/apigateway/latest/developerguide/limits.html, in
 * awsdocs/amazon-api-gateway-developer-guide doc_source/limits.md), and the answers API Gateway gives past
 * them. Those answers come from API Gateway's front end, before the API itself: plain text, no
 * x-amzn-RequestId, and not shaped by the API's GatewayResponses.
 */

/** "Payload size: 10 MB". */
export const PAYLOAD_LIMIT = 10 * 1024 * 1024;
/** "Total combined size of all header values: 10240 Bytes". */
export const HEADER_VALUES_LIMIT = 10_240;
/** "Length, in characters, of the URL for an edge-optimized API: 8192" / "… for a regional API: 10240". */
export const URL_LIMITS: Record<EndpointType, number> = { EDGE: 8_192, REGIONAL: 10_240, PRIVATE: 10_240 };
/** "ARN length of a method with authorization: 1600 bytes" (the method ARN embeds the request path). */
export const METHOD_ARN_LIMIT = 1_600;
/**
 * Lambda's "Invocation payload (request and response): 6 MB each for request and response (synchronous)": a
 * proxy event over it never reaches the function (docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
 */
export const LAMBDA_EVENT_LIMIT = 6 * 1024 * 1024;
/** A refused body is read and dropped up to this, so the connection stays usable; past it the answer closes it. */
export const DRAIN_LIMIT = 32 * 1024 * 1024;
/**
 * Node's own cap on the request line plus headers (16 KB by default, answered with a bodiless 431) is raised
 * above AWS's limits, so that AWS's apply and are answered as AWS answers them.
 */
export const NODE_MAX_HEADER_SIZE = 64 * 1024;

export interface FrontEndRefusal {
  status: number;
  /** Sent as `text; charset=utf-8`, the content type API Gateway's front end answers with. */
  body: string;
}

export const refusals = {
  /**
   * A body over 10 MB, as observed on a REST API: `413`, `content-type: text; charset=utf-8`, body "HTTP content
   * length exceeded 10485760 bytes.", and a REQUEST_TOO_LARGE gateway response does not change it
   * (github.com/koki-develop/lgtm-generator/issues/10).
   */
  payloadTooLarge: { status: 413, body: `HTTP content length exceeded ${PAYLOAD_LIMIT} bytes.` },
  /**
   * Header values over 10240 bytes: API Gateway's text is "HTTP header is larger than 10240 bytes."
   * (ntsblog.homedev.com.au, 2021/03/09, a REST API behind Lambda). The status is not in that report: 431,
   * the status for this case (RFC 6585), and the one Node itself would send (verify).
   */
  headersTooLarge: { status: 431, body: `HTTP header is larger than ${HEADER_VALUES_LIMIT} bytes.` },
  /** A method ARN over 1600 bytes: "the API client receives a `414 Request URI too long` response" (limits.md); also an over-long URL (verify). */
  uriTooLong: { status: 414, body: 'Request URI too long' },
} satisfies Record<string, FrontEndRefusal>;

/** Bytes of all header values the client sent (Node's rawHeaders: name, value, name, value…). */
export function headerValuesBytes(rawHeaders: readonly string[]): number {
  let total = 0;
  for (let i = 1; i < rawHeaders.length; i += 2) total += Buffer.byteLength(rawHeaders[i]!);
  return total;
}

/** What API Gateway refuses before reading the API: oversized header values, then an over-long URL. */
export function requestRefusal(rawHeaders: readonly string[], url: string, apiOrigin: string, endpointType: EndpointType): FrontEndRefusal | undefined {
  if (headerValuesBytes(rawHeaders) > HEADER_VALUES_LIMIT) return refusals.headersTooLarge;
  if (apiOrigin.length + url.length > URL_LIMITS[endpointType]) return refusals.uriTooLong;
  return undefined;
}

/** `arn:aws:execute-api:{region}:{account}:{api-id}/{stage}/{method}/{path}` of a request. */
export function methodArn(region: string, accountId: string, apiId: string, stage: string, method: string, path: string): string {
  return `arn:aws:execute-api:${region}:${accountId}:${apiId}/${stage}/${method}${path}`;
}
