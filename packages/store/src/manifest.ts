/**
 * Manifest files: entries/<k0k1>/<key>.json. Invariant (2): a manifest is written only after every object it
 * names exists, so a reader that finds a manifest can always find (or fetch from LFS) its objects.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { objectState } from './content-read';
import { XetCacheError, sysCode } from './errors';
import { ENTRIES_DIR, manifestPath } from './layout';
import { listManifestFiles } from './listing';
import { type Manifest, manifestObjectIds } from './manifest-type';
import { canonicalJson } from './canonical-json';
import { decodeUtf8, NotRegularError, readRegular, realDirs } from './safe-open';
import { writeFileAtomic } from './tmp';
import { validateManifest } from './validate';

/**
 * Pretty, sorted keys, trailing newline: one field per line, so concurrent edits in git merge line by line.
 * Byte-identical to the Python engine's manifests (spec/vectors/canonical-json.json).
 */
export function serializeManifest(m: Manifest): string {
  return `${canonicalJson(m, 2)}\n`;
}

/**
 * Parse + validate a manifest file's content (bytes: strict UTF-8, so invalid bytes are refused as Python refuses
 * them) read from `where` (a path, for messages); the key must match the file name.
 */
export function parseManifest(
  content: string | Buffer,
  expectedKey?: string,
  where?: string
): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(typeof content === 'string' ? content : decodeUtf8(content));
  } catch (e) {
    throw new XetCacheError(
      'EBADMANIFEST',
      `manifest is not JSON (${where ?? 'input'})`,
      { path: where },
      { cause: e }
    );
  }
  const m = validateManifest(value);
  if (expectedKey !== undefined && m.key !== expectedKey) {
    throw new XetCacheError('EBADMANIFEST', `manifest key ${m.key} does not match its file name`, {
      path: where,
      key: m.key,
      expected: expectedKey
    });
  }
  return m;
}

/** The bytes of a manifest file: a regular file in a real entries/<k0k1>/ folder, or EBADMANIFEST. */
export async function readManifestBytes(dir: string, key: string): Promise<Buffer> {
  const p = manifestPath(dir, key); // EBADREQUEST for a key that would leave the store
  const bad = () =>
    new XetCacheError('EBADMANIFEST', `${p} is not a regular file in a real folder; not read`, {
      path: p
    });
  if (!(await realDirs(dir, ENTRIES_DIR, key.slice(0, 2)))) {
    const there = await fsp.lstat(path.dirname(p)).then(
      () => true,
      () => false
    );
    if (there) throw bad();
    throw new XetCacheError('ENOTFOUND', `no entry ${key}`, { key });
  }
  try {
    return await readRegular(p);
  } catch (e) {
    if (sysCode(e) === 'ENOENT') throw new XetCacheError('ENOTFOUND', `no entry ${key}`, { key });
    if (e instanceof NotRegularError) throw bad();
    throw e;
  }
}

export async function readManifest(dir: string, key: string): Promise<Manifest> {
  return parseManifest(await readManifestBytes(dir, key), key, manifestPath(dir, key));
}

/** Objects that are neither local content nor an LFS pointer (a pointer's content exists upstream). */
export async function missingObjects(dir: string, m: Manifest): Promise<string[]> {
  const missing: string[] = [];
  for (const oid of manifestObjectIds(m))
    if ((await objectState(dir, oid)) === 'missing') missing.push(oid);
  return missing;
}

/** Validate, check every named object exists, then write atomically (a re-store of the same key replaces). */
export async function writeManifest(dir: string, m: Manifest): Promise<void> {
  const valid = validateManifest(m);
  const missing = await missingObjects(dir, valid);
  if (missing.length > 0) {
    throw new XetCacheError(
      'ENOTFOUND',
      `manifest ${valid.key} names ${missing.length} missing object(s)`,
      {
        key: valid.key,
        missing
      }
    );
  }
  await writeFileAtomic(dir, manifestPath(dir, valid.key), serializeManifest(valid), 'replace');
}

/** Evict = delete the manifest (objects go later, via gc). Returns false if there was none. */
export async function deleteManifest(dir: string, key: string): Promise<boolean> {
  // Through a symlinked entries/<k0k1>/ the unlink would delete a file outside the store.
  if (!(await realDirs(dir, ENTRIES_DIR, key.slice(0, 2)))) return false;
  try {
    await fsp.unlink(manifestPath(dir, key));
    return true;
  } catch (e) {
    if (sysCode(e) === 'ENOENT') return false; // of two concurrent evictions, only one reports it
    if (sysCode(e) === 'EISDIR' || sysCode(e) === 'EPERM')
      throw new XetCacheError(
        'EBADMANIFEST',
        `entry ${key} is a folder, not a manifest; not removed`,
        {
          key
        }
      );
    throw e;
  }
}

export async function listManifestKeys(dir: string): Promise<string[]> {
  return (await listManifestFiles(dir)).items.map(k => k.name);
}
