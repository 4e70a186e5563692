/**
 * Where everything lives inside a store folder, and the exact bytes of its fixed files. The Python engine writes
 * the same files; CONTRACT.md section 1 requires them to be byte-identical, so they are spelled out here once.
 */
import * as path from 'node:path';
import { XetCacheError } from './errors';

export const STORE_FORMAT_MAJOR = 1;
export const STORE_FILE_CONTENT = `xetcache-store ${STORE_FORMAT_MAJOR}\n`;
export const GITATTRIBUTES_CONTENT = 'objects/** filter=lfs diff=lfs merge=lfs -text\n';
export const GITIGNORE_CONTENT = 'index.sqlite*\ntmp/\nhits.jsonl\nquarantine/\n';

export const STORE_FILE = 'STORE';
export const GITATTRIBUTES_FILE = '.gitattributes';
export const GITIGNORE_FILE = '.gitignore';
export const ENTRIES_DIR = 'entries';
export const OBJECTS_DIR = path.join('objects', 'sha256');
export const TMP_DIR = 'tmp';
export const QUARANTINE_DIR = 'quarantine';
export const HITS_FILE = 'hits.jsonl';

/** Stale tmp files (a writer killed mid-object) may be removed after this long (CONTRACT.md). */
export const TMP_STALE_MS = 60 * 60 * 1000;
/** gc leaves unreferenced objects younger than this alone: a writer may not have written its manifest yet. */
export const DEFAULT_GC_GRACE_MS = 60 * 60 * 1000;
/**
 * The shortest grace period gc accepts without `force` (spec/FORMAT.md, "gc"). It must outlast the longest write of
 * one entry (its first object written to its manifest landing): a 10 GiB value takes about a minute on a local SSD
 * and several on a network disk, while a grace of 0 deleted the objects of entries being written (190 in 15 rounds
 * of a torture run). Ten minutes covers that with room, and is still short enough to free space the same hour.
 */
export const MIN_GC_GRACE_MS = 10 * 60 * 1000;

const HEX64 = /^[0-9a-f]{64}$/;

/** oids and keys become path components: anything but 64 lowercase hex could escape the store (e.g. "../"). */
export function isHex64(s: unknown): s is string {
  return typeof s === 'string' && HEX64.test(s);
}

export function assertOid(oid: unknown): asserts oid is string {
  if (!isHex64(oid))
    throw new XetCacheError('EBADREQUEST', 'object id must be 64 lowercase hex characters', {
      oid
    });
}

export function assertKey(key: unknown): asserts key is string {
  if (!isHex64(key))
    throw new XetCacheError('EBADREQUEST', 'entry key must be 64 lowercase hex characters', {
      key
    });
}

export function objectsRoot(dir: string): string {
  return path.join(dir, OBJECTS_DIR);
}

export function entriesRoot(dir: string): string {
  return path.join(dir, ENTRIES_DIR);
}

export function tmpRoot(dir: string): string {
  return path.join(dir, TMP_DIR);
}

/** objects/sha256/<o0o1>/<oid>: two-hex fan-out keeps directories small (same shape as git and cacache). */
export function objectPath(dir: string, oid: string): string {
  assertOid(oid);
  return path.join(dir, OBJECTS_DIR, oid.slice(0, 2), oid);
}

export function manifestPath(dir: string, key: string): string {
  assertKey(key);
  return path.join(dir, ENTRIES_DIR, key.slice(0, 2), `${key}.json`);
}

export function quarantinePath(dir: string, oid: string): string {
  assertOid(oid);
  return path.join(dir, QUARANTINE_DIR, oid);
}

export function hitsPath(dir: string): string {
  return path.join(dir, HITS_FILE);
}
