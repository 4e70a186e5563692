/** GET /api/entries (a filtered, sorted page) and GET /api/entries/{key} (one entry with its manifest). */
import { Router } from 'express';
import { SORT_KEYS, type ListQuery } from '../index-db';
import type { StoreRegistry } from '../http/registry';
import { HEX64, parseQuery, STORE_FIELD, type Spec } from '../http/validate';
import { XetCacheError } from '@xetcache/store';

export const MAX_LIMIT = 1000;

const LIST_SPEC: Spec = {
  store: STORE_FIELD,
  notebook: { type: 'string', maxLength: 4096 },
  cell: { type: 'string', maxLength: 256 },
  kind: { type: 'string', enum: ['cell', 'function'] },
  q: { type: 'string', maxLength: 400 },
  sort: { type: 'string', enum: SORT_KEYS },
  order: { type: 'string', enum: ['asc', 'desc'] },
  limit: { type: 'integer', min: 1, max: MAX_LIMIT },
  offset: { type: 'integer', min: 0 }
};

export function entriesRoutes(registry: StoreRegistry): Router {
  const r = Router();
  r.get('/entries', async (req, res) => {
    const { store, ...q } = parseQuery<ListQuery & { store: string }>(req.query, LIST_SPEC);
    const index = await registry.reader(store);
    res.json(await index.list(q));
  });
  r.get('/entries/:key', async (req, res) => {
    const { store } = parseQuery<{ store: string }>(req.query, { store: STORE_FIELD });
    const key = req.params.key;
    if (!HEX64.test(key))
      throw new XetCacheError(
        'EBADREQUEST',
        `entry key must be 64 lowercase hex characters (got "${key}")`
      );
    const index = await registry.reader(store);
    res.json(await index.get(key));
  });
  return r;
}
