import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  GITATTRIBUTES_CONTENT,
  GITIGNORE_CONTENT,
  STORE_FILE_CONTENT,
  manifestPath,
  objectPath
} from '../src/layout';
import { XetCacheError } from '../src/errors';

const OID = 'ab'.repeat(32);

test('fixed files are exactly as in CONTRACT.md', () => {
  assert.equal(STORE_FILE_CONTENT, 'xetcache-store 1\n');
  assert.equal(GITATTRIBUTES_CONTENT, 'objects/** filter=lfs diff=lfs merge=lfs -text\n');
  assert.equal(GITIGNORE_CONTENT, 'index.sqlite*\ntmp/\nhits.jsonl\nquarantine/\n');
});

test('paths fan out by the first two hex digits', () => {
  assert.equal(objectPath('/s', OID), path.join('/s', 'objects', 'sha256', 'ab', OID));
  assert.equal(manifestPath('/s', OID), path.join('/s', 'entries', 'ab', `${OID}.json`));
});

test('ids that could escape the store are refused with EBADREQUEST', () => {
  for (const bad of ['../../etc/passwd', 'AB'.repeat(32), 'ab', `${OID}/..`]) {
    assert.throws(
      () => objectPath('/s', bad),
      (e: unknown) => e instanceof XetCacheError && e.code === 'EBADREQUEST'
    );
    assert.throws(
      () => manifestPath('/s', bad),
      (e: unknown) => e instanceof XetCacheError && e.code === 'EBADREQUEST'
    );
  }
});
