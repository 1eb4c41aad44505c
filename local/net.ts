import type { Server } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';

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

/**
 * Starts `server` on `host:port` (0: any free port) and gives its base URL and a stop that also ends keep-alive
 * connections, which would otherwise hold close() open.
 */
export async function listenLocal(server: Server, port = 0, host = '127.0.0.1'): Promise<{ url: string; port: number; stop: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}
