"""The function API against what a call reads and changes besides its arguments (memo/effects.py): a hit must give
what running the body would, and leave the kernel as running it would, or the call runs.

Functions are defined by exec'ing code as a notebook cell would (module __main__), and report each real run
through an audit event (a witness the cache cannot see: no global, closure or file of theirs changes)."""

import random
import sys

import numpy as np
import pytest

from xetcache import config, xetmemo_always
from xetcache.store import cache as store_cache

RAN: list = []


def _witness(event, args):
    if event == "xetcache.test.ran":
        RAN.append(args[0])


sys.addaudithook(_witness)  # cannot be removed: it only counts this file's event


@pytest.fixture
def cell(tmp_path):
    """A namespace like a notebook's (__main__), with a fresh store; run(code) execs a cell into it."""
    config.reset()
    store_cache._stores.clear()
    config.set_memo_path(tmp_path / ".xetcache")
    RAN.clear()
    ns = {"__name__": "__main__", "xetmemo_always": xetmemo_always, "sys": sys}
    yield lambda code: exec(compile(code, "<cell>", "exec"), ns) or ns
    config.reset()
    store_cache._stores.clear()


def _stored(tmp_path):
    return sorted((tmp_path / ".xetcache" / "entries").rglob("*.json"))


def test_a_data_global_the_function_reads_is_an_input(cell):
    ns = cell("SCALE = 2\n@xetmemo_always\ndef f(x):\n    sys.audit('xetcache.test.ran', x)\n    return x * SCALE\n")
    assert ns["f"](3) == 6 and ns["f"](3) == 6 and RAN == [3]
    cell("SCALE = 3")
    assert ns["f"](3) == 9 and RAN == [3, 3]  # a call would give 9: not the stored 6


def test_a_global_read_by_a_helper_or_changed_in_place_is_an_input(cell):
    ns = cell("CFG = {'k': 1}\ndef helper():\n    return CFG['k']\n"
              "@xetmemo_always\ndef f(x):\n    sys.audit('xetcache.test.ran', x)\n    return x + helper()\n")
    assert ns["f"](1) == 2 and ns["f"](1) == 2 and RAN == [1]
    cell("CFG['k'] = 10")  # in place: the same dict object
    assert ns["f"](1) == 11 and RAN == [1, 1]


def test_a_generator_object_held_in_a_global_is_an_input_and_advancing_it_is_a_change(cell, capsys):
    ns = cell("import numpy as np\nrng = np.random.default_rng(0)\n"
              "@xetmemo_always\ndef draw(n):\n    sys.audit('xetcache.test.ran', n)\n    return rng.random(n)\n")
    a = ns["draw"](3)
    b = ns["draw"](3)  # an uncached call draws new numbers from the advanced generator
    assert not np.array_equal(a, b) and RAN == [3, 3]
    assert "global 'rng'" in capsys.readouterr().err


@pytest.mark.parametrize("body,names", [
    ("LOG.append(x)", ["LOG"]),
    ("global COUNT\n    COUNT += 1", ["COUNT"]),
    ("global FRESH\n    FRESH = x", ["FRESH"]),
    ("del TABLE['a']", ["TABLE"]),
    ("setattr(OBJ, 'seen', x)", ["OBJ"]),
])
def test_a_call_that_changes_a_global_is_returned_and_not_stored(cell, capsys, tmp_path, body, names):
    ns = cell("LOG = []\nCOUNT = 0\nTABLE = {'a': 1, 'b': 2}\nclass Obj:\n    pass\nOBJ = Obj()\n"
              f"@xetmemo_always\ndef f(x):\n    sys.audit('xetcache.test.ran', x)\n    {body}\n    return x + 1\n")
    assert ns["f"](1) == 2
    err = capsys.readouterr().err
    assert all(f"global '{n}'" in err for n in names), err
    assert _stored(tmp_path) == []
    if "TABLE" not in names:
        assert ns["f"](1) == 2 and RAN == [1, 1]  # runs again, changes again, as an uncached call
        assert names != ["LOG"] or ns["LOG"] == [1, 1]
        assert names != ["COUNT"] or ns["COUNT"] == 2


