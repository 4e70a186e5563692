/**
 * The Store object: one open store folder and every operation on it, as agreed in docs/INTERFACES.md. It holds
 * no state beyond the folder's path — all truth is in the files — so any number of Store objects, in any number
 * of processes (engine, server, CLI), can work on the same folder at once.
 */
import { createObjectReadStream, type ObjectState, objectState, readObject } from './content-read';
import { writeObject } from './content-write';
import { type GcOptions, type GcReport, gcStore } from './gc';
import { appendHit, type Hit, readHits } from './hits';
import { manifestPath, objectPath } from './layout';
import { deleteManifest, listManifestKeys, readManifest, writeManifest } from './manifest';
import type { Manifest } from './manifest-type';
import { type OpenOptions, openStoreDir } from './open';
import { verifyStore, type VerifyReport } from './verify';

export type { OpenOptions } from './open';

export interface Store {
  /** Absolute path of the .xetcache folder. */
  readonly dir: string;
  objectPath(oid: string): string;
  manifestPath(key: string): string;
  objectState(oid: string): Promise<ObjectState>;
  writeObject(data: Buffer | NodeJS.ReadableStream): Promise<{ oid: string; bytes: number }>;
  /** Hash verified before returning → EINTEGRITY (and quarantined), ELFSPOINTER, ENOTFOUND. */
  readObject(oid: string): Promise<Buffer>;
  /** Verifies while streaming; the last chunk is held back until the digest matched, else EINTEGRITY. */
  createObjectReadStream(oid: string): NodeJS.ReadableStream;
  /** ENOTFOUND / EBADMANIFEST. */
  readManifest(key: string): Promise<Manifest>;
  /** Validates (EBADMANIFEST); every object must exist (ENOTFOUND). */
  writeManifest(m: Manifest): Promise<void>;
  deleteManifest(key: string): Promise<boolean>;
  listManifestKeys(): Promise<string[]>;
  appendHit(h: { key: string; at?: string; saved_s: number }): Promise<void>;
  readHits(fromOffset: number): Promise<{ hits: Hit[]; offset: number; skipped: number }>;
  verify(): Promise<VerifyReport>;
  gc(opts?: GcOptions): Promise<GcReport>;
}

class FolderStore implements Store {
  constructor(readonly dir: string) {}

  objectPath(oid: string): string {
    return objectPath(this.dir, oid);
  }
  manifestPath(key: string): string {
    return manifestPath(this.dir, key);
  }
  objectState(oid: string): Promise<ObjectState> {
    return objectState(this.dir, oid);
  }
  writeObject(data: Buffer | NodeJS.ReadableStream): Promise<{ oid: string; bytes: number }> {
    return writeObject(this.dir, data);
  }
  readObject(oid: string): Promise<Buffer> {
    return readObject(this.dir, oid);
  }
  createObjectReadStream(oid: string): NodeJS.ReadableStream {
    return createObjectReadStream(this.dir, oid);
  }
  readManifest(key: string): Promise<Manifest> {
    return readManifest(this.dir, key);
  }
  writeManifest(m: Manifest): Promise<void> {
    return writeManifest(this.dir, m);
  }
  deleteManifest(key: string): Promise<boolean> {
    return deleteManifest(this.dir, key);
  }
  listManifestKeys(): Promise<string[]> {
    return listManifestKeys(this.dir);
  }
  async appendHit(h: { key: string; at?: string; saved_s: number }): Promise<void> {
    await appendHit(this.dir, h);
  }
  readHits(fromOffset: number): Promise<{ hits: Hit[]; offset: number; skipped: number }> {
    return readHits(this.dir, fromOffset);
  }
  verify(): Promise<VerifyReport> {
    return verifyStore(this.dir);
  }
  gc(opts?: GcOptions): Promise<GcReport> {
    return gcStore(this.dir, opts);
  }
}

/** dir = the .xetcache folder itself. Creates it unless `create: false` (then ENOTSTORE if missing). */
export async function openStore(dir: string, opts?: OpenOptions): Promise<Store> {
  return new FolderStore(await openStoreDir(dir, opts));
}
