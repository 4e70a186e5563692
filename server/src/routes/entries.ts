/** GET /api/entries (a filtered, sorted page) and GET /api/entries/{key} (one entry with its manifest). */
import { Router } from 'express';
import type { ListQuery } from '../index-db';
import type { StoreRegistry } from '../http/registry';
import { querySpec } from '../http/openapi';
import { HEX64, parseQuery } from '../http/validate';
import { XetCacheError } from '@xetcache/store';

export function entriesRoutes(registry: StoreRegistry): Router {
  const r = Router();
  const listSpec = querySpec('GET', '/api/entries');
  const getSpec = querySpec('GET', '/api/entries/{key}');
  r.get('/entries', async (req, res) => {
    const { store, ...q } = parseQuery<ListQuery & { store: string }>(req.query, listSpec);
    const index = await registry.reader(store);
    res.json(await index.list(q));
  });
  r.get('/entries/:key', async (req, res) => {
    const { store } = parseQuery<{ store: string }>(req.query, getSpec);
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
