/**
 * GET /api/objects/{oid}: an object's bytes, only after their hash was checked. Small objects are read and
 * verified whole before the first byte is sent, so a corrupt object yields an error code, never bytes. Big ones
 * stream through the store's verifying stream, which holds back its last chunk until the digest matched; on a
 * mismatch the connection is cut (the client sees a short transfer, not a complete one).
 */
import { Router } from 'express';
import { promises as fsp } from 'node:fs';
import { XetCacheError } from '@xetcache/store';
import type { StoreRegistry } from '../http/registry';
import { querySpec } from '../http/openapi';
import { HEX64, parseQuery } from '../http/validate';

/** Below this, buffer and verify before answering; above, stream (a 1 GiB array should not sit in memory). */
export const BUFFER_LIMIT = 64 * 1024 * 1024;

export function objectsRoutes(registry: StoreRegistry): Router {
  const r = Router();
  const spec = querySpec('GET', '/api/objects/{oid}');
  r.get('/objects/:oid', async (req, res, next) => {
    const { store: rel } = parseQuery<{ store: string }>(req.query, spec);
    const oid = req.params.oid;
    if (!HEX64.test(oid))
      throw new XetCacheError(
        'EBADREQUEST',
        `object id must be 64 lowercase hex characters (got "${oid}")`
      );
    const { store } = await registry.get(rel);
    const state = await store.objectState(oid);
    if (state === 'missing')
      throw new XetCacheError('ENOTFOUND', `no object ${oid} in store "${rel}"`, { oid });
    if (state === 'pointer') {
      throw new XetCacheError(
        'ELFSPOINTER',
        `object ${oid} is a Git LFS pointer, its content is not local; run: git lfs pull --include="${rel}/objects/sha256/${oid.slice(0, 2)}/${oid}"`,
        { oid }
      );
    }
    res.set({
      'Content-Type': 'application/octet-stream',
      'X-Content-Type-Options': 'nosniff',
      // Content-addressed: the bytes for this name never change.
      'Cache-Control': 'private, max-age=31536000, immutable',
      ETag: `"${oid}"`
    });
    const { size } = await fsp.lstat(store.objectPath(oid)); // a regular file: objectState said local
    if (size <= BUFFER_LIMIT) {
      res.send(await store.readObject(oid));
      return;
    }
    res.set('Content-Length', String(size));
    const stream = store.createObjectReadStream(oid);
    stream.on('error', e => next(e));
    stream.pipe(res);
  });
  return r;
}
