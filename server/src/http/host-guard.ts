/**
 * DNS rebinding guard for the TCP listener. A page on an attacker's domain whose name resolves to 127.0.0.1 talks
 * to this server as "same origin": Origin and Host both say evil.example, so the same-site guard cannot tell. The
 * Host header can: a browser always sends the name it resolved. So over TCP only loopback names (localhost,
 * 127.0.0.0/8, [::1]) and the hosts configured with --allow-host are answered, on any port. Behind
 * jupyter-server-proxy (Unix socket) Host is the JupyterLab's public name and Jupyter has checked it already, so
 * this guard is not installed there.
 */
import type { RequestHandler } from 'express';
import * as net from 'node:net';
import { XetCacheError } from '@xetcache/store';

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** The host name of a Host header (no port, no brackets, lowercase, no trailing dot); null when malformed. */
export function hostName(header: string): string | null {
  const h = header.trim().toLowerCase();
  let name: string;
  let port: string;
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    if (end < 0) return null;
    name = h.slice(1, end);
    port = h.slice(end + 1);
    if (port !== '' && !port.startsWith(':')) return null;
    port = port.slice(1);
    if (net.isIPv6(name) === false) return null;
  } else {
    const colon = h.lastIndexOf(':');
    name = colon < 0 ? h : h.slice(0, colon);
    port = colon < 0 ? '' : h.slice(colon + 1);
    if (name.includes(':')) return null; // a bare IPv6 address must be bracketed
  }
  if (port !== '' && !/^\d{1,5}$/.test(port)) return null;
  if (name.endsWith('.')) name = name.slice(0, -1);
  return name === '' ? null : name;
}

export function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true; // RFC 6761: never resolved by DNS
  const family = net.isIP(name);
  if (family === 4) return LOOPBACK.check(name, 'ipv4');
  if (family === 6) {
    // ::ffff:127.0.0.1 is an IPv4 loopback address written as IPv6.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(name);
    return mapped ? LOOPBACK.check(mapped[1], 'ipv4') : LOOPBACK.check(name, 'ipv6');
  }
  return false;
}

/** Normalises --allow-host values the way hostName reads a header ("Example.org." and "example.org" are one). */
export function normaliseAllowedHosts(hosts: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const raw of hosts) {
    const name = hostName(raw);
    if (name === null)
      throw new XetCacheError('EBADREQUEST', `--allow-host: "${raw}" is not a host name`);
    out.add(name);
  }
  return out;
}

export function requireAllowedHost(allowed: ReadonlySet<string>): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('host');
    const name = header === undefined ? null : hostName(header);
    if (name !== null && (isLoopbackName(name) || allowed.has(name))) return next();
    next(
      new XetCacheError(
        'EBADHOST',
        `requests for host "${header ?? ''}" are refused: this server answers only localhost, 127.0.0.1 and ` +
          '[::1] (start it with --allow-host NAME to accept another name)'
      )
    );
  };
}
