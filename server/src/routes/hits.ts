/** POST /api/hits: record a restore (appends the same line the engine would to hits.jsonl). */
import { Router } from 'express';
import type { StoreRegistry } from '../http/registry';
import { bodySpec } from '../http/openapi';
import { parseBody } from '../http/validate';

export function hitsRoutes(registry: StoreRegistry): Router {
  const r = Router();
  const spec = bodySpec('POST', '/api/hits');
  r.post('/hits', async (req, res) => {
    const b = parseBody<{ store: string; key: string; saved_s: number }>(req.body, spec);
    res.json(await (await registry.get(b.store)).recordHit(b.key, b.saved_s));
  });
  return r;
}
