/**
 * The token the TCP listener requires on every route, as Jupyter does: any local user (or a page the browser
 * opened) can reach a loopback port, only the one who started the server knows the token. It arrives as
 * `Authorization: token <t>` (or `Bearer <t>`) or as `?token=<t>`; the query parameter is removed before routing so
 * the routes' strict query validation never sees it (and it reaches no log line). Behind jupyter-server-proxy the
 * server listens on a Unix socket that Jupyter reaches after authenticating the browser: no token there.
 */
import type { RequestHandler } from 'express';
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { XetCacheError } from '@xetcache/store';

/** 48 hex characters, like Jupyter's generated token. */
export function newToken(): string {
  return randomBytes(24).toString('hex');
}

/** Compare digests so neither the length nor a prefix of the token leaks through timing. */
function same(a: string, b: string): boolean {
  const d = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(d(a), d(b));
}

/** Splits `token=` parameters out of a raw query string; returns the rest unchanged (other values byte for byte). */
export function takeTokenParams(search: string): { rest: string; tokens: string[] } {
  const tokens: string[] = [];
  const kept: string[] = [];
  for (const part of search.split('&')) {
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    let name: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      name = rawName;
    }
    if (name !== 'token') {
      kept.push(part);
      continue;
    }
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    try {
      tokens.push(decodeURIComponent(rawValue.replace(/\+/g, ' ')));
    } catch {
      tokens.push(rawValue);
    }
  }
  return { rest: kept.join('&'), tokens };
}

function headerToken(value: string | undefined): string | null {
  const m = /^\s*(?:token|bearer)\s+(\S+)\s*$/i.exec(value ?? '');
  return m ? m[1] : null;
}

/** Removes `token=` parameters from the request's query (before routing checks its fields); returns them. */
function takeFromUrl(req: { url: string }): string[] {
  const q = req.url.indexOf('?');
  if (q < 0) return [];
  const { rest, tokens } = takeTokenParams(req.url.slice(q + 1));
  if (tokens.length > 0)
    req.url = rest === '' ? req.url.slice(0, q) : `${req.url.slice(0, q)}?${rest}`;
  return tokens;
}

/**
 * On the Unix socket: jupyter-server-proxy forwards the browser's query as it was, so Jupyter's own `?token=`
 * (which Jupyter has already checked) arrives too. It is not one of our fields: drop it, never a 400.
 */
export const dropJupyterToken: RequestHandler = (req, _res, next) => {
  takeFromUrl(req);
  next();
};

export function requireToken(token: string): RequestHandler {
  return (req, _res, next) => {
    const offered: string[] = takeFromUrl(req);
    const fromHeader = headerToken(req.get('authorization'));
    if (fromHeader !== null) offered.push(fromHeader);
    if (offered.some(t => same(t, token))) return next();
    next(
      new XetCacheError(
        'ETOKEN',
        offered.length === 0
          ? 'this server needs its token (printed when it started): send "Authorization: token <token>" or add ?token=<token>'
          : 'wrong token: use the one the server printed when it started'
      )
    );
  };
}
