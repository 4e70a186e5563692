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
import { cleanStaleTmp, writeFileAtomic } from './tmp';

export interface OpenOptions {
  /** Create the store if it is missing (default true, like the Python engine). false: ENOTSTORE if missing. */
  create?: boolean;
}

/** "xetcache-store 1" (a minor such as "1.2" is accepted: minors only add things older readers may ignore). */
export function parseStoreFile(text: string): { major: number; minor: number } | null {
  const m = /^xetcache-store (\d+)((?:\.\d+)*)\s*$/.exec(text); // same rule as the Python engine
  if (!m) return null;
  return { major: Number(m[1]), minor: m[2] ? Number(m[2].split('.')[1]) : 0 };
}

async function readStoreFile(dir: string): Promise<string | null> {
  try {
    return await fsp.readFile(path.join(dir, STORE_FILE), 'utf8');
  } catch (e) {
    if (sysCode(e) === 'ENOENT' || sysCode(e) === 'ENOTDIR') return null;
    throw e;
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
