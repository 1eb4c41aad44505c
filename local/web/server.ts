import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { refuseForeignHost, servedHosts } from '../host-check';

/** What the web app reads from /config.json (web/src/app.ts WebConfig). */
export interface WebAppConfig {
  authority: string;
  clientId: string;
  apiUrl: string;
  scope: string;
  loginBaseUrl: string;
}

export interface LocalWebApp {
  /** http://localhost:<port>: the name the template's callback URLs use. */
  url: string;
  stop(): Promise<void>;
}

const WEB_DIR = join(__dirname, '..', '..', 'web');

/**
 * Serves the links web app (web/): its page at / and /callback, the bundle esbuild makes of web/src/app.ts (for
 * browsers, once at start), and /config.json. Like every listener of the twin it answers only the hosts it serves.
 */
export async function startWebApp(options: { config: WebAppConfig; port: number; host?: string; allowedHosts?: readonly string[] }): Promise<LocalWebApp> {
  const bundle = await build({
    entryPoints: [join(WEB_DIR, 'src', 'app.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    logLevel: 'silent',
  });
  const script = Buffer.from(bundle.outputFiles[0]!.contents);
  const page = readFileSync(join(WEB_DIR, 'index.html'));
  const config = Buffer.from(JSON.stringify(options.config));
  const allowedHosts = servedHosts(options);
  const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  const server: Server = createServer((req, res) => {
    if (refuseForeignHost(req, res, allowedHosts)) return;
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    const send = (type: string, body: Buffer) => res.writeHead(200, { ...headers, 'content-type': type, 'content-length': body.length }).end(body);
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
    if (path === '/' || path === '/callback') return send('text/html; charset=utf-8', page);
    if (path === '/app.js') return send('text/javascript; charset=utf-8', script);
    if (path === '/config.json') return send('application/json', config);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.host ?? '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    stop: () => new Promise<void>((done) => {
      server.close(() => done());
      server.closeAllConnections();
    }),
  };
}
