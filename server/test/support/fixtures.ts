/**
 * Test fixtures: real stores built with @xetcache/store (objects written and hashed, manifests validated), a
 * fresh temp dir per test, and a real HTTP server on 127.0.0.1 port 0.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore, type Manifest, type Store } from '@xetcache/store';
import { startServer, type RunningServer } from '../../src/serve';

/** The project's one version (lerna.json); the server reports it (via server/package.json, kept equal by lerna). */
export const PROJECT_VERSION: string = (
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'lerna.json'), 'utf8')) as {
    version: string;
  }
).version;

export async function tempDir(t: { after(fn: () => unknown): void }): Promise<string> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'xetcache-server-test-'));
  t.after(() => fs.promises.rm(dir, { recursive: true, force: true }));
  return dir;
}

export interface EntryOpts {
  notebook?: string | null;
  cell_id?: string | null;
  kind?: 'cell' | 'function';
  created?: string;
  runtime_s?: number;
  /** Size of the one variable object (random bytes, so entries never share objects). */
  bytes?: number;
  preview?: string;
  qualname?: string | null;
  namespace?: string | null;
  /** Seed for the key, so a test can make a known key. */
  seed?: string;
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A manifest naming objects that already exist in the store. */
export function manifestFor(key: string, oid: string, bytes: number, o: EntryOpts = {}): Manifest {
  const kind = o.kind ?? 'cell';
  return {
    format: 1,
    key,
    kind,
    created: o.created ?? new Date().toISOString(),
    runtime_s: o.runtime_s ?? 5,
    language: { name: 'python', version: '3.12.1' },
    source: {
      notebook: o.notebook === undefined ? 'analysis.ipynb' : o.notebook,
      cell_id: o.cell_id === undefined ? (kind === 'cell' ? 'cell-1' : null) : o.cell_id,
      code_sha256: sha256(o.preview ?? 'x = slow()'),
      preview: o.preview ?? 'x = slow()',
      qualname: o.qualname ?? (kind === 'function' ? 'mod:fn' : null)
    },
    inputs: {},
    outputs_names: ['x'],
    variables: { x: { objects: [oid], bytes, codec: 'pickle5', type: 'builtins.bytes' } },
    outputs: null,
    namespace: o.namespace ?? null,
    total_bytes: bytes,
    engine: { name: 'xetcache-test', version: '0' }
  };
}

/** Store one entry the way the engine does: objects first, then the manifest. Returns its manifest. */
export async function addEntry(store: Store, o: EntryOpts = {}): Promise<Manifest> {
  const bytes = o.bytes ?? 100;
  const { oid } = await store.writeObject(randomBytes(bytes));
  const key = sha256(o.seed ?? randomBytes(16).toString('hex'));
  const m = manifestFor(key, oid, bytes, o);
  await store.writeManifest(m);
  return m;
}

/** A root directory with a store at <root>/<rel> (default "work/.xetcache"). */
export async function makeStore(root: string, rel = 'work/.xetcache'): Promise<Store> {
  return openStore(path.join(root, rel), { create: true });
}

/** The token of each running test server, by base URL: get/post/authFetch send it as the lab's proxy would not. */
const tokens = new Map<string, string>();

export async function serve(
  t: { after(fn: () => unknown): void },
  root: string,
  opts: { addonProblem?: string | null; allowHosts?: string[] } = {}
): Promise<RunningServer & { base: string }> {
  const running = await startServer({ root, port: 0, ...opts });
  if (running.token !== null) tokens.set(running.url, running.token);
  t.after(() => {
    tokens.delete(running.url);
    return running.close();
  });
  return Object.assign(running, { base: running.url });
}

/** The token of the test server at `base` (for raw http.request calls). */
export function tokenFor(base: string): string {
  const t = tokens.get(base);
  if (t === undefined) throw new Error(`no test server at ${base}`);
  return t;
}

/** fetch() with the server's token added (unless the caller set Authorization itself). */
export function authFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const base = [...tokens.keys()].find(b => url.startsWith(b));
  const headers = new Headers(init.headers);
  if (base !== undefined && !headers.has('authorization'))
    headers.set('Authorization', `token ${tokens.get(base)}`);
  return fetch(url, { ...init, headers });
}

export interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

export async function get(base: string, p: string): Promise<Reply> {
  const res = await authFetch(base + p);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** A same-site POST as the lab extension sends it. */
export async function post(
  base: string,
  p: string,
  body: unknown,
  headers: Record<string, string> = {}
): Promise<Reply> {
  const res = await authFetch(base + p, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-XetCache': '1', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body)
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

export function q(params: Record<string, string | number>): string {
  return new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
}
