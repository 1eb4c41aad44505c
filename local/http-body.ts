import type { IncomingMessage } from 'node:http';

/**
 * Request bodies for the twin's HTTP servers (API Gateway, Cognito), read so that an early error never
 * breaks the connection for the next request. A body past `limit` is still read to its end and thrown away
 * (drained), so the socket stays in step and keep-alive clients can go on; only past `drainLimit` does the
 * reader give up, and the caller then answers with `Connection: close`. Aborting the read instead (as a
 * `for await` that throws does) destroys the request stream: the error answer goes out marked keep-alive,
 * but the client's next request on that socket is reset.
 */

export interface BodyRead {
  /** The body; empty when it was over `limit`. */
  body: Buffer;
  /** The body (declared or received) was over `limit`. */
  tooLarge: boolean;
  /** The body was read to its end: the connection can be kept alive whatever the answer. */
  complete: boolean;
}

export interface BodyLimits {
  /** Bodies over this many bytes are refused (and not kept). */
  limit: number;
  /** Read and drop at most this many bytes of a refused body; past it the connection has to close. */
  drainLimit: number;
}

/** Resolves once the body is read (or given up on); rejects only if the client goes away mid-body. */
export function readBody(req: IncomingMessage, { limit, drainLimit }: BodyLimits): Promise<BodyRead> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > drainLimit) {
    // Not worth reading: stop taking bytes off the socket; the answer closes it.
    req.pause();
    return Promise.resolve({ body: Buffer.alloc(0), tooLarge: true, complete: false });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > limit;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
      else chunks.length = 0;
      if (size > drainLimit) {
        req.off('data', onData);
        req.pause();
        resolve({ body: Buffer.alloc(0), tooLarge: true, complete: false });
      }
    };
    req.on('data', onData);
    req.once('end', () => resolve({ body: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge, complete: true }));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('client aborted'));
    });
  });
}
