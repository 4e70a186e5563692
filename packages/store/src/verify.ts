/**
 * A full check of a store: every object re-hashed, every manifest parsed and validated, every reference present.
 * It only reports (a read quarantines; verify does not move anything), and it tolerates concurrent writers,
 * evictions and gc: a file that vanishes between listing and reading is simply skipped.
 */
import * as path from 'node:path';
import { hashFile, objectState } from './content-read';
import { type ErrorCode, isXetCacheError, sysCode } from './errors';
import { looksLikeLfsPointer } from './lfs';
import { listManifestFiles, listObjectFiles } from './listing';
import { parseManifest } from './manifest';
import { manifestObjectIds } from './manifest-type';
import { NotRegularError, readRegular } from './safe-open';

export interface VerifyProblem {
  /** EINTEGRITY (bytes ≠ name, or a stray file under objects/), EBADMANIFEST, ENOTFOUND (a named object is
   *  missing), ELFSPOINTER (a Git LFS pointer: not local, not corrupt — it does not make `ok` false). */
  code: ErrorCode;
  /** Relative to the store folder, '/'-separated (safe to show over HTTP). */
  path: string;
  message: string;
}

export interface VerifyReport {
  /** True when nothing is corrupt, invalid or missing. Pointer-only objects are listed but do not count. */
  ok: boolean;
  problems: VerifyProblem[];
  /** Object files checked whose bytes match their name. */
  objects: number;
  /** Manifests that parsed and validated. */
  manifests: number;
  /** Object files that are Git LFS pointers (content not fetched). */
  pointers: number;
}

/**
 * undefined when the file vanished under us (a concurrent gc or eviction): not a problem. null when the name is
 * not a regular file (a symlink, FIFO, folder): never read, reported by the caller.
 */
async function gone<T>(work: Promise<T>): Promise<T | undefined | null> {
  try {
    return await work;
  } catch (e) {
    if (sysCode(e) === 'ENOENT') return undefined;
    if (e instanceof NotRegularError) return null;
    throw e;
  }
}

export async function verifyStore(dir: string): Promise<VerifyReport> {
  const rel = (p: string) => path.relative(dir, p).split(path.sep).join('/');
  const problems: VerifyProblem[] = [];
  const add = (code: ErrorCode, p: string, message: string) =>
    problems.push({ code, path: rel(p), message });
  const checked = new Set<string>(); // oids already judged (good, pointer or corrupt): not re-reported per manifest
  let objects = 0;
  let pointers = 0;
  let manifests = 0;

  const objs = await listObjectFiles(dir);
  for (const p of objs.stray)
    add(
      'EINTEGRITY',
      p,
      'not a valid object name or a real folder (expected objects/sha256/<o0o1>/<oid>)'
    );
  for (const { name: oid, path: p } of objs.items) {
    const h = await gone(hashFile(p));
    if (h === undefined) continue;
    checked.add(oid);
    if (h === null) {
      add(
        'EINTEGRITY',
        p,
        `object ${oid} is not a regular file (a symlink, FIFO or folder); not read`
      );
      continue;
    }
    if (h.digest === oid) objects++;
    else if (h.head && looksLikeLfsPointer(h.head)) {
      pointers++;
      add(
        'ELFSPOINTER',
        p,
        `object ${oid} is a Git LFS pointer (not local; git lfs pull fetches it)`
      );
    } else add('EINTEGRITY', p, `object ${oid} hashes to ${h.digest}`);
  }

  const mans = await listManifestFiles(dir);
  for (const p of mans.stray)
    add('EBADMANIFEST', p, 'unexpected file under entries/ (expected <k0k1>/<key>.json)');
  for (const { name: key, path: p } of mans.items) {
    const bytes = await gone(readRegular(p));
    if (bytes === undefined) continue;
    if (bytes === null) {
      add('EBADMANIFEST', p, 'not a regular file (a symlink, FIFO or folder); not read');
      continue;
    }
    let ids: string[];
    try {
      ids = manifestObjectIds(parseManifest(bytes, key, rel(p)));
    } catch (e) {
      if (!isXetCacheError(e)) throw e;
      add(e.code, p, e.message);
      continue;
    }
    manifests++;
    for (const oid of ids) {
      // Objects written after the listing above are checked live, so a concurrent writer is not a false alarm.
      if (checked.has(oid)) continue;
      if ((await objectState(dir, oid)) === 'missing')
        add('ENOTFOUND', p, `entry ${key} names missing object ${oid}`);
    }
  }

  return {
    ok: problems.every(q => q.code === 'ELFSPOINTER'),
    problems,
    objects,
    manifests,
    pointers
  };
}
