import assert from 'node:assert/strict';
import { test } from 'node:test';
import { includeArgs, includePattern } from '../../src/git/include';

test('glob and separator characters become single-character wildcards', () => {
  assert.equal(includePattern('a,b/c*d/e?f/[x]/g\\h'), 'a?b/c?d/e?f/?x?/g?h');
  assert.equal(includePattern('!neg/x'), '?neg/x');
  assert.equal(includePattern('#c/x'), '?c/x');
  assert.equal(includePattern('plain dir/x'), 'plain dir/x');
});

test('patterns are joined with commas and split only when an argument would be too long', () => {
  assert.deepEqual(includeArgs(['a', 'b']), ['a,b']);
  assert.deepEqual(includeArgs(['a'.repeat(20), 'b'.repeat(20), 'c'.repeat(20)], 50), [
    'a'.repeat(20) + ',' + 'b'.repeat(20),
    'c'.repeat(20)
  ]);
  assert.deepEqual(includeArgs([]), []);
});
