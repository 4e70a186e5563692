/**
 * The `xetcache` command line. Every store command opens the store's index directly (the same StoreIndex the
 * server uses), so the CLI works with no server running and agrees with it by construction.
 */
import { Command, CommanderError } from 'commander';
import { StoreIndex, SORT_KEYS, type ListQuery } from '../index-db';
import { DEFAULT_GC_GRACE_MS, MIN_GC_GRACE_MS, XetCacheError } from '@xetcache/store';
import { SERVER_VERSION } from '../version';
import { makeOutput, reportError, type Output } from './output';
import { lsCommand, showCommand, statsCommand } from './read-commands';
import { serveCommand } from './serve-command';
import { registerFetchCommand } from './fetch';
import { registerStatusCommand } from './status';
import { registerPythonCommands } from './python-commands';
import { warnIfLfsNotReady } from '../git/warn-once';
import { evictCommand, gcCommand, trimCommand, verifyCommand } from './write-commands';

interface GlobalOpts {
  store: string;
  json?: boolean;
}

function intOption(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min)
    throw new XetCacheError('EBADREQUEST', `${name} must be an integer >= ${min} (got "${text}")`);
  return Number(text);
}

/** Open the store's index, run the command, always close (the CLI is one-shot: no watcher). */
function withIndex<A extends unknown[]>(
  fn: (index: StoreIndex, out: Output, ...args: A) => Promise<void>
) {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const g = cmd.optsWithGlobals() as GlobalOpts;
    const out = makeOutput(g.json === true);
    let index: StoreIndex | undefined;
    try {
      index = await StoreIndex.open(g.store);
      await warnIfLfsNotReady(index.dir); // once per run, stderr: LFS missing / not set up where the store is committed
      await fn(index, out, ...(args.slice(0, -1) as A));
    } catch (e) {
      reportError(e, out.json);
    } finally {
      await index?.close();
    }
  };
}

export function buildProgram(): Command {
  const program = new Command('xetcache')
    .description(
      'Inspect and maintain a XetCache store (the .xetcache folder beside your notebooks)'
    )
    .version(SERVER_VERSION)
    .option('--store <dir>', 'the store folder', '.xetcache')
    .option('--json', 'print JSON for scripts instead of tables')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('ls')
    .description('list entries (newest first)')
    .option('--notebook <path>', 'only entries of this notebook')
    .option('--cell <id>', 'only entries of this cell id')
    .option('--kind <kind>', 'cell or function')
    .option(
      '-q, --query <text>',
      'substring of the code preview, notebook, function, or a key prefix'
    )
    .option('--sort <key>', `one of ${SORT_KEYS.join(', ')}`, 'created')
    .option('--order <order>', 'asc or desc', 'desc')
    .option('--limit <n>', 'rows per page', '100')
    .option('--offset <n>', 'rows to skip', '0')
    .action(
      withIndex(async (index, out, o: Record<string, string | undefined>) => {
        if (!(SORT_KEYS as readonly string[]).includes(o.sort as string))
          throw new XetCacheError('EBADREQUEST', `--sort must be one of ${SORT_KEYS.join(', ')}`);
        if (o.order !== 'asc' && o.order !== 'desc')
          throw new XetCacheError('EBADREQUEST', '--order must be asc or desc');
        if (o.kind !== undefined && o.kind !== 'cell' && o.kind !== 'function')
          throw new XetCacheError('EBADREQUEST', '--kind must be cell or function');
        const q: ListQuery = {
          notebook: o.notebook,
          cell: o.cell,
          kind: o.kind as ListQuery['kind'],
          q: o.query,
          sort: o.sort as ListQuery['sort'],
          order: o.order,
          limit: intOption('--limit', o.limit, 1),
          offset: intOption('--offset', o.offset, 0)
        };
        await lsCommand(index, q, out);
      })
    );

  program
    .command('show <key>')
    .description('one entry and its manifest (a unique key prefix is enough)')
    .action(withIndex((index, out, key: string) => showCommand(index, key, out)));

  program
    .command('evict [key]')
    .description(
      'delete an entry, or every entry of a notebook or of one cell (objects go at the next gc)'
    )
    .option('--notebook <path>', 'evict every entry of this notebook')
    .option('--cell <id>', 'with --notebook: only this cell')
    .action(
      withIndex((index, out, key: string | undefined, o: { notebook?: string; cell?: string }) =>
        evictCommand(index, key, o, out)
      )
    );

  program
    .command('trim')
    .description('evict least recently used entries until the store fits the budget')
    .requiredOption(
      '--max-bytes <n>',
      'byte budget, e.g. 500MB (500e6 bytes), 500MiB (500 x 2^20), 2GiB, 1000000'
    )
    .action(
      withIndex((index, out, o: { maxBytes: string }) => trimCommand(index, o.maxBytes, out))
    );

  program
    .command('gc')
    .description('delete objects no manifest references, older than the grace period')
    .option(
      '--grace <seconds>',
      `leave younger objects alone (a writer may be mid-entry; default ${DEFAULT_GC_GRACE_MS / 1000}, at least ${MIN_GC_GRACE_MS / 1000} without --force)`
    )
    .option('--force', 'accept a grace period below the safe minimum (no writer may be running)')
    .action(
      withIndex((index, out, o: { grace?: string; force?: boolean }) =>
        gcCommand(index, o.grace, out, o.force === true)
      )
    );

  program
    .command('verify')
    .description('check every object hash and manifest; exit 1 on problems')
    .action(withIndex((index, out) => verifyCommand(index, out)));

  program
    .command('stats')
    .description('totals, and space and saved time per notebook')
    .option('--notebook <path>', 'only this notebook')
    .action(
      withIndex((index, out, o: { notebook?: string }) => statsCommand(index, o.notebook, out))
    );

  program
    .command('serve')
    .description('run the HTTP index server for every store under a root directory')
    .requiredOption('--root <dir>', 'directory whose stores are served (the Jupyter root)')
    .option('--port <n>', 'TCP port on 127.0.0.1 (0 = any free port)')
    .option('--socket <path>', 'Unix socket path instead of a TCP port')
    .option(
      '--token <token>',
      'TCP: the token every request must carry (default: $XETCACHE_TOKEN, else a new one, printed)'
    )
    .option(
      '--allow-host <name>',
      'TCP: also answer requests whose Host is NAME (besides localhost, 127.0.0.1, [::1]); repeatable',
      (v: string, prev: string[] = []) => [...prev, v]
    )
    .action(async (o: Parameters<typeof serveCommand>[0], cmd: Command) => {
      try {
        await serveCommand(o);
      } catch (e) {
        reportError(e, (cmd.optsWithGlobals() as GlobalOpts).json === true);
      }
    });
  registerFetchCommand(program);
  registerStatusCommand(program);
  registerPythonCommands(program, () => process.argv.slice(2));
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and --version are not failures; anything else commander refused is a bad invocation.
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    reportError(e, argv.includes('--json'));
  }
}
