import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buildCode, buildSpec } from '../src/spec';

test('spec carries the source hash and nulls for "infer"', () => {
  const source = 'import time\ntime.sleep(5)\nx = 42\n';
  const spec = buildSpec('c1', 'a.ipynb', source, { enabled: true });
  assert.deepEqual(spec, {
    cell_id: 'c1',
    notebook: 'a.ipynb',
    code_sha256: createHash('sha256').update(source).digest('hex'),
    inputs: null,
    outputs: null,
    always: null,
    key: null
  });
  const full = buildSpec('c1', null, source, {
    enabled: true,
    inputs: ['a'],
    outputs: ['x'],
    always: true,
    key: 'v2'
  });
  assert.deepEqual(
    [full.inputs, full.outputs, full.always, full.key, full.notebook],
    [['a'], ['x'], true, 'v2', null]
  );
});

test('code = magic line with one-line JSON, then the source unchanged', () => {
  const source = 'x = 1\nprint(x)';
  const spec = buildSpec('c1', 'a.ipynb', source, { enabled: true, key: 'line\nbreak' });
  const code = buildCode(spec, source);
  const nl = code.indexOf('\n');
  const first = code.slice(0, nl);
  assert.ok(first.startsWith('%%xetcache_cell {'));
  assert.deepEqual(JSON.parse(first.slice('%%xetcache_cell '.length)), spec);
  assert.equal(code.slice(nl + 1), source);
});
