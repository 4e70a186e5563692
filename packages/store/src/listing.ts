/**
 * Walking the two-level fan-out directories (objects/sha256/<o0o1>/<oid>, entries/<k0k1>/<key>.json). Files that
 * do not follow the naming rule are returned separately as `stray` so verify can report them and gc ignores them.
 * A fan-out entry that is not a real folder (a symlink to one, planted by a clone) is stray as a whole and never
 * entered: through it gc would delete, and verify read, files outside the store.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { sysCode } from './errors';
import { entriesRoot, isHex64, objectsRoot } from './layout';

export interface Listed {
  name: string; // the oid or key
  path: string;
}

/** A listing where "not there" (or "not a directory") means empty: concurrent deletes are normal. */
export async function readdirOrEmpty(p: string): Promise<string[]> {
  try {
    return await fsp.readdir(p);
  } catch (e) {
    if (sysCode(e) === 'ENOENT' || sysCode(e) === 'ENOTDIR') return [];
    throw e;
  }
}

async function walkFanOut(root: string, nameOf: (file: string) => string): Promise<Listing> {
  const items: Listed[] = [];
  const stray: string[] = [];
  const unsafe: string[] = [];
  for (const fan of (await readdirOrEmpty(root)).sort()) {
    const fanDir = path.join(root, fan);
    const st = await fsp.lstat(fanDir).catch(() => null);
    if (!st) continue; // removed while we walked
    if (!st.isDirectory()) {
      stray.push(fanDir);
      if (st.isSymbolicLink()) unsafe.push(fanDir);
      continue;
    }
    for (const file of (await readdirOrEmpty(fanDir)).sort()) {
      const name = nameOf(file);
      if (isHex64(name) && name.startsWith(fan))
        items.push({ name, path: path.join(fanDir, file) });
      else stray.push(path.join(fanDir, file));
    }
  }
  return { items, stray, unsafe };
}

export interface Listing {
  items: Listed[];
  /** Names that do not follow the rule (reported by verify, ignored by gc). */
  stray: string[];
  /** Fan-out folders that are symlinks: what lies behind them is outside the store and never entered. */
  unsafe: string[];
}

export function listObjectFiles(dir: string): Promise<Listing> {
  return walkFanOut(objectsRoot(dir), f => f);
}

export function listManifestFiles(dir: string): Promise<Listing> {
  return walkFanOut(entriesRoot(dir), f => (f.endsWith('.json') ? f.slice(0, -5) : ''));
}
