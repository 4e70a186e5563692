/**
 * `xetcache status [--json]`: which entries can hit right now (every object local) and which still hold Git LFS
 * pointers (`xetcache fetch KEY` or the first hit downloads them), plus whether Git LFS is set up at all.
 */
import type { Command } from 'commander';
import { formatBytes, openStore } from '@xetcache/store';
import { plural } from '../git/format';
import { warnIfLfsNotReady } from '../git/warn-once';
import { storeObjects, type EntryObjects } from '../git/object-states';
import type { CliIO } from './fetch';
import { reportError } from './output';

const stdio: CliIO = { out: s => process.stdout.write(s), err: s => process.stderr.write(s) };

function where(e: EntryObjects): string {
  if (e.kind === 'function') return e.qualname ?? '(function)';
  return `${e.notebook ?? '(no notebook)'}${e.cell_id ? `#${e.cell_id}` : ''}`;
}

export async function runStatus(
  opts: { store: string; json?: boolean },
  io: CliIO = stdio
): Promise<number> {
  const store = await openStore(opts.store, { create: false });
  const git = await warnIfLfsNotReady(store.dir, io.err);
  const { entries, unreadable } = await storeObjects(store);
  const count = (s: EntryObjects['state']) => entries.filter(e => e.state === s).length;
  const summary = {
    entries: entries.length,
    local: count('local'),
    pointer: count('pointer'),
    missing: count('missing'),
    pointer_bytes: entries.reduce((n, e) => n + e.pointer_bytes, 0)
  };
  if (opts.json) {
    const rows = entries.map(e => ({
      key: e.key,
      state: e.state,
      kind: e.kind,
      notebook: e.notebook,
      cell_id: e.cell_id,
      qualname: e.qualname,
      total_bytes: e.total_bytes,
      objects: e.objects,
      pointers: e.pointers,
      missing: e.missing,
      pointer_bytes: e.pointer_bytes
    }));
    io.out(JSON.stringify({ store: store.dir, git, summary, entries: rows, unreadable }) + '\n');
    return 0;
  }
  for (const e of entries) {
    const todo =
      e.state === 'pointer'
        ? `  (${plural(e.pointers.length, 'object')}, ${formatBytes(e.pointer_bytes)} to fetch)`
        : '';
    io.out(
      `${e.key.slice(0, 12)}  ${e.state.padEnd(7)}  ${formatBytes(e.total_bytes).padStart(8)}  ${where(e)}${todo}\n`
    );
  }
  io.out(
    `${plural(summary.entries, 'entry', 'entries')}: ${summary.local} local, ${summary.pointer} with LFS pointers` +
      ` (${formatBytes(summary.pointer_bytes)} to fetch), ${summary.missing} missing objects\n`
  );
  for (const u of unreadable)
    io.err(`xetcache status: manifest ${u.key.slice(0, 12)} is unreadable (${u.code})\n`);
  return 0;
}

/** Adds `status` to the CLI; --store and --json are the program's global options. */
export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('entries whose objects are all local vs those still holding Git LFS pointers')
    .action(async (_o: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals() as { store: string; json?: boolean };
      try {
        process.exitCode = await runStatus({ store: g.store, json: g.json === true });
      } catch (e) {
        reportError(e, g.json === true);
      }
    });
}
