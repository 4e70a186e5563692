import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ITimers, ServerMonitor } from '../src/servermonitor';
import { type IServerStatus, unavailable, XetCacheRequestError } from '../src/request';

// A hand-driven clock: the backoff is checked by the delays the monitor asks for, not by waiting.
class FakeTimers implements ITimers {
  pending: { fn: () => void; ms: number; id: number }[] = [];
  private _id = 0;
  set(fn: () => void, ms: number): unknown {
    const id = ++this._id;
    this.pending.push({ fn, ms, id });
    return id;
  }
  clear(handle: unknown): void {
    this.pending = this.pending.filter(p => p.id !== handle);
  }
  /** Fires the scheduled retry (there is at most one) and lets its check settle. */
  async fire(): Promise<number> {
    assert.equal(this.pending.length, 1, 'exactly one retry scheduled');
    const p = this.pending.shift()!;
    p.fn();
    await new Promise(resolve => setImmediate(resolve));
    return p.ms;
  }
}

const OK: IServerStatus = { name: 'xetcache-server', version: '0.1.0', api: 1 };

function setup(): {
  m: ServerMonitor;
  timers: FakeTimers;
  said: string[];
  calls: () => number;
  setFail: (e: Error | null) => void;
} {
  const said: string[] = [];
  const timers = new FakeTimers();
  let fail: Error | null = unavailable(500, 'HTTP 500 from /xetcache/api/status');
  let calls = 0;
  const m = new ServerMonitor(
    s => said.push(s),
    async () => {
      calls++;
      if (fail) {
        throw fail;
      }
      return OK;
    },
    { firstMs: 5000, maxMs: 120000 },
    timers
  );
  return { m, timers, said, calls: () => calls, setFail: e => (fail = e) };
}

test('a server that does not start is asked once, then only on the backoff (5 s doubling to 2 min)', async () => {
  const { m, timers, said, calls } = setup();
  assert.equal(await m.available(), false);
  assert.equal(calls(), 1);
  // Every caller (badges of each notebook, the sidebar's poll) now gets false without a request.
  for (let i = 0; i < 20; i++) {
    assert.equal(await m.available(), false);
  }
  assert.equal(calls(), 1);
  const delays: number[] = [];
  for (let i = 0; i < 8; i++) {
    delays.push(await timers.fire());
  }
  assert.deepEqual(delays, [5000, 10000, 20000, 40000, 80000, 120000, 120000, 120000]);
  assert.equal(calls(), 9);
  assert.equal(said.length, 1, 'announced once');
  assert.equal(m.state, 'down');
  assert.match(m.problem ?? '', /did not start/);
});

test('concurrent first callers share one status request', async () => {
  const { m, calls } = setup();
  const answers = await Promise.all([m.available(), m.available(), m.available()]);
  assert.deepEqual(answers, [false, false, false]);
  assert.equal(calls(), 1);
});

test('a manual retry asks at once; recovery clears the problem, stops retrying and emits null', async () => {
  const { m, timers, calls, setFail } = setup();
  const seen: (string | null)[] = [];
  m.changed.connect((_, p) => seen.push(p));
  await m.available();
  assert.equal(await m.retryNow(), false);
  assert.equal(calls(), 2);
  assert.equal(timers.pending.length, 1, 'still one retry scheduled, not two');
  assert.equal(m.nextRetryMs, 10000, 'the backoff keeps growing across manual retries');
  setFail(null);
  assert.equal(await m.retryNow(), true);
  assert.equal(m.state, 'ok');
  assert.equal(m.problem, null);
  assert.equal(timers.pending.length, 0);
  assert.equal(seen.at(-1), null);
  // Up: no more status requests.
  assert.equal(await m.available(), true);
  assert.equal(calls(), 3);
});

test('a server that dies later is reported by a failed request; other errors are not a server problem', async () => {
  const { m, timers, said, calls, setFail } = setup();
  setFail(null);
  assert.equal(await m.available(), true);
  m.report(new XetCacheRequestError('ENOTFOUND', 'no entry', 404));
  assert.equal(m.state, 'ok');
  m.report(unavailable(502, 'HTTP 502 from /xetcache/api/entries'));
  m.report(unavailable(502, 'HTTP 502 from /xetcache/api/entries'));
  assert.equal(m.state, 'down');
  assert.equal(said.length, 1);
  assert.equal(timers.pending.length, 1);
  assert.equal(await m.available(), false);
  assert.equal(calls(), 1);
  await timers.fire();
  assert.equal(m.state, 'ok', 'the backoff retry found it up again');
  assert.equal(m.nextRetryMs, null);
});

test('after recovery the backoff starts again from the first delay', async () => {
  const { m, timers, setFail } = setup();
  await m.available();
  await timers.fire();
  await timers.fire();
  setFail(null);
  await timers.fire();
  assert.equal(m.state, 'ok');
  m.report(unavailable(404, 'HTTP 404'));
  assert.equal(m.nextRetryMs, 5000);
});

test('dispose stops the retries', async () => {
  const { m, timers } = setup();
  await m.available();
  m.dispose();
  assert.equal(timers.pending.length, 0);
});