def test_a_memo_in_the_closure_or_a_default_is_a_change(cell, capsys, tmp_path):
    ns = cell("def make():\n    seen = {}\n    @xetmemo_always\n    def f(x):\n        seen[x] = True\n"
              "        return len(seen)\n    return f\nf = make()\n"
              "@xetmemo_always\ndef g(x, _memo={}):\n    _memo[x] = 1\n    return len(_memo)\n")
    assert ns["f"](1) == 1 and ns["g"](1) == 1
    err = capsys.readouterr().err
    assert "make.<locals>.f not stored: the call changed its own code, closure" in err
    assert "g not stored: the call changed its argument '_memo'" in err  # a default is bound as an argument
    assert _stored(tmp_path) == []


@pytest.mark.parametrize("body", ["x = np.random.rand(2)", "x = random.random()",
                                  "np.random.seed(1)\n    x = np.random.rand(2)"])
def test_a_call_that_draws_from_a_global_generator_is_not_stored(cell, capsys, tmp_path, body):
    ns = cell(f"import random\nimport numpy as np\n@xetmemo_always\ndef f(n):\n    {body}\n    return n\n")
    random.seed(5)
    np.random.seed(5)
    ns["f"](1)
    after_plain = (random.getstate(), np.random.get_state()[1].copy())
    assert _stored(tmp_path) == [] and ("random" in capsys.readouterr().err)
    random.seed(5)
    np.random.seed(5)
    ns["f"](1)  # runs again: the generators advance exactly as without the cache
    assert random.getstate() == after_plain[0] and np.array_equal(np.random.get_state()[1], after_plain[1])


def test_a_call_that_sets_a_style_or_an_option_is_not_stored(cell, capsys, tmp_path):
    pd = pytest.importorskip("pandas")
    ns = cell("import pandas as pd\n@xetmemo_always\ndef f(n):\n    pd.set_option('display.max_rows', n)\n"
              "    return n\n")
    old = pd.get_option("display.max_rows")
    try:
        ns["f"](7)
        assert "pandas.options" in capsys.readouterr().err and _stored(tmp_path) == []
    finally:
        pd.set_option("display.max_rows", old)


def test_a_global_without_a_fingerprint_runs_uncached_and_names_it(cell, capsys, tmp_path):
    ns = cell("import threading\nLOCK = threading.Lock()\n@xetmemo_always\ndef f(x):\n"
              "    sys.audit('xetcache.test.ran', x)\n    with LOCK:\n        return x\n")
    assert ns["f"](1) == 1 and ns["f"](1) == 1 and RAN == [1, 1]
    assert "global LOCK" in capsys.readouterr().err and _stored(tmp_path) == []


def test_a_call_that_only_reads_globals_is_stored_and_hits(cell, tmp_path):
    ns = cell("import numpy as np\nW = np.arange(4.0)\nNAMES = ['a', 'b']\nimport math\n"
              "def norm(v):\n    return math.sqrt(float(v @ v))\n"
              "@xetmemo_always\ndef f(k):\n    sys.audit('xetcache.test.ran', k)\n"
              "    return {NAMES[k]: norm(W * k), 'n': len(W)}\n")
    first = ns["f"](1)
    assert ns["f"](1) == first and RAN == [1] and len(_stored(tmp_path)) == 1
    cell("import random\nrandom.seed(3)\nW2 = W.copy()")  # unrelated state moves: still a hit
    assert ns["f"](1) == first and RAN == [1]


def test_a_file_the_function_reads_is_a_dependency_checked_on_every_lookup(cell, tmp_path, capsys):
    data = tmp_path / "data.csv"
    data.write_text("1,2,3")
    ns = cell("@xetmemo_always\ndef total(path):\n    sys.audit('xetcache.test.ran', path)\n"
              "    with open(path) as f:\n        return sum(int(v) for v in f.read().split(','))\n")
    assert ns["total"](str(data)) == 6 and ns["total"](str(data)) == 6 and len(RAN) == 1
    data.write_text("1,2,30")  # same path (the argument), other content: a call would read 33
    assert ns["total"](str(data)) == 33 and len(RAN) == 2
    assert "data.csv changed" in capsys.readouterr().err
    assert ns["total"](str(data)) == 33 and len(RAN) == 2  # the new content's result was stored


