/**
 * The one place where error codes become HTTP statuses, and the one error middleware. Codes come from
 * @xetcache/store's errors module; this map is the server's only addition.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isXetCacheError, XetCacheError, type ErrorCode } from '@xetcache/store';

export const STATUS_OF: Record<ErrorCode, number> = {
  EBADREQUEST: 400,
  EOUTSIDEROOT: 403,
  ECROSSSITE: 403,
  EBADHOST: 403,
  ETOKEN: 401,
  EMETHOD: 405,
  ENOTFOUND: 404,
  ENOTSTORE: 404,
  // The request was fine, the store's state is not: a newer format, a corrupt object, an invalid manifest, an
  // object not fetched from LFS yet. 409 tells the client that retrying unchanged will not help.
  ESTOREVERSION: 409,
  EINTEGRITY: 409,
  EBADMANIFEST: 409,
  ELFSPOINTER: 409,
  EREADONLY: 409,
  ESTOREFULL: 507,
  EINTERNAL: 500
};

export interface ErrorBody {
  code: string;
  message: string;
}

/** body-parser marks its errors with `type`; they are the client's fault and get EBADREQUEST. */
function bodyParserError(err: unknown): { status: number; message: string } | null {
  const type = (err as { type?: unknown }).type;
  if (type === 'entity.parse.failed')
    return {
      status: 400,
      message: `the request body is not valid JSON: ${(err as Error).message}`
    };
  if (type === 'entity.too.large')
    return { status: 413, message: 'the request body is too large (limit 64 KiB)' };
  if (typeof type === 'string' && (type.startsWith('encoding.') || type.startsWith('charset.'))) {
    return { status: 415, message: `unsupported request encoding: ${(err as Error).message}` };
  }
  return null;
}

/** Absolute paths of the server's disk are noise to a browser user: show them relative to the root. */
function relativise(message: string, root: string): string {
  return message.split(`${root}/`).join('').split(root).join('.');
}

export function errorMiddleware(root: string): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    let status: number;
    let body: ErrorBody;
    const parsed = bodyParserError(err);
    if (isXetCacheError(err)) {
      status = STATUS_OF[err.code] ?? 500;
      body = { code: err.code, message: relativise(err.message, root) };
    } else if (parsed) {
      status = parsed.status;
      body = { code: 'EBADREQUEST', message: parsed.message };
    } else {
      status = 500;
      body = {
        code: 'EINTERNAL',
        message: `internal error (${(err as Error)?.message ?? String(err)}); see the server log`
      };
      console.error('xetcache-server:', err);
    }
    if (res.headersSent) {
      // A streamed response already started (e.g. an object failing verification at its end): cut it off so
      // the client sees a truncated transfer, never a complete-looking corrupt one.
      res.destroy(err instanceof Error ? err : undefined);
      return;
    }
    // 401 names the scheme the client should use (RFC 9110): the token, as Jupyter's.
    if (isXetCacheError(err, 'ETOKEN')) res.set('WWW-Authenticate', 'token');
    res.status(status).json(body);
  };
}

/**
 * A documented path asked with another method (TRACE, PUT, GET on a POST route...) is 405 with the methods it
 * answers in Allow, not 404: the path exists. The table comes from openapi.yaml, like the routes' validation.
 */
export function methodNotAllowed(
  routes: readonly { pattern: RegExp; methods: string[] }[]
): RequestHandler {
  return (req, res, next) => {
    const route = routes.find(r => r.pattern.test(req.path));
    if (!route) return next();
    const allow = [...route.methods];
    if (allow.includes('GET')) allow.push('HEAD');
    if (allow.includes(req.method)) return next();
    res.set('Allow', allow.join(', '));
    // OPTIONS answers what the path allows and nothing more: no CORS headers, so a cross-site preflight still fails.
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next(
      new XetCacheError(
        'EMETHOD',
        `${req.method} is not allowed on ${req.path} (allowed: ${allow.join(', ')})`
      )
    );
  };
}

/** Unknown routes answer like every other refusal: JSON with a code, never express's HTML page. */
export const notFoundRoute: RequestHandler = (req, _res, next) => {
  next(
    new XetCacheError(
      'ENOTFOUND',
      `no such route: ${req.method} ${req.path} (see openapi.yaml for the API)`
    )
  );
};
