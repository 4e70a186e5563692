/**
 * Manifest files: entries/<k0k1>/<key>.json. Invariant (2): a manifest is written only after every object it
 * names exists, so a reader that finds a manifest can always find (or fetch from LFS) its objects.
 */
import { promises as fsp } from 'node:fs';
import { objectState } from './content-read';
import { XetCacheError, sysCode } from './errors';
import { manifestPath } from './layout';
import { listManifestFiles } from './listing';
import { type Manifest, manifestObjectIds } from './manifest-type';
import { writeFileAtomic } from './tmp';
import { validateManifest } from './validate';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort())
      out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** Pretty, sorted keys, trailing newline: one field per line, so concurrent edits in git merge line by line. */
export function serializeManifest(m: Manifest): string {
  return `${JSON.stringify(sortKeys(m), null, 2)}\n`;
}

/** Parse + validate text already read from `where` (a path, for messages); the key must match the file name. */
export function parseManifest(text: string, expectedKey?: string, where?: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
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

export async function readManifest(dir: string, key: string): Promise<Manifest> {
  const p = manifestPath(dir, key);
  let text: string;
  try {
    text = await fsp.readFile(p, 'utf8');
  } catch (e) {
    if (sysCode(e) === 'ENOENT') throw new XetCacheError('ENOTFOUND', `no entry ${key}`, { key });
    throw e;
  }
  return parseManifest(text, key, p);
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
  try {
    await fsp.unlink(manifestPath(dir, key));
    return true;
  } catch (e) {
    if (sysCode(e) === 'ENOENT') return false; // of two concurrent evictions, only one reports it
    throw e;
  }
}

export async function listManifestKeys(dir: string): Promise<string[]> {
  return (await listManifestFiles(dir)).items.map(k => k.name);
}
