#!/usr/bin/env node
/**
 * One file to ship inside the Python package: dist/xetcache-server.js (the CLI, `serve` included) with every
 * JavaScript dependency bundled, plus better-sqlite3's compiled addon copied beside it as better_sqlite3.node
 * (src/index-db/native-binding.ts hands it to better-sqlite3 through its `nativeBinding` option).
 *
 * @xetcache/store reads its manifest JSON Schema from disk relative to its own lib/; a bundle has no such
 * folder, so the schema is inlined here. If that code changes shape, this script fails instead of shipping a
 * bundle that cannot validate manifests.
 */
'use strict';
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const serverDir = path.join(__dirname, '..');
const outDir = path.join(serverDir, 'dist');
const outFile = path.join(outDir, 'xetcache-server.js');

const inlineManifestSchema = {
  name: 'inline-manifest-schema',
  setup(build) {
    build.onLoad({ filter: /[\\/]store[\\/]lib[\\/]validate\.js$/ }, args => {
      const code = fs.readFileSync(args.path, 'utf8');
      const read = "JSON.parse(fs.readFileSync(exports.MANIFEST_SCHEMA_PATH, 'utf8'))";
      if (!code.includes(read))
        throw new Error(`${args.path}: schema loading changed; update server/scripts/bundle.js`);
      const schemaFile = path.join(path.dirname(args.path), '..', 'schema', 'manifest.schema.json');
      const schema = JSON.stringify(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
      return { contents: code.replace(read, `(${schema})`), loader: 'js' };
    });
  }
};

function findAddon() {
  const pkg = require.resolve('better-sqlite3/package.json', { paths: [serverDir] });
  const addon = path.join(path.dirname(pkg), 'build', 'Release', 'better_sqlite3.node');
  if (!fs.existsSync(addon))
    throw new Error(`better-sqlite3 addon not found at ${addon}; run npm install`);
  return addon;
}

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(serverDir, 'lib', 'cli', 'run.js')],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    legalComments: 'none',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [inlineManifestSchema],
    logLevel: 'warning'
  });
  fs.chmodSync(outFile, 0o755);
  fs.copyFileSync(findAddon(), path.join(outDir, 'better_sqlite3.node'));
  const kib = f => `${(fs.statSync(f).size / 1024).toFixed(0)} KiB`;
  console.log(
    `bundled ${path.relative(serverDir, outFile)} (${kib(outFile)}) + better_sqlite3.node (${kib(path.join(outDir, 'better_sqlite3.node'))})`
  );
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
