/** The state-changing routes on entries and objects: evict, trim (LRU to a byte budget), gc, verify. */
import { Router } from 'express';
import { XetCacheError } from '@xetcache/store';
import { gcSummary } from '../gc-summary';
import type { StoreRegistry } from '../http/registry';
import { bodySpec } from '../http/openapi';
import { parseBody } from '../http/validate';

interface EvictBody {
  store: string;
  key?: string;
  notebook?: string;
  cell_id?: string;
}

export function maintenanceRoutes(registry: StoreRegistry): Router {
  const r = Router();
  const spec = {
    evict: bodySpec('POST', '/api/evict'),
    trim: bodySpec('POST', '/api/trim'),
    gc: bodySpec('POST', '/api/gc'),
    verify: bodySpec('POST', '/api/verify')
  };
  r.post('/evict', async (req, res) => {
    const b = parseBody<EvictBody>(req.body, spec.evict);
    if (
      (b.key === undefined) === (b.notebook === undefined) ||
      (b.key !== undefined && b.cell_id !== undefined)
    ) {
      throw new XetCacheError(
        'EBADREQUEST',
        'give either {store, key} or {store, notebook} or {store, notebook, cell_id}'
      );
    }
    if (b.cell_id !== undefined && b.notebook === undefined) {
      throw new XetCacheError('EBADREQUEST', 'cell_id needs notebook');
    }
    const index = await registry.get(b.store);
    const sel =
      b.key !== undefined ? { key: b.key } : { notebook: b.notebook as string, cell_id: b.cell_id };
    res.json(await index.evict(sel));
  });
  r.post('/trim', async (req, res) => {
    const b = parseBody<{ store: string; max_bytes: number }>(req.body, spec.trim);
    res.json(await (await registry.get(b.store)).trim(b.max_bytes));
  });
  r.post('/gc', async (req, res) => {
    const b = parseBody<{ store: string; grace_s?: number; force?: boolean }>(req.body, spec.gc);
    const report = await (await registry.get(b.store)).gc(b.grace_s, b.force === true);
    res.json(gcSummary(report));
  });
  r.post('/verify', async (req, res) => {
    const b = parseBody<{ store: string }>(req.body, spec.verify);
    const report = await (await registry.get(b.store)).verify();
    res.json({ ok: report.ok, problems: report.problems });
  });
  return r;
}
