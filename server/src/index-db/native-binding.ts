/**
 * Where better-sqlite3's compiled addon lives. Normally better-sqlite3 finds it itself (node_modules). The bundle
 * shipped inside the Python package (dist/xetcache-server.js) has no node_modules, so the addon is copied next to
 * it and handed to better-sqlite3 through its `nativeBinding` option.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const NATIVE_BINDING_ENV = 'XETCACHE_SQLITE_BINDING';
export const NATIVE_BINDING_FILE = 'better_sqlite3.node';

/** undefined = let better-sqlite3 locate its addon the usual way. */
export function nativeBindingPath(): string | undefined {
  const fromEnv = process.env[NATIVE_BINDING_ENV];
  if (fromEnv) return fromEnv;
  // In the bundle __dirname is dist/; in lib/index-db/ no such file exists and we fall through.
  const beside = path.join(__dirname, NATIVE_BINDING_FILE);
  return fs.existsSync(beside) ? beside : undefined;
}
