import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateManifest } from '../src/validate';
import { isXetCacheError } from '../src/errors';
import { makeManifest, sha256 } from './helpers';

const KEY = sha256('key');
const OID = sha256('obj');

function badCode(value: unknown): string | undefined {
  try {
    validateManifest(value);
    return undefined;
  } catch (e) {
    return isXetCacheError(e) ? e.code : 'not ours';
  }
}

test('a complete manifest validates and comes back typed', () => {
  const m = makeManifest(KEY, [OID, sha256('out')]);
  assert.equal(validateManifest(m).key, KEY);
  assert.equal(
    validateManifest(makeManifest(KEY, [OID], { kind: 'function', outputs: null })).kind,
    'function'
  );
});

test('an unknown field (a newer minor) is accepted and kept; a newer major is refused', () => {
  const m = validateManifest({ ...makeManifest(KEY, [OID]), extra: { note: 1 } });
  assert.deepEqual(m.extra, { note: 1 });
  assert.equal(badCode({ ...makeManifest(KEY, [OID]), format: 2 }), 'EBADMANIFEST');
});

test('schema violations are EBADMANIFEST with a list of errors', () => {
  const cases: unknown[] = [
    null,
    [],
    { ...makeManifest(KEY, [OID]), format: 2 },
    { ...makeManifest(KEY, [OID]), key: 'not-hex' },
    { ...makeManifest(KEY, [OID]), kind: 'notebook' },
    { ...makeManifest(KEY, [OID]), created: 'yesterday' },
    { ...makeManifest(KEY, [OID]), runtime_s: -1 },
    {
      ...makeManifest(KEY, [OID]),
      variables: { x: { objects: [], bytes: 1, codec: 'pickle5', type: 't' } }
    },
    { ...makeManifest(KEY, [OID]), outputs: { object: 'zz', bytes: 1, count: 1 } }
  ];
  for (const c of cases) assert.equal(badCode(c), 'EBADMANIFEST', JSON.stringify(c));
  try {
    validateManifest({});
  } catch (e) {
    assert.ok(isXetCacheError(e) && Array.isArray(e.details?.errors));
  }
});
