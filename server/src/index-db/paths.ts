/**
 * Fixed places inside a store folder that the index reads directly (CONTRACT.md section 1). @xetcache/store keeps
 * its own layout module private, so the two names the index needs are spelled here from the contract.
 */
import * as path from 'node:path';

export function entriesDir(storeDir: string): string {
  return path.join(storeDir, 'entries');
}

export function hitsFile(storeDir: string): string {
  return path.join(storeDir, 'hits.jsonl');
}
