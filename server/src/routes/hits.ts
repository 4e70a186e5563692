/** POST /api/hits: record a restore (appends the same line the engine would to hits.jsonl). */
import { Router } from 'express';
import type { StoreRegistry } from '../http/registry';
import { KEY_FIELD, parseBody, STORE_FIELD } from '../http/validate';

export function hitsRoutes(registry: StoreRegistry): Router {
  const r = Router();
  r.post('/hits', async (req, res) => {
    const b = parseBody<{ store: string; key: string; saved_s: number }>(req.body, {
      store: STORE_FIELD,
      key: { ...KEY_FIELD, required: true },
      saved_s: { type: 'number', required: true, min: 0 }
    });
    res.json(await (await registry.get(b.store)).recordHit(b.key, b.saved_s));
  });
  return r;
}
