import { createServer, type IncomingMessage } from 'node:http';
import { refuseForeignHost, servedHosts } from './host-check';
import { listenLocal } from './net';

/** The error code every call to a service the twin does not emulate gets. */
export const UNSUPPORTED_CODE = 'LocalTwinUnsupportedService';

export interface UnsupportedServices {
  /** What the functions get as AWS_ENDPOINT_URL: every service without an endpoint of its own lands here. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Where a function's AWS SDK calls go for the services the twin does not emulate. The functions get
 * `AWS_ENDPOINT_URL` set to this listener, which the AWS SDKs and CLI read for every service without an
 * `AWS_ENDPOINT_URL_<SERVICE>` of its own. DynamoDB and Cognito have their own endpoints. Without it, such a call
 * would reach real AWS with the twin's fake credentials: slow, confusing, and never what a local run means.
 *
 * It answers every request at once with a 400 (a 5xx would be retried): `LocalTwinUnsupportedService`, naming the
 * service from the request's SigV4 credential scope, in the error shape of the request's protocol (Smithy RPC v2
 * CBOR, which newer SDK clients such as Kinesis speak; JSON; or XML for query and REST-XML services). The console says so once per service.
 */
export async function startUnsupportedServices(options: { host?: string; allowedHosts?: readonly string[]; log: (line: string) => void }): Promise<UnsupportedServices> {
  const reported = new Set<string>();
  const allowed = servedHosts(options);
  const server = createServer((req, res) => {
    if (refuseForeignHost(req, res, allowed)) return;
    req.resume();
    const service = serviceOf(req);
    const message = `The local twin does not emulate ${service}: only DynamoDB and Cognito user pools are local. Mock it in the function, or deploy to use it.`;
    if (!reported.has(service)) {
      reported.add(service);
      options.log(`[aws] a function called ${service} (${req.method} ${req.url ?? '/'}), which the twin does not emulate: it got ${UNSUPPORTED_CODE}`);
    }
    const protocol = protocolOf(req);
    const error = { __type: UNSUPPORTED_CODE, message };
    const body =
      protocol === 'cbor' ? cborStringMap(error)
      : protocol === 'json' ? JSON.stringify(error)
      : `<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error><Type>Sender</Type><Code>${UNSUPPORTED_CODE}</Code><Message>${message}</Message></Error><RequestId>local</RequestId></ErrorResponse>`;
    res.writeHead(400, {
      'Content-Type': { cbor: 'application/cbor', json: 'application/x-amz-json-1.1', xml: 'text/xml' }[protocol],
      ...(protocol === 'cbor' ? { 'smithy-protocol': 'rpc-v2-cbor' } : {}),
      'x-amzn-ErrorType': UNSUPPORTED_CODE,
      'x-amzn-RequestId': 'local',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  });
  const listening = await listenLocal(server, 0, options.host);
  return { url: listening.url, stop: listening.stop };
}

/** The service a SigV4-signed request names in its credential scope (`AKID/date/region/<service>/aws4_request`). */
function serviceOf(req: IncomingMessage): string {
  const credential = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ''));
  const target = String(req.headers['x-amz-target'] ?? '').split('.')[0] ?? '';
  return (credential?.[1] ?? target).replace(/[^\w.-]/g, '') || 'an AWS service';
}

function protocolOf(req: IncomingMessage): 'cbor' | 'json' | 'xml' {
  if (req.headers['smithy-protocol'] === 'rpc-v2-cbor' || String(req.headers['content-type'] ?? '').includes('cbor')) return 'cbor';
  return req.headers['x-amz-target'] !== undefined || String(req.headers['content-type'] ?? '').includes('json') ? 'json' : 'xml';
}

/** A CBOR map of text strings (RFC 8949 major types 5 and 3): all an error body needs. */
function cborStringMap(entries: Record<string, string>): Buffer {
  const head = (major: number, length: number): Buffer => {
    if (length < 24) return Buffer.from([(major << 5) | length]);
    if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
    const big = Buffer.alloc(3);
    big[0] = (major << 5) | 25;
    big.writeUInt16BE(length, 1);
    return big;
  };
  const text = (value: string) => {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  };
  const pairs = Object.entries(entries);
  return Buffer.concat([head(5, pairs.length), ...pairs.flatMap(([key, value]) => [text(key), text(value)])]);
}
