/** `xetcache serve`: the HTTP server in the foreground until SIGINT/SIGTERM. */
import { XetCacheError } from '@xetcache/store';
import { nativeBindingProblem } from '../index-db/native-binding';
import { startServer } from '../serve';

export async function serveCommand(opts: {
  root: string;
  port?: string;
  socket?: string;
  token?: string;
  allowHost?: string[];
}): Promise<void> {
  if (opts.port !== undefined && opts.socket !== undefined) {
    throw new XetCacheError('EBADREQUEST', 'give --port or --socket, not both');
  }
  // The token from the environment, like JUPYTER_TOKEN: a command line is visible to every local user (ps).
  const token = opts.token ?? (process.env.XETCACHE_TOKEN || undefined);
  if (opts.socket !== undefined && (opts.token !== undefined || opts.allowHost?.length)) {
    throw new XetCacheError(
      'EBADREQUEST',
      '--token and --allow-host are for --port: on a Unix socket the socket file decides who may connect'
    );
  }
  let port: number | undefined;
  if (opts.port !== undefined) {
    port = Number(opts.port);
    if (!/^\d+$/.test(opts.port) || port > 65535)
      throw new XetCacheError('EBADREQUEST', `--port must be 0-65535 (got "${opts.port}")`);
  }
  const running = await startServer({
    root: opts.root,
    port,
    socket: opts.socket,
    token: opts.socket === undefined ? token : undefined,
    allowHosts: opts.allowHost
  });
  // One line on stdout that launchers (and tests) can wait for.
  process.stdout.write(`xetcache-server listening on ${running.url} (root ${running.app.root})\n`);
  if (running.token !== null) {
    // As Jupyter does: the URL with the token when it was generated here; a token the user chose stays unprinted.
    const shown = token === undefined ? running.token : '...';
    process.stdout.write(
      `xetcache-server: every request needs the token, as "Authorization: token <token>" or ?token=<token>:\n` +
        `    ${running.url}/api/status?token=${shown}\n`
    );
  }
  // It still serves (the UI shows this reason from every API answer); the log says it once, in one line.
  const problem = nativeBindingProblem();
  if (problem !== null) process.stderr.write(`xetcache-server: ${problem}\n`);
  const stop = () => {
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
