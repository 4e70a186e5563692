/**
 * A store that cannot be written (a read-only folder or mount, a full disk) must still answer every reading
 * command and route (issue 10 item 4: they all failed with "unable to open database file"). The index is derived
 * data, so when its file cannot be opened or written it is kept in memory instead and rebuilt from the files; what
 * cannot be done without writing (evict, trim, gc, recording a hit) fails with a code that says why.
 */
import { XetCacheError } from '@xetcache/store';

/** errno name (fs) or SQLite code (better-sqlite3), '' for anything else. */
function sysCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** SQLite's codes (better-sqlite3 puts the extended code in `code`) and errno names that mean "cannot write here". */
const SQLITE_UNWRITABLE = /^SQLITE_(READONLY|CANTOPEN|FULL|IOERR|PERM|AUTH)/;
const FS_READONLY = new Set(['EACCES', 'EPERM', 'EROFS']);
const FS_FULL = new Set(['ENOSPC', 'EDQUOT']);

/** The index's file cannot be opened or written (the store is read-only or its disk is full). */
export function isUnwritable(e: unknown): boolean {
  const code = sysCode(e);
  return SQLITE_UNWRITABLE.test(code) || FS_READONLY.has(code) || FS_FULL.has(code);
}

/**
 * What a write of `action` (e.g. "evict") into the store at `dir` failed with, as a coded error: EREADONLY for a
 * folder or file system that cannot be written, ESTOREFULL for a full disk; anything else unchanged.
 */
export function writeError(e: unknown, dir: string, action: string): unknown {
  const code = sysCode(e);
  if (FS_READONLY.has(code) || /^SQLITE_(READONLY|PERM|AUTH)/.test(code)) {
    return new XetCacheError(
      'EREADONLY',
      `cannot ${action}: the store at ${dir} cannot be written (${code}); reading it (ls, show, stats, verify) still works`,
      { dir, cause_code: code },
      { cause: e }
    );
  }
  if (FS_FULL.has(code) || code === 'SQLITE_FULL') {
    return new XetCacheError(
      'ESTOREFULL',
      `cannot ${action}: the disk holding ${dir} is full (${code}); free space, then retry`,
      { dir, cause_code: code },
      { cause: e }
    );
  }
  return e;
}
