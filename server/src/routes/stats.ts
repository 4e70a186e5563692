/** GET /api/stats: totals and where the space and the saved time are, per notebook and per cell. */
import { Router } from 'express';
import type { StoreRegistry } from '../http/registry';
import { parseQuery, STORE_FIELD } from '../http/validate';

export function statsRoutes(registry: StoreRegistry): Router {
  const r = Router();
  r.get('/stats', async (req, res) => {
    const { store, notebook } = parseQuery<{ store: string; notebook?: string }>(req.query, {
      store: STORE_FIELD,
      notebook: { type: 'string', maxLength: 4096 }
    });
    const index = await registry.reader(store);
    res.json(await index.stats(notebook));
  });
  return r;
}
