/**
 * A store with N manifests for the index benchmarks, written directly as files (valid per the manifest schema,
 * serialized exactly like @xetcache/store does) because storing 100k entries through the library takes minutes.
 * Every manifest names the same one real object, so the store still verifies. Reused between runs (marker file).
 */
import { randomBytes, createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore, serializeManifest, type Manifest } from '@xetcache/store';

export const N = Number(process.env.XETCACHE_BENCH_N ?? 100_000);

function sha(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export function fmtMs(ms: number): string {
  return ms < 1
    ? `${(ms * 1000).toFixed(0)} µs`
    : ms < 1000
      ? `${ms.toFixed(2)} ms`
      : `${(ms / 1000).toFixed(2)} s`;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
}

/** Build (or reuse, unless fresh) a store of `n` entries with a hits.jsonl of n/2 hits. Returns the store dir. */
export async function benchStore(name: string, n = N, fresh = false): Promise<string> {
  const dir = path.join(os.tmpdir(), `xetcache-bench-${name}-${n}`, '.xetcache');
  const marker = path.join(dir, '..', 'COMPLETE');
  if (!fresh && fs.existsSync(marker)) return dir;
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  const t0 = performance.now();
  const store = await openStore(dir, { create: true });
  const { oid, bytes } = await store.writeObject(randomBytes(1000));
  const base = Date.UTC(2026, 0, 1);
  const shards = new Set<string>();
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = sha(`${name}-${i}`);
    keys.push(key);
    const size = 1000 + ((i * 7919) % 1_000_000);
    const m: Manifest = {
      format: 1,
      key,
      kind: i % 10 === 0 ? 'function' : 'cell',
      created: new Date(base + i * 60_000).toISOString(),
      runtime_s: 3 + (i % 600),
      language: { name: 'python', version: '3.12.1' },
      source: {
        notebook: `notebooks/nb${i % 50}.ipynb`,
        cell_id: `cell-${i % 40}`,
        code_sha256: sha(`code-${i}`),
        preview: `result_${i} = slow_step(data, ${i})`,
        qualname: i % 10 === 0 ? `pkg.mod:fn${i % 7}` : null
      },
      inputs: { data: sha(`in-${i}`) },
      outputs_names: [`result_${i}`],
      variables: {
        [`result_${i}`]: { objects: [oid], bytes: size, codec: 'pickle5', type: 'builtins.dict' }
      },
      outputs: { object: oid, bytes, count: 1 },
      namespace: null,
      total_bytes: size,
      engine: { name: 'xetcache-bench', version: '0' }
    };
    const shard = key.slice(0, 2);
    const shardDir = path.join(dir, 'entries', shard);
    if (!shards.has(shard)) {
      fs.mkdirSync(shardDir, { recursive: true });
      shards.add(shard);
    }
    fs.writeFileSync(path.join(shardDir, `${key}.json`), serializeManifest(m));
  }
  const lines: string[] = [];
  for (let i = 0; i < n / 2; i++) {
    const k = keys[(i * 104729) % n];
    lines.push(
      JSON.stringify({
        key: k,
        at: new Date(base + 86_400_000 * 30 + i * 1000).toISOString(),
        saved_s: 2.5
      })
    );
  }
  fs.writeFileSync(path.join(dir, 'hits.jsonl'), `${lines.join('\n')}\n`);
  fs.writeFileSync(marker, '');
  console.log(
    `generated ${n} manifests + ${n / 2} hits in ${fmtMs(performance.now() - t0)} at ${dir}`
  );
  return dir;
}

export function dropIndex(dir: string): void {
  for (const f of ['index.sqlite', 'index.sqlite-wal', 'index.sqlite-shm'])
    fs.rmSync(path.join(dir, f), { force: true });
}