def test_an_environment_variable_the_function_reads_is_a_dependency(cell, monkeypatch):
    monkeypatch.setenv("XETCACHE_TEST_MODE", "a")
    ns = cell("import os\n@xetmemo_always\ndef mode(k):\n    sys.audit('xetcache.test.ran', k)\n"
              "    return os.environ.get('XETCACHE_TEST_MODE', '') * k\n")
    assert ns["mode"](2) == "aa" and ns["mode"](2) == "aa" and RAN == [2]
    monkeypatch.setenv("XETCACHE_TEST_MODE", "b")
    assert ns["mode"](2) == "bb" and RAN == [2, 2]


@pytest.mark.parametrize("body", [
    "open(p, 'w').write('x')",
    "open(p, 'a').write('x')",
    "import os\n    open(p, 'w').close()\n    os.remove(p)\n    os.mkdir(p + '.d')",
    "import pathlib\n    pathlib.Path(p).write_text('x')",
    "import subprocess\n    subprocess.run(['true'])",
])
def test_a_call_that_changes_files_or_runs_a_subprocess_is_not_stored(cell, tmp_path, capsys, body):
    ns = cell(f"@xetmemo_always\ndef f(p):\n    sys.audit('xetcache.test.ran', p)\n    {body}\n    return 1\n")
    p = str(tmp_path / "out.txt")
    assert ns["f"](p) == 1
    assert "not stored" in capsys.readouterr().err and _stored(tmp_path) == []
    if "mkdir" not in body:
        assert ns["f"](p) == 1 and len(RAN) == 2  # runs (and writes) again, as an uncached call


def test_inside_a_recorded_cell_the_call_s_files_are_the_cell_s(cell, tmp_path):
    """A cached cell calling a memoized function depends on what the function read, and declines for what it
    wrote, whether the call ran or hit."""
    from xetcache.cell import files

    data = tmp_path / "in.txt"
    data.write_text("5")
    out = tmp_path / "out.txt"
    ns = cell("@xetmemo_always\ndef read(p):\n    return open(p).read()\n"
              "@xetmemo_always\ndef write(p):\n    open(p, 'a').write('x')\n    return 0\n")
    for _ in range(2):  # a run, then a hit
        with files.FileRecorder(str(tmp_path / ".xetcache")) as rec:
            assert ns["read"](str(data)) == "5"
        assert str(data.resolve()) in rec.read_paths
    with files.FileRecorder(str(tmp_path / ".xetcache")) as rec:
        ns["write"](str(out))
    assert str(out.resolve()) in rec.writes


@pytest.mark.parametrize("ret", ["CONFIG", "CONFIG['model']", "TABLE[1:3]", "[CONFIG, 1]"])
def test_a_result_that_is_or_holds_a_global_is_not_stored(cell, capsys, tmp_path, ret):
    """A call returns the global object itself (or part of it): `f() is CONFIG`, and a change through the result
    shows in the global. A hit returns a copy, so neither would hold."""
    ns = cell("import numpy as np\nCONFIG = {'model': {'depth': 3}}\nTABLE = np.arange(6.0)\n"
              f"@xetmemo_always\ndef f():\n    return {ret}\n")
    ns["f"]()
    assert "not stored: it shares objects with its global" in capsys.readouterr().err and _stored(tmp_path) == []


def test_a_result_built_from_globals_is_stored(cell, tmp_path):
    ns = cell("import numpy as np\nCONFIG = {'model': {'depth': 3}}\nTABLE = np.arange(6.0)\n"
              "@xetmemo_always\ndef f():\n    return dict(CONFIG['model']), TABLE[1:3].copy(), TABLE.sum()\n")
    ns["f"]()
    assert len(_stored(tmp_path)) == 1


def test_a_global_function_rebound_by_the_call_is_a_change(cell, capsys, tmp_path):
    ns = cell("def helper():\n    return 1\ndef other():\n    return 2\n"
              "@xetmemo_always\ndef f():\n    global helper\n    v = helper()\n    helper = other\n    return v\n")
    assert ns["f"]() == 1
    assert _stored(tmp_path) == [] and "its own code" in capsys.readouterr().err
    assert ns["f"]() == 2  # an uncached call rebound helper: the next call sees other (and changes nothing now)


def test_a_second_process_with_another_global_value_misses(tmp_path):
    """The key holds the global's value, not its name: a fresh kernel with another SCALE does not hit."""
    import subprocess

    script = tmp_path / "s.py"
    script.write_text("import sys, xetcache\nxetcache.set_memo_path(sys.argv[1])\nSCALE = int(sys.argv[2])\n"
                      "@xetcache.xetmemo_always\ndef f(x):\n    return x * SCALE\nprint(f(7))\n")
    out = [subprocess.run([sys.executable, str(script), str(tmp_path / ".xetcache"), s], capture_output=True,
                          text=True, check=True).stdout.strip() for s in ("2", "3", "2")]
    assert out == ["14", "21", "14"] and len(_stored(tmp_path)) == 2


