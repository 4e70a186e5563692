/**
 * Which entries a `fetch`/`status` call is about: all, or the KEY arguments — full keys or unique prefixes (the
 * CLI shows 12-character keys). Ambiguous or unknown ones are refused before anything is downloaded.
 */
import { XetCacheError, type Store } from '@xetcache/store';

const PREFIX = /^[0-9a-f]{4,64}$/;

export async function selectKeys(store: Store, wanted: string[] | 'all'): Promise<string[]> {
  const all = (await store.listManifestKeys()).sort();
  if (wanted === 'all') return all;
  const out = new Set<string>();
  for (const w of wanted) {
    const k = w.toLowerCase();
    if (!PREFIX.test(k))
      throw new XetCacheError(
        'EBADREQUEST',
        `"${w}" is not an entry key (4 to 64 hex characters)`,
        { key: w }
      );
    const hits = all.filter(key => key.startsWith(k));
    if (hits.length === 0)
      throw new XetCacheError('ENOTFOUND', `no entry with key ${w}`, { key: w });
    if (hits.length > 1)
      throw new XetCacheError(
        'EBADREQUEST',
        `key prefix ${w} is ambiguous (${hits.length} entries)`,
        { key: w }
      );
    out.add(hits[0]);
  }
  return [...out];
}
