#!/usr/bin/env node
/**
 * One file to ship inside the Python package: dist/xetcache-server.js (the CLI, `serve` included) with every
 * JavaScript dependency bundled, plus better-sqlite3's compiled addon for the Node.js running this script copied
 * beside it as better_sqlite3.node, and better_sqlite3.json saying what it was built for (Node version and ABI,
 * platform, CPU). src/index-db/native-binding.ts hands the addon to better-sqlite3 through its `nativeBinding`
 * option; the Python build reads the JSON for the wheel's platform tag (packages/python/hatch_build.py).
 *
 * `node scripts/bundle.js [--outdir DIR]` (default dist/). The Python build runs it with the Node.js the package
 * depends on, straight into packages/python/xetcache/server_dist; see native-addon.js for the addon.
 *
 * @xetcache/store reads the JSON Schemas from the repository's spec/schemas/ (the one source of truth for both
 * languages); a bundle has no such folder, so every schema is inlined here. If that code changes shape, this
 * script fails instead of shipping a bundle that cannot validate manifests. The same for server/openapi.yaml, which
 * the server's request validation reads.
 */
'use strict';
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const { addonForThisNode } = require('./native-addon');

const serverDir = path.join(__dirname, '..');
const outdirArg = process.argv.indexOf('--outdir');
const outDir =
  outdirArg > 0 ? path.resolve(process.argv[outdirArg + 1]) : path.join(serverDir, 'dist');
const outFile = path.join(outDir, 'xetcache-server.js');

const specSchemas = path.join(serverDir, '..', 'spec', 'schemas');

const inlineSchemas = {
  name: 'inline-schemas',
  setup(build) {
    build.onLoad({ filter: /[\\/]store[\\/]lib[\\/]validate\.js$/ }, args => {
      const code = fs.readFileSync(args.path, 'utf8');
      const read =
        "JSON.parse(fs.readFileSync(path.join(exports.SCHEMAS_DIR, `${name}.schema.json`), 'utf8'))";
      if (!code.includes(read))
        throw new Error(`${args.path}: schema loading changed; update server/scripts/bundle.js`);
      const schemas = {};
      for (const file of fs.readdirSync(specSchemas).filter(f => f.endsWith('.schema.json')))
        schemas[file.slice(0, -'.schema.json'.length)] = JSON.parse(
          fs.readFileSync(path.join(specSchemas, file), 'utf8')
        );
      const inlined = `(${JSON.stringify(schemas)})[name]`;
      // a function, not a string: the schemas' text contains "$'", a replacement pattern of String.replace
      return { contents: code.replace(read, () => inlined), loader: 'js' };
    });
  }
};

/** The server reads openapi.yaml (its request validation and 405 table); the bundle carries it, parsed. */
const inlineOpenApi = {
  name: 'inline-openapi',
  setup(build) {
    build.onLoad({ filter: /[\\/]server[\\/]lib[\\/]http[\\/]openapi\.js$/ }, args => {
      const code = fs.readFileSync(args.path, 'utf8');
      const read = /\/\* openapi-inline \*\/ [^;]*;/;
      if (!read.test(code))
        throw new Error(
          `${args.path}: openapi.yaml loading changed; update server/scripts/bundle.js`
        );
      const doc = require('yaml').parse(
        fs.readFileSync(path.join(serverDir, 'openapi.yaml'), 'utf8')
      );
      return { contents: code.replace(read, () => `(${JSON.stringify(doc)});`), loader: 'js' };
    });
  }
};

/** Write by rename, so a server or test reading the folder never sees half a file. */
function writeAtomically(dest, write) {
  const tmp = `${dest}.tmp-${process.pid}`;
  write(tmp);
  fs.renameSync(tmp, dest);
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
    plugins: [inlineSchemas, inlineOpenApi],
    logLevel: 'warning'
  });
  fs.chmodSync(outFile, 0o755);
  const addon = addonForThisNode(serverDir);
  writeAtomically(path.join(outDir, 'better_sqlite3.node'), tmp =>
    fs.copyFileSync(addon.file, tmp)
  );
  writeAtomically(path.join(outDir, 'better_sqlite3.json'), tmp =>
    fs.writeFileSync(tmp, `${JSON.stringify(addon.info, null, 2)}\n`)
  );
  const kib = f => `${(fs.statSync(f).size / 1024).toFixed(0)} KiB`;
  const { node, modules, platform, arch } = addon.info;
  console.log(
    `bundled ${path.relative(process.cwd(), outFile)} (${kib(outFile)}) + better_sqlite3.node ` +
      `(${kib(path.join(outDir, 'better_sqlite3.node'))}, Node ${node} ABI ${modules} ${platform}-${arch})`
  );
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
