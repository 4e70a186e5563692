import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINE_SOURCES } from '../src/engine/sources.generated';
import {
  base64ToUtf8,
  buildLoadCode,
  buildSettingsCode,
  parseLoadResult,
  parseStoreExists,
  RESULT_EXPRESSION,
  STORE_EXPRESSION,
  utf8ToBase64
} from '../src/engine/inject';

// The load code runs in a real Python; the result is read back the way a kernel's
// user_expressions would return it (repr of the expression's value).
const PY = process.env.PYTHON ?? '/work/main/.venv/bin/python';
// `-S` + the venv's site-packages on PYTHONPATH: IPython importable, but no .pth files run, so an
// editable install of xetcache in the venv cannot shadow the bundled copy these tests load.
const SITE = execFileSync(PY, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'])
  .toString()
  .trim();
const settings = { threshold_s: 3, always: false, cache_dir: '.xetcache', max_bytes: null };
const fakeEngine = {
  '__init__.py': '',
  'ipython/__init__.py': '',
  'ipython/jupyter.py':
    'import json\nSEEN = []\ndef activate(s):\n    SEEN.append(json.loads(s))\n    return {"version": "9.9-é"}\n',
  // a path that would leave the temp dir is never written
  '../escape.py': 'raise SystemExit("written outside")\n'
};

function runPython(
  code: string,
  env: Record<string, string> = {},
  expression = RESULT_EXPRESSION
): { status: string; data: Record<string, string> } {
  const script = `${code}\nprint(repr(${expression}))\n`;
  const dir = mkdtempSync(join(tmpdir(), 'xc-inject-'));
  try {
    writeFileSync(join(dir, 'boot.py'), script);
    const out = execFileSync(PY, ['-S', join(dir, 'boot.py')], {
      cwd: dir,
      env: { ...process.env, PYTHONPATH: SITE, ...env }
    }).toString();
    return { status: 'ok', data: { 'text/plain': out.split('\n')[0] } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('base64 round trip of non-ASCII', () => {
  const s = 'données 数据 🚀';
  assert.equal(base64ToUtf8(utf8ToBase64(s)), s);
});

test('bundled sources load when xetcache is not installed, and get the kernel settings (byte budget too)', () => {
  const code = buildLoadCode(fakeEngine, { ...settings, max_bytes: 1000 });
  const r = parseLoadResult(
    runPython(
      `${code}\nimport xetcache.ipython.jupyter as j\nassert j.SEEN[-1] == {"threshold_s": 3, "always": False, "cache_dir": ".xetcache", "max_bytes": 1000}, j.SEEN`
    )
  );
  assert.deepEqual(r, {
    ok: true,
    origin: 'bundled',
    version: '9.9-é',
    error: undefined,
    refused: []
  });
});

test('the real engine (packages/python) loads from the bundle and activates', () => {
  const r = parseLoadResult(runPython(buildLoadCode(ENGINE_SOURCES, settings)));
  assert.equal(r.error, undefined);
  assert.equal(r.origin, 'bundled');
});

test("the store expression says whether the kernel's store exists, after the engine's settings", () => {
  const load = buildLoadCode(ENGINE_SOURCES, { ...settings, cache_dir: 'here/.xetcache' });
  assert.equal(parseStoreExists(runPython(load, {}, STORE_EXPRESSION)), false);
  const made = `${load}\nimport os\nos.makedirs('here/.xetcache')\nopen('here/.xetcache/STORE', 'w').write('xetcache-store 1\\n')`;
  assert.equal(parseStoreExists(runPython(made, {}, STORE_EXPRESSION)), true);
  // Not evaluated (engine missing): unknown, and the UI asks the server as before.
  assert.equal(parseStoreExists({ status: 'error', ename: 'ModuleNotFoundError' }), null);
});

test('an installed xetcache wins over the bundled copy', () => {
  const site = mkdtempSync(join(tmpdir(), 'xc-site-'));
  try {
    mkdirSync(join(site, 'xetcache'));
    writeFileSync(join(site, 'xetcache', '__init__.py'), '');
    mkdirSync(join(site, 'xetcache', 'ipython'));
    writeFileSync(join(site, 'xetcache', 'ipython', '__init__.py'), '');
    writeFileSync(
      join(site, 'xetcache', 'ipython', 'jupyter.py'),
      'def activate(s):\n    return {"version": "installed-1"}\n'
    );
    const r = parseLoadResult(
      runPython(buildLoadCode(fakeEngine, settings), { PYTHONPATH: `${site}:${SITE}` })
    );
    assert.equal(r.origin, 'installed');
    assert.equal(r.version, 'installed-1');
  } finally {
    rmSync(site, { recursive: true, force: true });
  }
});

test('a broken engine reports an error instead of raising', () => {
  const broken = {
    '__init__.py': '',
    'ipython/__init__.py': '',
    'ipython/jupyter.py': 'def activate(s):\n    raise ValueError("bad settings")\n'
  };
  const r = parseLoadResult(runPython(buildLoadCode(broken, settings)));
  assert.equal(r.ok, false);
  assert.match(r.error ?? '', /ValueError: bad settings/);
  const none = parseLoadResult(runPython(buildLoadCode({}, settings)));
  assert.equal(none.ok, false);
  assert.match(none.error ?? '', /ModuleNotFoundError/);
});

test('settings code runs against a loaded engine', () => {
  const code =
    buildLoadCode(fakeEngine, settings) + buildSettingsCode({ ...settings, threshold_s: 10 });
  const dir = mkdtempSync(join(tmpdir(), 'xc-set-'));
  try {
    writeFileSync(
      join(dir, 'b.py'),
      `${code}\nimport xetcache.ipython.jupyter as j\nprint(j.SEEN[-1]["threshold_s"])\n`
    );
    const out = execFileSync(PY, ['-S', join(dir, 'b.py')], {
      cwd: dir,
      env: { ...process.env, PYTHONPATH: SITE }
    });
    assert.equal(out.toString().trim(), '10');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unexpected expression results are errors, not exceptions', () => {
  assert.equal(parseLoadResult(undefined).ok, false);
  assert.match(
    parseLoadResult({ status: 'error', ename: 'NameError', evalue: 'x' }).error ?? '',
    /NameError/
  );
  assert.equal(parseLoadResult({ status: 'ok', data: { 'text/plain': '42' } }).ok, false);
});

test('the real engine applies what is pushed, byte budget included, on load and on change', () => {
  const custom = { threshold_s: 0.5, always: true, cache_dir: 'my-cache', max_bytes: 1000 };
  const code =
    buildLoadCode(ENGINE_SOURCES, custom) +
    `import base64, json\nfrom xetcache import config\n` +
    `assert json.loads(base64.b64decode(${RESULT_EXPRESSION}))["ok"], base64.b64decode(${RESULT_EXPRESSION})\n` +
    `print(config.get_runtime_threshold(), config.get_always_default(), config.get_byte_budget())\n` +
    buildSettingsCode({ ...custom, threshold_s: 7, always: false, max_bytes: 5 }) +
    `print(config.get_runtime_threshold(), config.get_always_default(), config.get_byte_budget())\n`;
  const dir = mkdtempSync(join(tmpdir(), 'xc-real-'));
  try {
    writeFileSync(join(dir, 'b.py'), code);
    const out = execFileSync(PY, ['-S', join(dir, 'b.py')], {
      cwd: dir,
      env: { ...process.env, PYTHONPATH: SITE }
    });
    assert.deepEqual(out.toString().trim().split('\n'), ['0.5 True 1000', '7.0 False 5']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a refused setting comes back (load and push) while the others are applied', () => {
  const bad = { threshold_s: 0.5, always: true, cache_dir: 'c', max_bytes: -5 };
  const load = parseLoadResult(runPython(buildLoadCode(ENGINE_SOURCES, bad)));
  assert.equal(load.ok, true, load.error);
  assert.deepEqual(
    load.refused?.map(x => [x.key, x.code]),
    [['max_bytes', 'EBADSETTINGS']]
  );
  const push = parseLoadResult(
    runPython(
      buildLoadCode(ENGINE_SOURCES, settings) +
        buildSettingsCode({ ...bad, threshold_s: -1, max_bytes: 10 }) +
        `from xetcache import config\nassert config.get_byte_budget() == 10, config.get_byte_budget()\n`
    )
  );
  assert.equal(push.ok, true, push.error);
  assert.deepEqual(
    push.refused?.map(x => x.key),
    ['threshold_s']
  );
});