def test_a_user_module_s_attribute_is_an_input_and_setting_it_is_a_change(cell, tmp_path, capsys):
    from coreutil import TempModule

    mod = TempModule(tmp_path).write("SCALE = 2\nSEEN = []\n")
    try:
        cfg = mod.load()
        ns = cell(f"import {mod.name} as cfg\n@xetmemo_always\ndef f(x):\n    sys.audit('xetcache.test.ran', x)\n"
                  "    return x * cfg.SCALE\n@xetmemo_always\ndef g(x):\n    cfg.SEEN.append(x)\n    return x\n")
        assert ns["f"](3) == 6 and ns["f"](3) == 6 and RAN == [3]
        cfg.SCALE = 5  # set at run time: the module's file is unchanged
        assert ns["f"](3) == 15 and RAN == [3, 3]
        ns["g"](1)
        assert "g not stored" in capsys.readouterr().err
        assert ns["g"](1) == 1 and cfg.SEEN == [1, 1]
    finally:
        mod.unload()


@pytest.mark.parametrize("body", ["globals()['HIDDEN'] = x", "eval('x + 1')", "exec('y = 1')",
                                  "sys._getframe(1).f_globals['HIDDEN'] = x"])
def test_code_reaching_globals_without_naming_them_runs_uncached(cell, capsys, tmp_path, body):
    ns = cell(f"def helper(x):\n    {body}\n@xetmemo_always\ndef f(x):\n    sys.audit('xetcache.test.ran', x)\n"
              "    helper(x)\n    return x\n")
    assert ns["f"](1) == 1 and ns["f"](1) == 1 and RAN == [1, 1]
    err = capsys.readouterr().err
    assert "runs uncached" in err and "(in __main__.helper)" in err and _stored(tmp_path) == []


def test_a_call_that_leaves_a_thread_running_is_not_stored(cell, capsys, tmp_path):
    ns = cell("import threading, time\ndef loop():\n    time.sleep(0.5)\n"
              "@xetmemo_always\ndef f(x):\n    threading.Thread(target=loop, name='poller').start()\n    return x\n")
    assert ns["f"](1) == 1
    assert "it left poller running" in capsys.readouterr().err and _stored(tmp_path) == []


def test_a_global_that_breaks_the_key_never_breaks_the_call(cell, capsys, monkeypatch, tmp_path):
    from xetcache.memo import effects

    def broken(*a, **k):
        raise RuntimeError("a global the cache does not know")

    monkeypatch.setattr(effects, "_data_globals", broken)
    ns = cell("W = 2\n@xetmemo_always\ndef f(x):\n    return x * W\n")
    assert ns["f"](3) == 6
    assert "runs uncached: its key could not be made (RuntimeError" in capsys.readouterr().err


@pytest.mark.parametrize("body", ["os.environ['XETCACHE_TEST_SET'] = str(x)", "os.chdir(os.path.dirname(os.getcwd()))",
                                  "sys.path.append('/nonexistent-xetcache-test')"])
