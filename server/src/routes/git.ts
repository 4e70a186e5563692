/**
 * GET /api/git?store=… → {in_repo, lfs_available, lfs_configured, message, fix}: lets the UI tell the user, once,
 * that the store sits in a repository where Git LFS is missing or not set up, with the command that fixes it.
 * Read-only: nothing is installed or configured on the user's behalf.
 */
import { Router } from 'express';
import { gitStatus } from '../git/lfs-status';
import type { StoreRegistry } from '../http/registry';
import { storeOrAncestor } from '../http/store-path';
import { querySpec } from '../http/openapi';
import { parseQuery } from '../http/validate';

export function gitRoutes(registry: StoreRegistry): Router {
  const r = Router();
  const spec = querySpec('GET', '/api/git');
  r.get('/git', async (req, res) => {
    const { store } = parseQuery<{ store: string }>(req.query, spec);
    const dir = await storeOrAncestor(registry.root, store);
    const s = await gitStatus(dir);
    // The repository's absolute path is the server's business, not the browser's: left out on purpose.
    res.json({
      in_repo: s.in_repo,
      lfs_available: s.lfs_available,
      lfs_configured: s.lfs_configured,
      message: s.message,
      fix: s.fix
    });
  });
  return r;
}
