import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../src/store';
import { rejectsWithCode, sha256, tempStoreDir } from './helpers';

const K1 = sha256('e1');
const K2 = sha256('e2');

test('no log yet reads as empty at offset 0', async t => {
  const store = await openStore(await tempStoreDir(t));
  assert.deepEqual(await store.readHits(0), { hits: [], offset: 0, skipped: 0 });
});

test('append writes one contract line each; reads are incremental by byte offset', async t => {
  const store = await openStore(await tempStoreDir(t));
  await store.appendHit({ key: K1, at: '2026-11-25T10:00:00.123Z', saved_s: 12.4 });
  const text = await fsp.readFile(path.join(store.dir, 'hits.jsonl'), 'utf8');
  assert.equal(text, `{"key":"${K1}","at":"2026-11-25T10:00:00.123Z","saved_s":12.4}\n`);
  const first = await store.readHits(0);
  assert.deepEqual(first.hits, [{ key: K1, at: '2026-11-25T10:00:00.123Z', saved_s: 12.4 }]);
  assert.equal(first.offset, Buffer.byteLength(text));

  await store.appendHit({ key: K2, saved_s: 0 });
  const second = await store.readHits(first.offset);
  assert.equal(second.hits.length, 1);
  assert.equal(second.hits[0].key, K2);
  assert.ok(!Number.isNaN(Date.parse(second.hits[0].at)));
  assert.deepEqual(await store.readHits(second.offset), {
    hits: [],
    offset: second.offset,
    skipped: 0
  });
});

test('a torn last line is left for the next read; garbage lines are skipped', async t => {
  const store = await openStore(await tempStoreDir(t));
  const log = path.join(store.dir, 'hits.jsonl');
  await store.appendHit({ key: K1, saved_s: 1 });
  await fsp.appendFile(log, 'not json\n');
  const whole = `{"key":"${K2}","at":"2026-11-25T10:00:00Z","saved_s":2}\n`;
  await fsp.appendFile(log, whole.slice(0, 20)); // an appender mid-write
  const r = await store.readHits(0);
  assert.deepEqual(
    r.hits.map(h => h.key),
    [K1]
  );
  assert.equal(r.skipped, 1);
  await fsp.appendFile(log, whole.slice(20));
  const r2 = await store.readHits(r.offset);
  assert.deepEqual(r2.hits, [{ key: K2, at: '2026-11-25T10:00:00Z', saved_s: 2 }]);
});

test('a log that shrank below the offset (replaced) is read from the start', async t => {
  const store = await openStore(await tempStoreDir(t));
  await store.appendHit({ key: K1, saved_s: 1 });
  await store.appendHit({ key: K1, saved_s: 1 });
  const { offset } = await store.readHits(0);
  await fsp.rm(path.join(store.dir, 'hits.jsonl'));
  await store.appendHit({ key: K2, saved_s: 3 });
  const r = await store.readHits(offset);
  assert.deepEqual(
    r.hits.map(h => h.key),
    [K2]
  );
});

test('bad hits are EBADREQUEST and append nothing', async t => {
  const store = await openStore(await tempStoreDir(t));
  await rejectsWithCode(store.appendHit({ key: 'nope', saved_s: 1 }), 'EBADREQUEST');
  await rejectsWithCode(store.appendHit({ key: K1, saved_s: -1 }), 'EBADREQUEST');
  await rejectsWithCode(store.appendHit({ key: K1, saved_s: Number.NaN }), 'EBADREQUEST');
  await rejectsWithCode(store.appendHit({ key: K1, at: 'soon', saved_s: 1 }), 'EBADREQUEST');
  await rejectsWithCode(store.readHits(-1), 'EBADREQUEST');
  assert.deepEqual((await store.readHits(0)).hits, []);
});
