/** `xetcache serve`: the HTTP server in the foreground until SIGINT/SIGTERM. */
import { XetCacheError } from '@xetcache/store';
import { nativeBindingProblem } from '../index-db/native-binding';
import { startServer } from '../serve';

export async function serveCommand(opts: {
  root: string;
  port?: string;
  socket?: string;
}): Promise<void> {
  if (opts.port !== undefined && opts.socket !== undefined) {
    throw new XetCacheError('EBADREQUEST', 'give --port or --socket, not both');
  }
  let port: number | undefined;
  if (opts.port !== undefined) {
    port = Number(opts.port);
    if (!/^\d+$/.test(opts.port) || port > 65535)
      throw new XetCacheError('EBADREQUEST', `--port must be 0-65535 (got "${opts.port}")`);
  }
  const running = await startServer({ root: opts.root, port, socket: opts.socket });
  // One line on stdout that launchers (and tests) can wait for.
  process.stdout.write(`xetcache-server listening on ${running.url} (root ${running.app.root})\n`);
  // It still serves (the UI shows this reason from every API answer); the log says it once, in one line.
  const problem = nativeBindingProblem();
  if (problem !== null) process.stderr.write(`xetcache-server: ${problem}\n`);
  const stop = () => {
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
