/**
 * Every vector of spec/vectors/*.json, run against this library. One test per case, collected from the files:
 * adding a case or a file of a known kind needs no code here; a file of an unknown kind fails until both languages
 * have a runner for it. packages/python/tests/test_spec_vectors.py runs the same files against the engine.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { byCodePoint, canonicalJson } from '../src/canonical-json';
import { objectState, readObject } from '../src/content-read';
import { isXetCacheError } from '../src/errors';
import { markLive } from '../src/gc';
import { formatHitLine } from '../src/hits';
import { isHex64, manifestPath, objectPath } from '../src/layout';
import { parseManifest, serializeManifest } from '../src/manifest';
import { manifestObjectIds } from '../src/manifest-type';
import { decodeUtf8 } from '../src/safe-open';
import { openStore } from '../src/store';
import { chunkId, schemaValidator } from '../src/validate';
import * as ss from './spec-support';
import { runUnsafe } from './spec-unsafe';

type Json = ss.Json;
type Runner = (doc: Json, c: Json, dir: string, t: TestContext) => Promise<void> | void;

function codeOf(work: () => unknown): string {
  try {
    work();
    return 'ok';
  } catch (e) {
    return isXetCacheError(e) ? e.code : `not ours: ${String(e)}`;
  }
}

async function codeOfAsync(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
    return 'ok';
  } catch (e) {
    return isXetCacheError(e) ? e.code : `not ours: ${String(e)}`;
  }
}

function writeFile(p: string, data: Buffer | string): void {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, data);
}

/** The file in a real store: refused, and the manifest is the only file opened (no object, nothing outside). */
async function refusedBeforeOpeningAnythingElse(doc: Json, c: Json, dir: string, t: TestContext) {
  const store = await openStore(path.join(dir, '.xetcache'));
  const outside = new ss.Outside(dir, Buffer.from("not the store's"));
  const key = ss.caseKey(doc, c);
  writeFile(store.manifestPath(key), ss.manifestBytes(doc, c));
  const opens = t.mock.method(fs.promises, 'open');
  assert.equal(await codeOfAsync(() => store.readManifest(key)), 'EBADMANIFEST');
  assert.deepEqual(
    opens.mock.calls.map(call => call.arguments[0]),
    [store.manifestPath(key)],
    'opened more than the manifest'
  );
  opens.mock.restore();
  assert.equal((await store.verify()).ok, false);
  await store.gc({ graceMs: 0 });
  outside.assertUntouched();
  assert.ok(!fs.existsSync(path.join(store.dir, 'quarantine')));
}

