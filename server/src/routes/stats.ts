/** GET /api/stats: totals and where the space and the saved time are, per notebook and per cell. */
import { Router } from 'express';
import type { StoreRegistry } from '../http/registry';
import { querySpec } from '../http/openapi';
import { parseQuery } from '../http/validate';

export function statsRoutes(registry: StoreRegistry): Router {
  const r = Router();
  const spec = querySpec('GET', '/api/stats');
  r.get('/stats', async (req, res) => {
    const { store, notebook } = parseQuery<{ store: string; notebook?: string }>(req.query, spec);
    const index = await registry.reader(store);
    res.json(await index.stats(notebook));
  });
  return r;
}
