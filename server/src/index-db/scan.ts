/**
 * The filesystem side of reconciling: what manifest files exist (name + mtime + size) and what they contain.
 * Synchronous calls in small slices: for 100k small files sync I/O is several times faster than the libuv pool,
 * and the caller yields to the event loop between shards so the server keeps answering.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isXetCacheError, openRegularSync, parseManifest } from '@xetcache/store';
import { entriesDir as entriesRoot } from './paths';
import { manifestToColumns, type ManifestColumns } from './rows';

export interface FileSig {
  mtimeMs: number;
  size: number;
}

export interface ShardDir {
  name: string;
  /** Directory mtime in ns as a decimal string: changes whenever a file is added, removed or renamed into it. */
  mtimeNs: string;
  mtimeMs: number;
}

export type ParsedFile =
  | { ok: true; columns: ManifestColumns; chunks: [string, number][] }
  | { ok: false; sig: FileSig; code: string; message: string };

const SHARD = /^[0-9a-f]{2}$/;
const MANIFEST = /^[0-9a-f]{64}\.json$/;

function isEnoent(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** entries/<k0k1>/ directories with their signatures (a vanished directory is simply not listed). */
export function listShards(storeDir: string): ShardDir[] {
  const root = entriesRoot(storeDir);
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch (e) {
    if (isEnoent(e)) return [];
    throw e;
  }
  const out: ShardDir[] = [];
  for (const name of names) {
    if (!SHARD.test(name)) continue;
    try {
      // lstat: a shard that is a symlink (a clone can plant one) is not entered, so no file outside is read
      const st = fs.lstatSync(path.join(root, name), { bigint: true });
      if (!st.isDirectory()) continue;
      out.push({ name, mtimeNs: st.mtimeNs.toString(), mtimeMs: Number(st.mtimeMs) });
    } catch (e) {
      if (!isEnoent(e)) throw e;
    }
  }
  return out;
}

/**
 * The *.json names of one shard that are regular files (other names, such as editor swap files or tmp, are not
 * manifests). The type comes from the directory entry (d_type; Node lstats only where the file system does not
 * give it), so listing costs no stat per file: a rebuild reads every file anyway, and the file's stat is taken
 * from the open file then (readManifestFile). Symlinks and FIFOs are not regular files: never opened.
 */
export function listShardNames(dir: string): Set<string> {
  const out = new Set<string>();
  let ents: fs.Dirent[];
  try {
    ents = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if (isEnoent(e)) return out;
    throw e;
  }
  for (const d of ents) if (d.name.endsWith('.json') && d.isFile()) out.add(d.name);
  return out;
}

/** entries/<shard>/ of a store: the `dir` the functions below take, joined once per shard rather than per file. */
export function shardDir(storeDir: string, shard: string): string {
  return path.join(entriesRoot(storeDir), shard);
}

/** The stat of one listed file (lstat: a name replaced by a symlink is not a manifest); null when it is gone. */
export function statShardFile(dir: string, name: string): FileSig | null {
  try {
    const st = fs.lstatSync(`${dir}${path.sep}${name}`);
    return st.isFile() ? { mtimeMs: st.mtimeMs, size: st.size } : null;
  } catch (e) {
    if (isEnoent(e)) return null; // removed between readdir and stat: the caller sees it gone next time
    throw e;
  }
}

/** Read exactly `size` bytes (the size fstat gave; fs.readFileSync(fd) would fstat the file a second time). */
function readSized(fd: number, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let got = 0;
  while (got < size) {
    const n = fs.readSync(fd, buf, got, size - got, got);
    if (n === 0) break; // truncated meanwhile: what was there is parsed (and refused if incomplete)
    got += n;
  }
  return got === size ? buf : buf.subarray(0, got);
}

/**
 * Read one manifest. The stat is taken from the same open file as the bytes, so the recorded signature always
 * describes the content that was indexed (a file replaced in between is re-read on the next reconcile).
 * Returns null when the file vanished.
 */
export function readManifestFile(dir: string, shard: string, name: string): ParsedFile | null {
  const file = `${dir}${path.sep}${name}`; // name: a directory entry (no separator), dir: shardDir()
  let opened: { fd: number; stat: fs.Stats };
  try {
    opened = openRegularSync(file); // O_NOFOLLOW | O_NONBLOCK, then fstat: only a regular file is read
  } catch (e) {
    if (isEnoent(e) || (e as { code?: unknown }).code === 'ENOTREGULAR') return null;
    throw e;
  }
  let sig: FileSig;
  let bytes: Buffer;
  try {
    sig = { mtimeMs: opened.stat.mtimeMs, size: opened.stat.size };
    bytes = readSized(opened.fd, opened.stat.size);
  } finally {
    fs.closeSync(opened.fd);
  }
  if (!MANIFEST.test(name) || name.slice(0, 2) !== shard) {
    return {
      ok: false,
      sig,
      code: 'EBADMANIFEST',
      message: 'file name is not entries/<k0k1>/<64-hex key>.json'
    };
  }
  try {
    // The store library's parser: strict UTF-8, the schema, the key equal to the file name.
    const manifest = parseManifest(bytes, name.slice(0, 64), file);
    return { ok: true, ...manifestToColumns(manifest, sig) };
  } catch (e) {
    if (isXetCacheError(e)) return { ok: false, sig, code: e.code, message: e.message };
    throw e;
  }
}
