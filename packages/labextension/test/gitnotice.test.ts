import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GitNotices, type IGitStatus, noticeOf, noticeText } from '../src/gitnotice';
import { unavailable } from '../src/request';

const MISSING: IGitStatus = {
  in_repo: true,
  lfs_available: true,
  lfs_configured: false,
  message: 'Git LFS is installed but not set up for your user.',
  fix: 'git lfs install'
};
const READY: IGitStatus = {
  in_repo: true,
  lfs_available: true,
  lfs_configured: true,
  message: null,
  fix: null
};
const NO_REPO: IGitStatus = {
  in_repo: false,
  lfs_available: true,
  lfs_configured: false,
  message: null,
  fix: null
};

function setup(answers: Record<string, IGitStatus | Error>, up = true) {
  const said: string[] = [];
  const reported: unknown[] = [];
  const asked: string[] = [];
  const state = { up };
  const notices = new GitNotices({
    available: async () => state.up,
    report: e => reported.push(e),
    notify: t => said.push(t),
    fetch: async store => {
      asked.push(store);
      const a = answers[store];
      if (a instanceof Error) {
        throw a;
      }
      return a;
    }
  });
  return { notices, said, reported, asked, state };
}

test('noticeOf: only a repository with a message needs a notice', () => {
  assert.deepEqual(noticeOf(MISSING), { message: MISSING.message, fix: 'git lfs install' });
  assert.equal(noticeOf(READY), null);
  assert.equal(noticeOf({ ...NO_REPO, message: 'ignored outside a repository' }), null);
  assert.equal(noticeOf(null as unknown as IGitStatus), null);
  // The fix comes first: JupyterLab cuts a notification at 140 characters.
  assert.ok(noticeText(noticeOf(MISSING)!).indexOf('git lfs install') < 140);
  assert.ok(noticeText(noticeOf(MISSING)!).includes(MISSING.message!));
});

test('a store missing LFS is notified once, however often it is looked at', async () => {
  const { notices, said, asked } = setup({ 'a/.xetcache': MISSING });
  const changed: string[] = [];
  notices.changed.connect((_, s) => changed.push(s));
  const [first, second] = await Promise.all([
    notices.check('a/.xetcache'),
    notices.check('a/.xetcache')
  ]);
  await notices.check('a/.xetcache');
  assert.deepEqual(first, { message: MISSING.message, fix: 'git lfs install' });
  assert.deepEqual(second, first);
  assert.deepEqual(asked, ['a/.xetcache']);
  assert.equal(said.length, 1);
  assert.match(said[0], /git lfs install/);
  assert.deepEqual(changed, ['a/.xetcache']);
  assert.deepEqual(notices.get('a/.xetcache'), first);
});

test('each store is asked on its own; ready or outside a repository says nothing', async () => {
  const { notices, said } = setup({ ok: READY, out: NO_REPO, bad: MISSING });
  assert.equal(await notices.check('ok'), 'ok');
  assert.equal(await notices.check('out'), 'ok');
  assert.equal(notices.get('never-asked'), 'unknown');
  await notices.check('bad');
  assert.equal(said.length, 1);
});

test('no request while the server is down; the next look after it came up asks', async () => {
  const { notices, asked, state } = setup({ s: MISSING }, false);
  assert.equal(await notices.check('s'), 'unknown');
  assert.deepEqual(asked, []);
  state.up = true;
  assert.notEqual(await notices.check('s'), 'unknown');
  assert.deepEqual(asked, ['s']);
});

test('a failed request goes to the server monitor and is not remembered', async () => {
  const err = unavailable(502, 'HTTP 502');
  const answers: Record<string, IGitStatus | Error> = { s: err };
  const { notices, reported, said } = setup(answers);
  assert.equal(await notices.check('s'), 'unknown');
  assert.deepEqual(reported, [err]);
  answers.s = MISSING;
  await notices.check('s');
  assert.equal(said.length, 1);
});