def test_a_call_that_sets_the_environment_the_folder_or_sys_path_is_not_stored(cell, capsys, tmp_path, body,
                                                                                 monkeypatch):
    monkeypatch.delenv("XETCACHE_TEST_SET", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    ns = cell(f"import os\n@xetmemo_always\ndef f(x):\n    {body}\n    return x\n")
    assert ns["f"](1) == 1
    assert "not stored" in capsys.readouterr().err and _stored(tmp_path) == []


@pytest.mark.parametrize("setup,body", [
    ("import codecs", "codecs.register(lambda name: None)"),
    ("", "import atexit\n    atexit.register(print, 'bye')"),
    ("import mimetypes as mt", "mt.add_type('text/x-mine', '.mine' + str(x))"),
    ("import copyreg\nclass P:\n    pass", "copyreg.pickle(P, lambda p: (P, ()))"),
    ("from numpy import seterrcall", "seterrcall(lambda *a: None)"),
    ("import codecs\ndef helper():\n    codecs.register(lambda name: None)", "helper()"),
])
def test_a_call_that_registers_with_the_interpreter_or_a_library_is_not_stored(cell, capsys, tmp_path, setup, body):
    """A codec, an exit handler, a MIME type, a reducer, an error callback: later code sees them, none is in the
    result, and a hit would not register again."""
    ns = cell(f"{setup}\n@xetmemo_always\ndef f(x):\n    sys.audit('xetcache.test.ran', x)\n    {body}\n    return x\n")
    assert ns["f"](1) == 1 and ns["f"](1) == 1 and RAN == [1, 1]
    assert "registers with" in capsys.readouterr().err
    assert _stored(tmp_path) == []


@pytest.mark.parametrize("how", ["argument", "constant", "path_object"])
def test_a_file_read_by_native_code_is_a_dependency_when_the_call_names_it(cell, tmp_path, how):
    """sqlite3 (as pyarrow, h5py) opens its file from C, where the audit hook does not see it: an existing file
    the call names (an argument, or a string constant of its code) is a dependency all the same, as for cells."""
    import sqlite3

    db = tmp_path / "data.db"
    con = sqlite3.connect(db)
    con.execute("create table t (x)")
    con.execute("insert into t values (1)")
    con.commit()
    con.close()
    arg = {"argument": repr(str(db)), "constant": "", "path_object": f"pathlib.Path({str(db)!r})"}[how]
    path = "p" if how != "constant" else repr(str(db))
    ns = cell("import sqlite3, pathlib\n@xetmemo_always\n"
              f"def rows({'p' if how != 'constant' else ''}):\n    sys.audit('xetcache.test.ran', 0)\n"
              f"    con = sqlite3.connect({path})\n    n = con.execute('select count(*) from t').fetchone()[0]\n"
              "    con.close()\n    return n\n"
              f"def call():\n    return rows({arg})\n")
    assert ns["call"]() == 1 and ns["call"]() == 1 and len(RAN) == 1
    con = sqlite3.connect(db)
    con.execute("insert into t values (2)")
    con.commit()
    con.close()
    assert ns["call"]() == 2 and len(RAN) == 2  # the stored 1 would be stale


def test_a_call_that_writes_a_file_through_native_code_is_not_stored(cell, tmp_path, capsys):
    """An INSERT through sqlite3 changes the database from C: a hit would not insert again."""
    import sqlite3

    db = tmp_path / "w.db"
    con = sqlite3.connect(db)
    con.execute("create table t (x)")
    con.commit()
    con.close()
    ns = cell("import sqlite3\n@xetmemo_always\ndef add(p, x):\n    sys.audit('xetcache.test.ran', x)\n"
              "    con = sqlite3.connect(p)\n    con.execute('insert into t values (?)', (x,))\n    con.commit()\n"
              "    con.close()\n    return x\n")
    assert ns["add"](str(db), 5) == 5 and ns["add"](str(db), 5) == 5 and RAN == [5, 5]
    assert "native code" in capsys.readouterr().err
    assert sqlite3.connect(db).execute("select count(*) from t").fetchone()[0] == 2
    assert _stored(tmp_path) == []


@pytest.mark.parametrize("call_same,call_other", [
    ("f(a, a)", "f(a, list(a))"),
    ("g(a, a)", "g(a, list(a))"),
    ("h(a, a)", "h(a, list(a))"),
    ("f(CFG, CFG)", "f(CFG, dict(CFG))"),
    ("k(CFG)", "k(dict(CFG))"),
])
def test_which_arguments_are_the_same_object_is_an_input(cell, call_same, call_other):
    """Equal values, different identities: `x is y`, or an in-place loop over one while reading the other, gives
    another result; a hit must not hand back the other case's."""
    ns = cell("a = [1, 2]\nCFG = {'k': 1}\n"
              "@xetmemo_always\ndef f(x, y):\n    return x is y\n"
              "@xetmemo_always\ndef g(*xs):\n    return len({id(x) for x in xs})\n"
              "@xetmemo_always\ndef h(x, y):\n    out = [v for v in x]\n    return out is y or len(out) + (x is y)\n"
              "@xetmemo_always\ndef k(x):\n    return x is CFG\n")
    first = eval(call_same, ns)
    second = eval(call_other, ns)
    assert first != second
    assert eval(call_same, ns) == first and eval(call_other, ns) == second
