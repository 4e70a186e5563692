/**
 * Which entries of a store can be restored right now, and which still hold Git LFS pointers (a clone made with
 * GIT_LFS_SKIP_SMUDGE=1, or a partial `git lfs pull`). Backs `xetcache status` and `xetcache fetch`.
 */
import {
  isXetCacheError,
  manifestObjectIds,
  readRegular,
  type Manifest,
  type Store
} from '@xetcache/store';

export type EntryLfsState = 'local' | 'pointer' | 'missing';

export interface EntryObjects {
  key: string;
  kind: Manifest['kind'];
  notebook: string | null;
  cell_id: string | null;
  qualname: string | null;
  total_bytes: number;
  /** local: every object is content; pointer: some are LFS pointers (fetchable); missing: some are absent. */
  state: EntryLfsState;
  objects: number;
  local: string[];
  pointers: string[];
  missing: string[];
  /** Bytes still to download (from the pointers' `size` lines). */
  pointer_bytes: number;
}

const POINTER_SIZE = /^size (\d+)$/m;

/** The content size a pointer file announces (0 when unreadable: it is only used for progress figures). */
export async function pointerSize(file: string): Promise<number> {
  try {
    const m = POINTER_SIZE.exec((await readRegular(file, 1024)).toString('utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export async function entryObjects(store: Store, m: Manifest): Promise<EntryObjects> {
  const out: EntryObjects = {
    key: m.key,
    kind: m.kind,
    notebook: m.source.notebook ?? null,
    cell_id: m.source.cell_id ?? null,
    qualname: m.source.qualname ?? null,
    total_bytes: m.total_bytes,
    state: 'local',
    objects: 0,
    local: [],
    pointers: [],
    missing: [],
    pointer_bytes: 0
  };
  for (const oid of manifestObjectIds(m)) {
    out.objects += 1;
    const state = await store.objectState(oid);
    if (state === 'local') out.local.push(oid);
    else if (state === 'pointer') {
      out.pointers.push(oid);
      out.pointer_bytes += await pointerSize(store.objectPath(oid));
    } else out.missing.push(oid);
  }
  out.state = out.missing.length > 0 ? 'missing' : out.pointers.length > 0 ? 'pointer' : 'local';
  return out;
}

export interface StoreObjects {
  entries: EntryObjects[];
  /** Manifests that could not be read (bad JSON / schema): reported, not fatal. */
  unreadable: { key: string; code: string }[];
}

/** Every entry of the store (or only `keys`; an unknown key is an ENOTFOUND error from the store library). */
export async function storeObjects(store: Store, keys?: string[]): Promise<StoreObjects> {
  const wanted = keys ?? (await store.listManifestKeys()).sort();
  const res: StoreObjects = { entries: [], unreadable: [] };
  for (const key of wanted) {
    let m: Manifest;
    try {
      m = await store.readManifest(key);
    } catch (e) {
      if (keys || !isXetCacheError(e, 'EBADMANIFEST')) throw e;
      res.unreadable.push({ key, code: e.code });
      continue;
    }
    res.entries.push(await entryObjects(store, m));
  }
  return res;
}
