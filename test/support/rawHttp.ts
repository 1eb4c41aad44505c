/**
 * HTTP at the byte level, for what fetch and node:http will not send or hide: several requests pipelined on one
 * socket (does an early error leave the connection usable?), malformed request lines, huge header sections.
 */
import { connect } from 'node:net';

export interface RawExchange {
  /** Everything the server sent, as latin1 text. */
  text: string;
  /** How the connection ended: the server closed it cleanly, reset it, or it was still open after `waitMs`. */
  ending: 'closed' | 'reset' | 'open';
}

/**
 * Writes `payload` to the server at `url` and collects the answer until the server closes the connection,
 * `until` says the answer is complete, or `waitMs` passes.
 */
export function rawExchange(url: string, payload: string | Buffer, options: { waitMs?: number; until?: (text: string) => boolean } = {}): Promise<RawExchange> {
  const { waitMs = 3_000, until } = options;
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    let settled = false;
    const done = (ending: RawExchange['ending']) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, ending });
    };
    const timer = setTimeout(() => done('open'), waitMs);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (until?.(text)) done('open');
    });
    socket.on('error', () => done('reset'));
    socket.on('end', () => done('closed'));
    socket.write(payload);
  });
}

export interface RawResponse {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
}

/** The responses in a raw exchange, in order (the twin's servers always send Content-Length or close). */
export function responses(exchange: RawExchange): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = exchange.text;
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = headers['content-length'] === undefined ? rest.length : Number(headers['content-length']);
    out.push({ status: Number(statusLine.split(' ')[1]), headers, body: rest.slice(end + 4, end + 4 + length) });
    rest = rest.slice(end + 4 + length);
  }
  return out;
}

/** The status codes of the responses in a raw exchange, in order. */
export function statuses(exchange: RawExchange): number[] {
  return responses(exchange).map((response) => response.status);
}

/** A request with a Content-Length body, as bytes on the wire. */
export function rawRequest(method: string, path: string, headers: Record<string, string>, body = ''): string {
  const lines = Object.entries({ Host: 'localhost', ...headers, 'Content-Length': String(Buffer.byteLength(body)) }).map(([k, v]) => `${k}: ${v}`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}
