// The extension shares API types with @xetcache/store (Node code: fs, ajv, SQLite-side helpers) and must take
// nothing else from it, or that code would be pulled into the browser bundle. One exception, by its own path: the
// sizes module (lib/units), which imports nothing, so the sidebar and the CLI print and parse sizes alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SRC = join(__dirname, '..', 'src');
const STORE_SRC = join(__dirname, '..', '..', 'store', 'src');
/** Modules of @xetcache/store the extension may take values from: each must import nothing. */
const PURE = ['units'];
const STATIC = join(__dirname, '..', '..', 'python', 'xetcache', 'labextension', 'static');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(d =>
    d.isDirectory() ? tsFiles(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []
  );
}

/** Every `import ... from '@xetcache/store...'` / `export ... from` / `require(...)` statement of a source text. */
function storeImports(text: string): string[] {
  const re =
    /(?:^|\n)\s*((?:import|export)\b[^;]*?from\s*['"]@xetcache\/store[^'"]*['"]|.*require\(\s*['"]@xetcache\/store)/g;
  return [...text.matchAll(re)].map(m => m[1].trim());
}

test('the checker sees value imports and type imports alike', () => {
  assert.deepEqual(storeImports("import { openStore } from '@xetcache/store';"), [
    "import { openStore } from '@xetcache/store'"
  ]);
  assert.equal(storeImports("import type { EntrySummary } from '@xetcache/store';").length, 1);
  assert.equal(storeImports("const s = require('@xetcache/store');").length, 1);
});

test('the extension imports only types from @xetcache/store', () => {
  const found = tsFiles(SRC).flatMap(f =>
    storeImports(readFileSync(f, 'utf8')).map(s => ({ file: f, s }))
  );
  assert.ok(found.length > 0, 'EntrySummary comes from @xetcache/store');
  const pure = new RegExp(`['"]@xetcache/store/lib/(${PURE.join('|')})['"]$`);
  const values = found.filter(({ s }) => !/^(import|export) type\b/.test(s) && !pure.test(s));
  assert.deepEqual(values, []);
});

test('the store modules the extension takes values from import nothing', () => {
  for (const name of PURE) {
    const text = readFileSync(join(STORE_SRC, `${name}.ts`), 'utf8');
    assert.doesNotMatch(text, /^\s*import\b|\brequire\(/m, `${name}.ts`);
  }
});

test('the built bundle (when built) carries no code of @xetcache/store', () => {
  if (!existsSync(STATIC)) {
    return; // not built here; the source check above still holds
  }
  for (const f of readdirSync(STATIC).filter(n => n.endsWith('.js'))) {
    const text = readFileSync(join(STATIC, f), 'utf8');
    // Names only the store library has (the engine's Python sources are bundled as text and share none of them).
    for (const marker of [
      '@xetcache/store',
      'openStore',
      'looksLikeLfsPointer',
      'validateManifest'
    ]) {
      assert.ok(!text.includes(marker), `${f} contains ${marker}`);
    }
  }
});