const RUNNERS: Record<string, Runner> = {
  ids(_doc, c, dir) {
    assert.equal(isHex64(c.value), c.valid);
    if (!c.valid)
      for (const build of [objectPath, manifestPath])
        assert.equal(
          codeOf(() => build(dir, c.value)),
          'EBADREQUEST'
        );
  },

  async 'store-markers'(_doc, c, dir) {
    const store = path.join(dir, '.xetcache');
    writeFile(
      path.join(store, 'STORE'),
      'bytes_hex' in c ? Buffer.from(c.bytes_hex, 'hex') : c.text
    );
    assert.equal(await codeOfAsync(() => openStore(store, { create: false })), c.expect);
  },

  async 'lfs-pointers'(_doc, c, dir) {
    let data = Buffer.from(c.text, 'utf8');
    if (c.pad_to) data = Buffer.concat([data, Buffer.alloc(c.pad_to - data.length, '\n')]);
    const oid = createHash('sha256')
      .update(c.named === 'self' ? data : c.named)
      .digest('hex');
    const store = await openStore(path.join(dir, '.xetcache'));
    writeFile(store.objectPath(oid), data);
    const state = await objectState(store.dir, oid);
    const code = await codeOfAsync(async () =>
      assert.ok((await readObject(store.dir, oid)).equals(data))
    );
    const got = { ok: 'local', ELFSPOINTER: 'pointer', EINTEGRITY: 'corrupt' }[code] ?? code;
    assert.equal(got, c.expect);
    assert.equal(state === 'pointer', c.expect === 'pointer');
    assert.equal(
      fs.existsSync(store.objectPath(oid)),
      got !== 'corrupt',
      'only corrupt is quarantined'
    );
  },

  async manifests(doc, c, dir, t) {
    const data = ss.manifestBytes(doc, c);
    let value: Json;
    let json = true;
    try {
      value = JSON.parse(decodeUtf8(data));
    } catch {
      json = false; // not JSON: no schema verdict to compare with
    }
    if (json) {
      const schema = schemaValidator('manifest');
      assert.equal(schema(value), c.schema_valid ?? c.valid, JSON.stringify(schema.errors));
    }
    const code = codeOf(() => parseManifest(data));
    if (!c.valid) {
      assert.equal(code, 'EBADMANIFEST', 'this library accepted it');
      await refusedBeforeOpeningAnythingElse(doc, c, dir, t);
      return;
    }
    assert.equal(code, 'ok');
    const m = parseManifest(data);
    assert.deepEqual(m, value, 'unknown properties are kept as they are');
    // what a restore, verify, fetch/status and LFS include lists use
    if ('objects' in c) assert.deepEqual(manifestObjectIds(m), c.objects);
    assert.deepEqual(parseManifest(serializeManifest(m)), m, 'and survive being written again');
  },

  async 'gc-live-sets'(doc, c, dir) {
    const store = await openStore(path.join(dir, '.xetcache'));
    for (const oid of c.objects) writeFile(store.objectPath(oid), 'x');
    for (const m of c.manifests)
      writeFile(store.manifestPath(ss.caseKey(doc, m)), ss.manifestBytes(doc, m));
    assert.deepEqual([...(await markLive(store.dir)).live].sort(), [...c.live].sort());
    await store.gc({ graceMs: 0 });
    const kept = (c.objects as string[]).filter(o => fs.existsSync(store.objectPath(o))).sort();
    assert.deepEqual(kept, (c.objects as string[]).filter(o => c.live.includes(o)).sort());
  },

  'canonical-json'(_doc, c) {
    assert.equal(canonicalJson(c.value, c.indent) + (c.indent ? '\n' : ''), c.text);
  },

  'hit-lines'(_doc, c) {
    const hit = { ...c.hit, saved_s: ss.num(c.hit.saved_s) };
    if (c.refused)
      assert.equal(
        codeOf(() => formatHitLine(hit)),
        'EBADREQUEST'
      );
    else assert.equal(formatHitLine(hit).toString('utf8'), c.line);
  },

  keys(_doc, c) {
    // Only the engine makes keys; recomputing them here proves the encoding is fully specified.
    const pairs = Object.entries(c.inputs as Record<string, string>).sort((a, b) =>
      byCodePoint(a[0], b[0])
    );
    const doc = ['xetcache-key', 1, c.kind, c.language, c.code, pairs];
    const text = JSON.stringify([...doc, [...c.outputs].sort(byCodePoint), c.namespace]);
    assert.equal(text, c.canonical);
    assert.equal(createHash('sha256').update(text, 'utf8').digest('hex'), c.key);
  },

  'cell-specs'(_doc, c) {
    assert.equal(schemaValidator('cell-spec')(c.spec), c.valid);
  },

  'run-events'(_doc, c) {
    const v = schemaValidator('run-event');
    assert.equal(v(c.event), c.valid, JSON.stringify(v.errors));
  },

  'unsafe-files': (_doc, c, dir) => runUnsafe(c, dir),

  chunking(_doc, c) {
    // Only the engine cuts; here: the listed chunks are the input's bytes, in order, and the id is theirs.
    const data = ss.chunkInput(c.input);
    let pos = 0;
    for (const [oid, n] of c.chunks as [string, number][]) {
      assert.equal(
        createHash('sha256')
          .update(data.subarray(pos, pos + n))
          .digest('hex'),
        oid
      );
      pos += n;
    }
    assert.equal(pos, data.length);
    assert.equal(chunkId(c.chunks), c.id);
  }
};

test('every vector file has a kind with a TypeScript runner', () => {
  const files = ss.vectorFiles();
  assert.ok(files.length > 0, 'no vector files found');
  for (const f of files) {
    const kind = ss.loadVectors(f).kind;
    assert.ok(kind in RUNNERS, `${path.basename(f)}: no TypeScript runner for kind ${kind}`);
  }
});

for (const file of ss.vectorFiles()) {
  const doc = ss.loadVectors(file);
  for (const c of doc.cases as Json[]) {
    test(`${path.basename(file, '.json')}: ${c.name}`, async t => {
      const runner = RUNNERS[doc.kind];
      assert.ok(runner, `no runner for kind ${doc.kind}`);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xetcache-spec-'));
      t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
      await ss.noHang(dir, async () => runner(doc, c, dir, t));
    });
  }
}
