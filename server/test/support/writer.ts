/**
 * A separate process that stores entries the way a kernel does (objects, then manifest), for concurrency tests.
 * Usage: node --import tsx writer.ts STORE_DIR COUNT NOTEBOOK
 */
import { openStore } from '@xetcache/store';
import { addEntry } from './fixtures';

async function run(): Promise<void> {
  const [dir, count, notebook] = process.argv.slice(2);
  const store = await openStore(dir);
  for (let i = 0; i < Number(count); i++) {
    await addEntry(store, { notebook, cell_id: `c${i % 3}`, bytes: 200 + i });
    if (i % 4 === 0) {
      const keys = await store.listManifestKeys();
      if (keys.length) await store.appendHit({ key: keys[i % keys.length], saved_s: 1 });
    }
  }
}

void run();
