// The README ("Using it") is what users read: the badge names and the options dialog's fields
// must say the same words, so a renamed badge or field fails here until the README follows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nullTranslator } from '@jupyterlab/translation';
import { badgeFromEntries, badgeFromEvent, runningBadge } from '../src/badgestate';
import { parseRunEvent } from '../src/events';
import { optionLabels } from '../src/metadata';

const trans = nullTranslator.load('xetcache');
const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
const usingIt = readme
  .slice(readme.indexOf('**In JupyterLab**'), readme.indexOf('**The original API**'))
  .replace(/\s+/g, ' '); // the paragraph wraps at any space

test('every badge label is a state named in the README', () => {
  const labels = new Set<string>([
    runningBadge(trans).label,
    badgeFromEntries([], 'c', trans).label
  ]);
  for (const state of ['hit', 'stored', 'skipped', 'declined', 'error']) {
    const ev = parseRunEvent({ type: 'run', state, code_sha256: 'c' });
    assert.ok(ev);
    labels.add(badgeFromEvent(ev, trans).label.split(' · ')[0]);
  }
  for (const label of labels) {
    assert.ok(usingIt.includes(`\`${label}\``), `README names the badge "${label}"`);
  }
});

test("the options dialog's fields use the README's words", () => {
  for (const label of Object.values(optionLabels(trans))) {
    // "Inputs (names the cell reads)" ↔ README "Inputs (names the cell reads)", case aside.
    assert.ok(usingIt.toLowerCase().includes(label.toLowerCase()), `README says "${label}"`);
  }
});
