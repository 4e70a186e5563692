import { test } from 'node:test';
import assert from 'node:assert/strict';
import { notebookInStore, storeForNotebook } from '../src/storepath';

test('store beside the notebook', () => {
  assert.equal(storeForNotebook('work/a.ipynb', '.xetcache'), 'work/.xetcache');
  assert.equal(storeForNotebook('a.ipynb', '.xetcache'), '.xetcache');
  assert.equal(storeForNotebook('work/sub/a.ipynb', '../.xetcache'), 'work/.xetcache');
  assert.equal(storeForNotebook('a.ipynb', './cache/'), 'cache');
});

test('notebook named relative to the store parent', () => {
  assert.equal(notebookInStore('work/a.ipynb', 'work/.xetcache'), 'a.ipynb');
  assert.equal(notebookInStore('a.ipynb', '.xetcache'), 'a.ipynb');
  assert.equal(notebookInStore('work/sub/a.ipynb', 'work/.xetcache'), 'sub/a.ipynb');
  assert.equal(notebookInStore('work/a.ipynb', 'other/.xetcache'), '../work/a.ipynb');
});
