/** Shared test helpers: a fresh temp dir per test, a valid manifest builder, and an assertion on error codes. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import type { ErrorCode, Manifest } from '../src/index';
import { isXetCacheError } from '../src/index';

/** A fresh directory under os.tmpdir(), removed when the test ends. Returns the store path inside it. */
export async function tempStoreDir(t: TestContext): Promise<string> {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'xetcache-store-test-'));
  t.after(() => fsp.rm(root, { recursive: true, force: true }));
  return path.join(root, '.xetcache');
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A schema-valid manifest naming the given objects (first as a variable, last as outputs when >1). */
export function makeManifest(
  key: string,
  oids: string[],
  overrides: Partial<Manifest> = {}
): Manifest {
  const vars = oids.length > 1 ? oids.slice(0, -1) : oids;
  return {
    format: 1,
    key,
    kind: 'cell',
    created: '2026-11-25T10:00:00.000Z',
    runtime_s: 12.5,
    language: { name: 'python', version: '3.12.1' },
    source: {
      notebook: 'a.ipynb',
      cell_id: 'c1',
      code_sha256: sha256('x = 1'),
      preview: 'x = 1',
      qualname: null
    },
    inputs: { a: sha256('a') },
    outputs_names: ['x'],
    variables: { x: { objects: vars, bytes: 10, codec: 'pickle5', type: 'builtins.int' } },
    outputs: oids.length > 1 ? { object: oids[oids.length - 1], bytes: 5, count: 1 } : null,
    namespace: null,
    total_bytes: 15,
    engine: { name: 'xetcache-test', version: '0.0.0' },
    ...overrides
  };
}

/** Await `p` and assert it rejects with a XetCacheError of `code` (never looks at message text). */
export async function rejectsWithCode(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isXetCacheError(e), `expected a XetCacheError, got ${String(e)}`);
    assert.equal(e.code, code);
    return true;
  });
}

export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string): Promise<void> {
    for (const ent of await fsp.readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, ent.name);
      if (ent.isDirectory()) await walk(p);
      else out.push(path.relative(dir, p));
    }
  }
  await walk(dir);
  return out.sort();
}
