import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isCachingEnabled,
  isXetmemoSource,
  parseNames,
  readCellConfig,
  toggledConfig
} from '../src/metadata';

test('reads leniently', () => {
  assert.equal(readCellConfig(undefined), null);
  assert.equal(readCellConfig('yes'), null);
  assert.equal(readCellConfig([1]), null);
  assert.deepEqual(readCellConfig({ enabled: 'true', inputs: [1], key: '' }), { enabled: false });
  assert.deepEqual(
    readCellConfig({ enabled: true, inputs: ['a'], outputs: ['b'], always: false, key: 'k' }),
    {
      enabled: true,
      inputs: ['a'],
      outputs: ['b'],
      always: false,
      key: 'k'
    }
  );
  assert.equal(isCachingEnabled({ enabled: true }), true);
  assert.equal(isCachingEnabled(null), false);
});

test('toggling keeps options and drops an empty record', () => {
  assert.deepEqual(toggledConfig(undefined, true), { enabled: true });
  assert.equal(toggledConfig({ enabled: true }, false), null);
  assert.deepEqual(toggledConfig({ enabled: true, inputs: ['a'] }, false), {
    enabled: false,
    inputs: ['a']
  });
  assert.deepEqual(toggledConfig({ enabled: false, inputs: ['a'] }, true), {
    enabled: true,
    inputs: ['a']
  });
});

test('names and magic detection', () => {
  assert.deepEqual(parseNames(' a, b  c,'), ['a', 'b', 'c']);
  assert.equal(parseNames('  '), undefined);
  assert.equal(isXetmemoSource('%%xetmemo input=a output=b\nb = a'), true);
  assert.equal(isXetmemoSource('\n  %%xetmemo\nx=1'), true);
  assert.equal(isXetmemoSource('%%xetmemory\n'), false);
  assert.equal(isXetmemoSource('x = 1  # %%xetmemo'), false);
});
