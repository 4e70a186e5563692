/**
 * The index side of store growth, for one store made by bench/scenarios/growth.py: `xetcache ls` as a user runs
 * it (a new process; first with no index.sqlite, so it is built from the manifests, then with the index
 * present), one API page over HTTP on loopback (sort by last hit, 100 rows) and a text search (`q=`), as the
 * browser asks for them. Writes JSON (seconds for ls, ms for HTTP; every repeat's figure).
 *   npx tsx bench/growth-index.ts --store DIR --q TEXT --n N --out FILE.json
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startServer } from '../server/src/serve';

function arg(name: string, dflt?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i > 0) return process.argv[i + 1];
  if (dflt === undefined) throw new Error(`--${name} is required`);
  return dflt;
}

const store = path.resolve(arg('store'));
const q = arg('q');
const n = Number(arg('n', '3'));
const out = arg('out');
const root = path.dirname(store);
const here = path.dirname(new URL(import.meta.url).pathname);
const built = path.join(here, '..', 'server', 'lib', 'cli', 'main.js');
// The compiled CLI must be this tree's code: nothing else rebuilds server/lib before a bench run, and a lib/ left
// from an older build times old code next to bench/index-rebuild.ts, which runs the sources (the same rebuild, so
// only the code or the load can differ between them). tsc -b recompiles what changed; type errors still emit.
try {
  execFileSync(
    process.execPath,
    [
      path.join(here, '..', 'node_modules', 'typescript', 'bin', 'tsc'),
      '-b',
      path.join(here, '..', 'server')
    ],
    { stdio: 'ignore' }
  );
} catch {
  // the fallback below runs the sources when nothing was emitted
}
// The CLI as installed (compiled), or from source when the server was not built (main.ts only exports main()).
const mainTs = path.join(here, '..', 'server', 'src', 'cli', 'main.ts');
const cli = fs.existsSync(built)
  ? [process.execPath, path.join(here, '..', 'server', 'bin', 'xetcache.js')]
  : [
      process.execPath,
      '--import',
      'tsx',
      '-e',
      `import(${JSON.stringify(mainTs)}).then(m => (m.main ?? m.default.main)([process.argv[0], 'xetcache', ...process.argv.slice(1)]))`,
      '--'
    ];

function ls(): number {
  const t = performance.now();
  const text = execFileSync(cli[0], [...cli.slice(1), '--store', store, 'ls', '--limit', '100'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20
  });
  const s = (performance.now() - t) / 1000;
  if (!/of \d+ entries/.test(text)) throw new Error(`unexpected ls output: ${text.slice(-300)}`);
  return s;
}

function dropIndex(): void {
  for (const f of ['index.sqlite', 'index.sqlite-wal', 'index.sqlite-shm'])
    fs.rmSync(path.join(store, f), { force: true });
}

async function main(): Promise<void> {
  const res: Record<string, number[]> = {
    ls_first: [],
    ls: [],
    api_page_ms: [],
    search_ms: []
  };
  let total = 0;
  for (let r = 0; r < n; r++) {
    dropIndex();
    res.ls_first.push(ls());
    res.ls.push(ls());
  }
  const running = await startServer({ root, port: 0 });
  try {
    const base = `${running.url}/api/entries?store=${encodeURIComponent(path.relative(root, store))}`;
    const get = async (url: string): Promise<number> => {
      const t = performance.now();
      const r = await fetch(url, { headers: { Authorization: `token ${running.token}` } });
      if (r.status !== 200) throw new Error(`${r.status} ${await r.text()}`);
      const body = (await r.json()) as { total: number };
      total = Math.max(total, body.total);
      return performance.now() - t;
    };
    await get(`${base}&sort=last_hit&limit=100`); // warm: the statement cache, the page cache
    const reps = Math.max(5, n * 10);
    for (let i = 0; i < reps; i++) {
      res.api_page_ms.push(await get(`${base}&sort=last_hit&order=desc&limit=100`));
      res.search_ms.push(await get(`${base}&q=${encodeURIComponent(q)}&limit=100`));
    }
  } finally {
    await running.close();
  }
  fs.writeFileSync(out, JSON.stringify({ ...res, total }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
