/**
 * Listening, on a Unix socket or on 127.0.0.1 only. On the socket (jupyter-server-proxy) Jupyter authenticates
 * the browser and the socket file's permissions keep other users out. On TCP any local process and any web page
 * can reach the port, so there every request needs the token (generated here unless given) and a loopback or
 * explicitly allowed Host (app.ts). Ctrl-C / SIGTERM close the indexes cleanly.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { XetCacheError } from '@xetcache/store';
import { createApp, type XetCacheApp } from './app';
import { normaliseAllowedHosts } from './http/host-guard';
import { newToken } from './http/token';

/** Request line plus headers; see the comment in startServer. */
export const MAX_HEADER_BYTES = 128 * 1024;

export interface ServeOptions {
  root: string;
  /** TCP port on 127.0.0.1 (0 = any free port). Ignored when socket is given. */
  port?: number;
  socket?: string;
  /** TCP only: the token every request must carry (default: a new random one, see RunningServer.token). */
  token?: string;
  /** TCP only: host names accepted in Host besides loopback ones (localhost, 127.0.0.0/8, [::1]), any port. */
  allowHosts?: readonly string[];
  /** See AppOptions.addonProblem (default: checked in this process). */
  addonProblem?: string | null;
}

export interface RunningServer {
  server: http.Server;
  app: XetCacheApp;
  /** "http://127.0.0.1:PORT" or "unix:PATH". */
  url: string;
  /** The token TCP requests must carry; null on a Unix socket. */
  token: string | null;
  close(): Promise<void>;
}

/** A socket file left by a killed server blocks listen(); remove it only if nobody answers on it. */
async function removeStaleSocket(socket: string): Promise<void> {
  if (!fs.existsSync(socket)) return;
  const alive = await new Promise<boolean>(resolve => {
    const c = net.connect(socket);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
  if (alive)
    throw new XetCacheError('EBADREQUEST', `another server is already listening on ${socket}`);
  fs.rmSync(socket, { force: true });
}

function listen(
  server: http.Server,
  target: { port: number; host: string } | { path: string }
): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(target, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  let token: string | null = null;
  let tcp: { token: string; allowedHosts: ReadonlySet<string> } | undefined;
  if (opts.socket === undefined) {
    if (opts.token !== undefined && !/^[\x21-\x7e]{16,}$/.test(opts.token))
      throw new XetCacheError(
        'EBADREQUEST',
        'the token must be at least 16 printable characters without spaces'
      );
    token = opts.token ?? newToken();
    tcp = { token, allowedHosts: normaliseAllowedHosts(opts.allowHosts ?? []) };
  }
  const app = createApp({ root: opts.root, addonProblem: opts.addonProblem, tcp });
  // Every query openapi.yaml allows must fit Node's limit on the request line and headers (16 KiB by default): a
  // 4096-character store and notebook percent-encoded as 3-byte UTF-8 alone are ~74 KiB. Beyond this, Node answers
  // 431 itself (documented).
  const server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app.app);
  // Browsers keep connections open; closing must not wait for them forever.
  server.keepAliveTimeout = 5000;
  let url: string;
  if (opts.socket !== undefined) {
    await removeStaleSocket(opts.socket);
    await listen(server, { path: opts.socket });
    url = `unix:${opts.socket}`;
  } else {
    await listen(server, { port: opts.port ?? 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  }
  const close = async () => {
    await new Promise<void>(resolve => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await app.close();
  };
  return { server, app, url, token, close };
}
