/**
 * The store is a contract with the Python engine: a manifest written here validates with Python's jsonschema
 * against the same schema file, and a store created by the Python engine opens and verifies here with
 * byte-identical fixed files. These FAIL (never skip) when the project venv is missing: a contract test that
 * silently does not run is how the two sides drifted apart before.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../src/store';
import { GITATTRIBUTES_CONTENT, GITIGNORE_CONTENT, STORE_FILE_CONTENT } from '../src/layout';
import { MANIFEST_SCHEMA_PATH } from '../src/validate';
import { makeManifest, sha256, tempStoreDir } from './helpers';

const REPO = path.join(__dirname, '..', '..', '..');
const PYTHON = path.join(REPO, '.venv', 'bin', 'python');
function python(code: string, args: string[]): string {
  assert.ok(
    existsSync(PYTHON),
    `${PYTHON} is missing: create the project venv (see README) to run this test`
  );
  return execFileSync(PYTHON, ['-c', code, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: path.join(REPO, 'packages', 'python') }
  });
}

test('a manifest written here validates with Python jsonschema against the same schema file', async t => {
  const store = await openStore(await tempStoreDir(t));
  const a = await store.writeObject(Buffer.from('v'));
  const key = sha256('interop');
  await store.writeManifest(makeManifest(key, [a.oid]));
  const out = python(
    [
      'import json, sys, jsonschema',
      'schema = json.load(open(sys.argv[1]))',
      'v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())',
      'errs = [e.message for e in v.iter_errors(json.load(open(sys.argv[2])))]',
      'bad = dict(json.load(open(sys.argv[2])), format=2)',
      'print(json.dumps({"errors": errs, "bad_rejected": not v.is_valid(bad)}))'
    ].join('\n'),
    [MANIFEST_SCHEMA_PATH, store.manifestPath(key)]
  );
  assert.deepEqual(JSON.parse(out), { errors: [], bad_rejected: true });
});

test('a store created by the Python engine opens and verifies here, fixed files byte-identical', async t => {
  const dir = await tempStoreDir(t);
  python(
    'import sys\nfrom xetcache.store import layout\nlayout.open_store(sys.argv[1], create=True)',
    [dir]
  );
  const store = await openStore(dir, { create: false });
  assert.equal(await fsp.readFile(path.join(dir, 'STORE'), 'utf8'), STORE_FILE_CONTENT);
  assert.equal(await fsp.readFile(path.join(dir, '.gitattributes'), 'utf8'), GITATTRIBUTES_CONTENT);
  assert.equal(await fsp.readFile(path.join(dir, '.gitignore'), 'utf8'), GITIGNORE_CONTENT);
  assert.deepEqual((await store.verify()).problems, []);
});
