import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  type INotifier,
  type NotificationKind,
  NoticeBoard,
  parseNotice
} from '../src/engine/notices';

/** Notifications as JupyterLab's manager keeps them: by id, updatable until dismissed. */
class Notifications implements INotifier {
  shown = new Map<string, { text: string; kind: NotificationKind; autoClose: number | false }>();
  emitted = 0;
  emit(text: string, kind: NotificationKind, autoClose: number | false): string {
    const id = `n${++this.emitted}`;
    this.shown.set(id, { text, kind, autoClose });
    return id;
  }
  update(id: string, text: string, kind: NotificationKind, autoClose: number | false): boolean {
    if (!this.shown.has(id)) {
      return false;
    }
    this.shown.set(id, { text, kind, autoClose });
    return true;
  }
}

test('notices are read from comm data; run events and junk are not notices', () => {
  assert.deepEqual(
    parseNotice({
      type: 'notice',
      text: 'xetcache: fetching',
      state: 'progress',
      transfer: 'lfs-1'
    }),
    { text: 'xetcache: fetching', state: 'progress', transfer: 'lfs-1' }
  );
  // An older engine sends only the text.
  assert.deepEqual(parseNotice({ type: 'notice', text: 'hello' }), {
    text: 'hello',
    state: 'info',
    transfer: null
  });
  assert.equal(parseNotice({ type: 'notice', text: 'x', state: 'weird' })?.state, 'info');
  for (const junk of [
    null,
    'notice',
    {},
    { type: 'notice' },
    { type: 'notice', text: '' },
    { state: 'hit' }
  ]) {
    assert.equal(parseNotice(junk), null, JSON.stringify(junk));
  }
});

test('one notification per transfer: fetching… is updated to fetched, not stacked', () => {
  const n = new Notifications();
  const board = new NoticeBoard(n);
  board.show({ text: 'fetching 2 objects (8 MiB)', state: 'progress', transfer: 'lfs-1' });
  board.show({ text: 'fetching 2 objects (4 of 8 MiB)', state: 'progress', transfer: 'lfs-1' });
  board.show({ text: 'fetched 8 MiB in 1.2 s', state: 'done', transfer: 'lfs-1' });
  assert.equal(n.emitted, 1);
  assert.deepEqual(
    [...n.shown.values()],
    [{ text: 'fetched 8 MiB in 1.2 s', kind: 'success', autoClose: 5000 }]
  );
  assert.equal(board.openTransfers, 0);
});

test('transfers at once keep their own notifications; a failed one ends as a warning', () => {
  const n = new Notifications();
  const board = new NoticeBoard(n);
  board.show({ text: 'a…', state: 'progress', transfer: 'lfs-1' });
  board.show({ text: 'b…', state: 'progress', transfer: 'remote-2' });
  assert.equal(n.shown.get('n1')?.autoClose, false); // stays while it runs
  board.show({ text: 'b: not fetched', state: 'error', transfer: 'remote-2' });
  board.show({ text: 'a: fetched', state: 'done', transfer: 'lfs-1' });
  assert.equal(n.emitted, 2);
  assert.deepEqual(n.shown.get('n1'), { text: 'a: fetched', kind: 'success', autoClose: 5000 });
  assert.deepEqual(n.shown.get('n2'), {
    text: 'b: not fetched',
    kind: 'warning',
    autoClose: 20000
  });
});

test('a dismissed progress notification is shown again when its transfer ends; lone lines each get one', () => {
  const n = new Notifications();
  const board = new NoticeBoard(n);
  board.show({ text: 'fetching', state: 'progress', transfer: 't' });
  n.shown.delete('n1'); // the user closed it
  board.show({ text: 'fetched', state: 'done', transfer: 't' });
  assert.deepEqual(
    [...n.shown.values()].map(s => s.text),
    ['fetched']
  );
  board.show({ text: 'one', state: 'info', transfer: null });
  board.show({ text: 'two', state: 'info', transfer: null });
  assert.equal(n.emitted, 4);
  assert.equal(board.openTransfers, 0);
});
