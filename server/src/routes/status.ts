/** GET /api/status: who answers, so clients can tell this server from anything else on the port. */
import { Router } from 'express';
import { parseQuery } from '../http/validate';
import { SERVER_VERSION } from '../version';

export const API_VERSION = 1;

export function statusRoutes(): Router {
  const r = Router();
  r.get('/status', (req, res) => {
    parseQuery(req.query, {});
    res.json({ name: 'xetcache-server', version: SERVER_VERSION, api: API_VERSION });
  });
  return r;
}
