import { createServer } from 'node:net';

/** A port the OS says is free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

export class PortInUseError extends Error {}

/** Fails with a one-line message when something already listens on the port. */
export function assertPortFree(port: number, what: string): Promise<void> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      fail(error.code === 'EADDRINUSE'
        ? new PortInUseError(`Port ${port} (${what}) is already in use: stop what holds it or choose another port.`)
        : error);
    });
    server.listen(port, '127.0.0.1', () => server.close(() => done()));
  });
}
