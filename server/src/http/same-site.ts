/**
 * Refuse cross-site requests on state-changing routes (CONTRACT.md section 4). jupyter-server-proxy authenticates
 * the browser but does not check XSRF, so a page on another site could otherwise make the user's browser evict.
 * A cross-site HTML form can send neither a custom header nor Content-Type: application/json without a CORS
 * preflight (which this server never approves), and modern browsers label such requests with Sec-Fetch-Site.
 */
import type { RequestHandler } from 'express';
import { XetCacheError } from '@xetcache/store';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function crossSite(message: string): XetCacheError {
  return new XetCacheError('ECROSSSITE', message);
}

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

export const requireSameSite: RequestHandler = (req, _res, next) => {
  if (SAFE_METHODS.has(req.method)) return next();
  if (req.get('sec-fetch-site') === 'cross-site') {
    return next(
      crossSite('cross-site requests may not change the cache (Sec-Fetch-Site: cross-site)')
    );
  }
  const origin = req.get('origin');
  if (origin !== undefined) {
    // A proxy may rewrite Host; it then forwards the browser's in X-Forwarded-Host.
    const hosts = [
      req.get('host'),
      ...(req.get('x-forwarded-host') ?? '').split(',').map(h => h.trim())
    ];
    const host = originHost(origin);
    if (host === null || !hosts.includes(host)) {
      return next(
        crossSite(
          `requests from origin ${origin} may not change the cache (it is not this server's origin)`
        )
      );
    }
  }
  if (req.get('x-xetcache') !== '1') {
    return next(crossSite('state-changing requests must send the header "X-XetCache: 1"'));
  }
  const type = (req.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    return next(
      new XetCacheError(
        'EBADREQUEST',
        `send the body as JSON with "Content-Type: application/json" (got "${type || 'none'}")`
      )
    );
  }
  next();
};
