/**
 * `xetcache fetch [--all | KEY...]`: prefetch from Git LFS the objects of some entries (or all), so their first
 * hit does not wait on the network. Exactly the pointer objects of those entries are pulled (one
 * `git lfs pull --include=...`); objects already local are left alone.
 */
import type { Command } from 'commander';
import { formatBytes, isXetCacheError, openStore } from '@xetcache/store';
import { plural } from '../git/format';
import { fetchObjects } from '../git/lfs-fetch';
import { storeObjects } from '../git/object-states';
import { selectKeys } from '../git/select';
import { warnIfLfsNotReady } from '../git/warn-once';
import { reportError } from './output';

export interface FetchCliOptions {
  store: string;
  all?: boolean;
  keys: string[];
  json?: boolean;
}

export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: CliIO = { out: s => process.stdout.write(s), err: s => process.stderr.write(s) };

/** Returns the process exit code: 0 all requested objects are local, 1 a fetch failed, 2 bad arguments. */
export async function runFetch(opts: FetchCliOptions, io: CliIO = stdio): Promise<number> {
  if (!opts.all && opts.keys.length === 0) {
    io.err('xetcache fetch: name entry KEYs or pass --all\n');
    return 2;
  }
  if (opts.all && opts.keys.length > 0) {
    io.err('xetcache fetch: give either --all or KEYs, not both\n');
    return 2;
  }
  const store = await openStore(opts.store, { create: false });
  await warnIfLfsNotReady(store.dir, io.err);
  const keys = await selectKeys(store, opts.all ? 'all' : opts.keys);
  const { entries } = await storeObjects(store, keys);
  const pointers = [...new Set(entries.flatMap(e => e.pointers))];
  const bytes = entries.reduce((n, e) => n + e.pointer_bytes, 0);
  const missing = entries.filter(e => e.missing.length > 0).map(e => e.key);
  const report = {
    entries: entries.length,
    objects: pointers.length,
    bytes,
    fetched: 0,
    missing,
    ok: true,
    error: null as null | { code: string; reason: unknown; message: string; fix: unknown }
  };
  if (pointers.length > 0) {
    if (!opts.json)
      io.err(
        `xetcache: fetching ${plural(pointers.length, 'object')} (${formatBytes(bytes)}) from LFS…\n`
      );
    try {
      // git-lfs writes progress bars only to a terminal; pass its stderr through so the user sees them.
      const r = await fetchObjects(store, pointers, { onStderr: opts.json ? undefined : io.err });
      report.fetched = r.fetched.length;
    } catch (e) {
      if (!isXetCacheError(e, 'ELFSPOINTER')) throw e;
      report.ok = false;
      report.error = {
        code: e.code,
        reason: e.details?.reason,
        message: e.message,
        fix: e.details?.fix ?? null
      };
    }
  }
  if (missing.length > 0) report.ok = false;
  if (opts.json) io.out(JSON.stringify(report) + '\n');
  else if (report.error) io.err(`xetcache fetch: ${report.error.message}\n`);
  else {
    const ready = plural(entries.length - missing.length, 'entry', 'entries');
    io.out(
      `${plural(report.fetched, 'object')} fetched (${formatBytes(report.fetched ? bytes : 0)}); ${ready} ready\n`
    );
    if (missing.length > 0) {
      const which = missing.map(k => k.slice(0, 12)).join(', ');
      io.err(
        `xetcache fetch: ${plural(missing.length, 'entry', 'entries')} name objects missing from the store (not LFS pointers either): ${which}\n`
      );
    }
  }
  return report.ok ? 0 : 1;
}

/** Adds `fetch` to the CLI; --store and --json are the program's global options. */
export function registerFetchCommand(program: Command): void {
  program
    .command('fetch [keys...]')
    .description(
      'download from Git LFS the objects of the given entries (or --all) so their hits are instant'
    )
    .option('--all', 'every entry of the store')
    .action(async (keys: string[], o: { all?: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals() as { store: string; json?: boolean };
      try {
        process.exitCode = await runFetch({
          store: g.store,
          all: o.all,
          keys,
          json: g.json === true
        });
      } catch (e) {
        reportError(e, g.json === true);
      }
    });
}
