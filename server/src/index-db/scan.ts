/**
 * The filesystem side of reconciling: what manifest files exist (name + mtime + size) and what they contain.
 * Synchronous calls in small slices: for 100k small files sync I/O is several times faster than the libuv pool,
 * and the caller yields to the event loop between shards so the server keeps answering.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isXetCacheError, openRegularSync, parseManifest } from '@xetcache/store';
import { entriesDir as entriesRoot } from './paths';
import { manifestChunks, manifestToColumns, type ManifestColumns } from './rows';

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

/** *.json files of one shard with their stat; other names (editor swap files, tmp) are not manifests. */
export function listShardFiles(storeDir: string, shard: string): Map<string, FileSig> {
  const dir = path.join(entriesRoot(storeDir), shard);
  const out = new Map<string, FileSig>();
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    if (isEnoent(e)) return out;
    throw e;
  }
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    try {
      const st = fs.lstatSync(path.join(dir, name)); // symlinks and FIFOs are not manifests, and never opened
      if (st.isFile()) out.set(name, { mtimeMs: st.mtimeMs, size: st.size });
    } catch (e) {
      if (!isEnoent(e)) throw e; // removed between readdir and stat: it is gone, which the caller sees next time
    }
  }
  return out;
}

/**
 * Read one manifest. The stat is taken from the same open file as the bytes, so the recorded signature always
 * describes the content that was indexed (a file replaced in between is re-read on the next reconcile).
 * Returns null when the file vanished.
 */
export function readManifestFile(storeDir: string, shard: string, name: string): ParsedFile | null {
  const file = path.join(entriesRoot(storeDir), shard, name);
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
    bytes = fs.readFileSync(opened.fd);
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
    return {
      ok: true,
      columns: manifestToColumns(manifest, sig),
      chunks: manifestChunks(manifest).parts
    };
  } catch (e) {
    if (isXetCacheError(e)) return { ok: false, sig, code: e.code, message: e.message };
    throw e;
  }
}
