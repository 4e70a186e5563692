/**
 * The express app: exactly the routes of CONTRACT.md section 4 under /api (openapi.yaml documents them), plus
 * GET / for jupyter-server-proxy's readiness poll. Middleware order matters: on TCP the Host and token checks run
 * first, for every route; the same-site guard runs before the body is parsed, so a cross-site request is refused
 * without reading it.
 */
import express from 'express';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { XetCacheError } from '@xetcache/store';
import { errorMiddleware, methodNotAllowed, notFoundRoute } from './http/error-status';
import { requireAllowedHost } from './http/host-guard';
import { documentedRoutes } from './http/openapi';
import { dropJupyterToken, requireToken } from './http/token';
import { nativeBindingProblem } from './index-db/native-binding';
import { StoreRegistry } from './http/registry';
import { requireSameSite } from './http/same-site';
import { entriesRoutes } from './routes/entries';
import { gitRoutes } from './routes/git';
import { hitsRoutes } from './routes/hits';
import { maintenanceRoutes } from './routes/maintenance';
import { objectsRoutes } from './routes/objects';
import { statsRoutes } from './routes/stats';
import { statusRoutes } from './routes/status';
import { SERVER_VERSION } from './version';

export interface AppOptions {
  /** Every store served lives under this directory (the Jupyter root). */
  root: string;
  /**
   * Why the SQLite addon cannot load (null: it loads). Default: checked once in this process. When set, every
   * /api request, GET /api/status included, answers 500 EINTERNAL with this one line, so the JupyterLab sidebar
   * shows the reason; GET / still answers so jupyter-server-proxy sees the server up and passes requests on.
   */
  addonProblem?: string | null;
  /**
   * For a TCP listener: every request must name a loopback host or one of allowedHosts in Host (DNS rebinding),
   * and carry the token. Absent behind jupyter-server-proxy's Unix socket, where Jupyter authenticated the browser
   * and Host is JupyterLab's public name.
   */
  tcp?: { token: string; allowedHosts: ReadonlySet<string> };
}

export interface XetCacheApp {
  app: express.Express;
  root: string;
  registry: StoreRegistry;
  /** Close every open index (call after the HTTP server stopped). */
  close(): Promise<void>;
}

export function createApp(opts: AppOptions): XetCacheApp {
  // realpath once: symlink checks on store paths compare realpaths with this.
  const root = fs.realpathSync(path.resolve(opts.root));
  const registry = new StoreRegistry(root);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('json spaces', 0);
  if (opts.tcp) {
    app.use(requireAllowedHost(opts.tcp.allowedHosts));
    app.use(requireToken(opts.tcp.token));
  } else {
    app.use(dropJupyterToken);
  }
  app.use(methodNotAllowed(documentedRoutes()));

  app.get('/', (_req, res) => {
    res.json({ name: 'xetcache-server', version: SERVER_VERSION, ready: true });
  });

  const api = express.Router();
  const addonProblem = opts.addonProblem !== undefined ? opts.addonProblem : nativeBindingProblem();
  if (addonProblem !== null) {
    api.use((_req, _res, next) => next(new XetCacheError('EINTERNAL', addonProblem)));
  }
  api.use(requireSameSite);
  api.use(express.json({ limit: '64kb', strict: true, type: 'application/json' }));
  api.use(statusRoutes());
  api.use(entriesRoutes(registry));
  api.use(objectsRoutes(registry));
  api.use(statsRoutes(registry));
  api.use(maintenanceRoutes(registry));
  api.use(hitsRoutes(registry));
  api.use(gitRoutes(registry));
  app.use('/api', api);

  app.use(notFoundRoute);
  app.use(errorMiddleware(root));
  return { app, root, registry, close: () => registry.close() };
}
