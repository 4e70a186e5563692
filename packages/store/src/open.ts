/**
 * Creating and opening a store folder. The STORE file is the marker and the format version: it is written last
 * (atomically), so a folder with a STORE file always has its .gitattributes/.gitignore in place.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { XetCacheError, sysCode } from './errors';
import {
  ENTRIES_DIR,
  GITATTRIBUTES_CONTENT,
  GITATTRIBUTES_FILE,
  GITIGNORE_CONTENT,
  GITIGNORE_FILE,
  OBJECTS_DIR,
  STORE_FILE,
  STORE_FILE_CONTENT,
  STORE_FORMAT_MAJOR,
  TMP_DIR
} from './layout';
import { NotRegularError, readRegular, realDirs } from './safe-open';
import { cleanStaleTmp, writeFileAtomic } from './tmp';

/** A marker is one short line; a longer file is not one (the same limit as the Python engine). */
export const STORE_FILE_MAX = 1024;

export interface OpenOptions {
  /** Create the store if it is missing (default true, like the Python engine). false: ENOTSTORE if missing. */
  create?: boolean;
}

/**
 * "xetcache-store 1" (a minor such as "1.2" is accepted: minors only add things older readers may ignore).
 * Explicit ASCII classes, as in Python, where \d and \s would also match other scripts' digits and spaces.
 */
export function parseStoreFile(text: string): { major: number; minor: number } | null {
  const m = /^xetcache-store ([0-9]+)((?:\.[0-9]+)*)[ \t\r\n]*$/.exec(text);
  if (!m) return null;
  return { major: Number(m[1]), minor: m[2] ? Number(m[2].split('.')[1]) : 0 };
}

/** The marker's text; null when absent. A symlink, FIFO or over-long file is not a marker (ENOTSTORE). */
async function readStoreFile(dir: string): Promise<string | null> {
  let bytes: Buffer;
  try {
    bytes = await readRegular(path.join(dir, STORE_FILE), STORE_FILE_MAX + 1);
  } catch (e) {
    if (sysCode(e) === 'ENOENT') return null;
    if (e instanceof NotRegularError)
      throw new XetCacheError('ENOTSTORE', `${dir}/STORE is not a regular file`, { dir });
    throw e;
  }
  if (bytes.length > STORE_FILE_MAX)
    throw new XetCacheError('ENOTSTORE', `${dir}/STORE is too long to be a marker`, { dir });
  return bytes.toString('utf8');
}

/** Folders of a store that must be real folders: through a symlinked one, gc and quarantine would leave it. */
const STORE_DIRS = [ENTRIES_DIR, 'objects', OBJECTS_DIR, TMP_DIR];

async function checkDirs(dir: string): Promise<void> {
  for (const sub of STORE_DIRS) {
    const p = path.join(dir, sub);
    const exists = await fsp.lstat(p).then(
      () => true,
      () => false
    );
    if (exists && !(await realDirs(dir, ...sub.split(path.sep))))
      throw new XetCacheError('ENOTSTORE', `${p} is not a real folder (a symlink?)`, { dir });
  }
}

/** git does not keep empty folders and tmp/ is ignored, so a cloned store lacks some: make them, if writable. */
async function ensureDirs(dir: string): Promise<void> {
  for (const sub of [ENTRIES_DIR, OBJECTS_DIR, TMP_DIR]) {
    try {
      await fsp.mkdir(path.join(dir, sub), { recursive: true });
    } catch (e) {
      const code = sysCode(e);
      if (code !== 'EACCES' && code !== 'EROFS' && code !== 'EPERM') throw e; // read-only store: reads still work
    }
  }
}

/** Whoever creates a store writes the fixed files if missing; never replaces a file a user may have edited. */
async function writeFixedFiles(dir: string): Promise<void> {
  await writeFileAtomic(
    dir,
    path.join(dir, GITATTRIBUTES_FILE),
    GITATTRIBUTES_CONTENT,
    'no-clobber'
  );
  await writeFileAtomic(dir, path.join(dir, GITIGNORE_FILE), GITIGNORE_CONTENT, 'no-clobber');
  await writeFileAtomic(dir, path.join(dir, STORE_FILE), STORE_FILE_CONTENT, 'no-clobber');
}

function checkVersion(dir: string, text: string): void {
  const v = parseStoreFile(text);
  if (!v)
    throw new XetCacheError(
      'ENOTSTORE',
      `${dir} has a STORE file this library does not recognise`,
      { dir }
    );
  if (v.major > STORE_FORMAT_MAJOR) {
    throw new XetCacheError(
      'ESTOREVERSION',
      `store format ${v.major} is newer than this library supports (${STORE_FORMAT_MAJOR}); upgrade xetcache`,
      { dir, found: v.major, supported: STORE_FORMAT_MAJOR }
    );
  }
}

/**
 * Open (and by default create) the store at `dir` — the .xetcache folder itself. Also removes tmp files left by
 * writers that died more than an hour ago (CONTRACT.md section 1).
 */
export async function openStoreDir(dir: string, opts: OpenOptions = {}): Promise<string> {
  const abs = path.resolve(dir);
  const create = opts.create ?? true;
  let text = await readStoreFile(abs);
  if (text !== null) checkVersion(abs, text); // before anything is created in a folder that is not ours
  await checkDirs(abs); // before mkdir, which would follow a symlinked objects/ out of the store
  if (text === null) {
    if (!create)
      throw new XetCacheError('ENOTSTORE', `${abs} is not a xetcache store (no STORE file)`, {
        dir: abs
      });
    await fsp.mkdir(abs, { recursive: true }).catch((e: unknown) => {
      if (sysCode(e) === 'EEXIST' || sysCode(e) === 'ENOTDIR') {
        throw new XetCacheError('ENOTSTORE', `${abs} exists and is not a folder`, { dir: abs });
      }
      throw e;
    });
    await ensureDirs(abs);
    await writeFixedFiles(abs);
    // Another process may have created it concurrently with a different version: read back what won.
    text = (await readStoreFile(abs)) ?? STORE_FILE_CONTENT;
  }
  checkVersion(abs, text);
  await ensureDirs(abs);
  try {
    await cleanStaleTmp(abs);
  } catch (e) {
    const code = sysCode(e);
    if (code !== 'EACCES' && code !== 'EROFS' && code !== 'EPERM') throw e;
  }
  return abs;
}
