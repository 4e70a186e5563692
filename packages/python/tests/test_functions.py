"""The function API: threshold semantics, namespaces, xeteval forms, invalidation by code edits, cross-process hits."""

import json
import subprocess
import sys
import threading
from pathlib import Path

import jsonschema
import numpy as np
import pytest

import xetcache
from coreutil import TempModule
from xetcache.store import cache as store_cache
from xetcache import config, xeteval, xeteval_always, xetmemo, xetmemo_always

SCHEMA = json.loads((Path(__file__).resolve().parents[3] / "spec" / "schemas" / "manifest.schema.json").read_text())


@pytest.fixture
def memo(tmp_path):
    """A fresh store per test, set as the memo path."""
    config.reset()
    store_cache._stores.clear()
    CALLS.clear()
    config.set_memo_path(tmp_path / ".xetcache")
    yield Path(tmp_path / ".xetcache")
    config.reset()
    store_cache._stores.clear()


def manifests(root):
    return [json.loads(p.read_text()) for p in sorted((root / "entries").rglob("*.json"))]


CALLS = []  # each real run of a test function, told by an audit event: the cache sees no global, closure or file
# of the function change (a call log in a global or a closure is an effect a hit could not redo: never stored)


def _witness(event, args):
    if event == "xetcache.test.call":
        CALLS.append(args[0])


sys.addaudithook(_witness)  # cannot be removed: it only counts this file's event


def slow_square(x, power=2):
    sys.audit("xetcache.test.call", x)
    return x ** power


def counting(calls):
    assert calls is CALLS
    CALLS.clear()
    return slow_square


def test_fast_calls_are_not_stored_slow_ones_are(memo):
    calls = CALLS
    f = xetmemo(counting(calls))
    config.set_runtime_threshold(1e9)  # nothing is "slow": not stored
    assert f(3) == 9 and f(3) == 9
    assert calls == [3, 3] and manifests(memo) == []
    config.set_runtime_threshold(0)  # everything is "slow": stored, then served
    assert f(3) == 9 and f(3) == 9 and f(x=3, power=2) == 9  # defaults applied: same key
    assert calls == [3, 3, 3]
    assert f(4) == 16 and calls[-1] == 4


def test_always_stores_whatever_the_runtime(memo):
    config.set_runtime_threshold(1e9)
    calls = CALLS
    f = xetmemo_always(counting(calls))
    g = xetmemo(always=True)(counting(calls))
    assert f(2) == f(2) == 4 and g(5) == g(5) == 25
    assert calls == [2, 5]


def test_manifest_of_a_function_entry(memo):
    @xetmemo_always
    def add(a, b=1):
        return np.arange(a) + b

    add(5)
    (m,) = manifests(memo)
    jsonschema.Draft202012Validator(SCHEMA).validate(m)
    assert m["kind"] == "function" and m["outputs"] is None and m["outputs_names"] == ["return"]
    assert list(m["variables"]) == ["return"] and m["variables"]["return"]["type"] == "numpy.ndarray"
    assert m["source"]["qualname"].endswith(":test_manifest_of_a_function_entry.<locals>.add")
    assert m["source"]["qualname"].startswith("test_functions:")
    assert m["source"]["preview"].startswith("@xetmemo_always") and set(m["inputs"]) == {"a", "b"}


def test_hits_are_logged(memo):
    f = xetmemo_always(counting(CALLS))
    f(7)
    f(7)
    f(7)
    lines = [json.loads(line) for line in (memo / "hits.jsonl").read_text().splitlines()]
    assert len(lines) == 2 and lines[0]["key"] == manifests(memo)[0]["key"]


def test_key_namespaces_are_separate(memo):
    calls = CALLS
    a = xetmemo(key="a", always=True)(counting(calls))
    b = xetmemo(key="b", always=True)(counting(calls))
    assert a(3) == b(3) == 9
    assert calls == [3, 3]
    assert sorted(m["namespace"] for m in manifests(memo)) == ["a", "b"]


def test_xeteval_forms(memo):
    calls = CALLS
    f = counting(calls)
    config.set_runtime_threshold(1e9)
    assert xeteval(f, 3) == 9 and xeteval(f, 3) == 9 and calls == [3, 3]  # fast: not stored
    assert xeteval_always(f, 3, power=3) == 27 and xeteval_always(f, 3, power=3) == 27
    assert xeteval_always("ns", f, 3, power=3) == 27 and xeteval("ns", f, 3, power=3) == 27
    assert calls == [3, 3, 3, 3]
    memoized = xetmemo_always(f)
    assert xeteval_always("other", memoized, 6) == 36 and len(manifests(memo)) == 3  # cached once, not twice
    with pytest.raises(TypeError):
        xeteval("only a key")


def test_unhashable_argument_runs_uncached_with_one_warning(memo, capsys):
    calls = CALLS

    @xetmemo_always
    def total(items):
        calls.append(1)
        return sum(items)

    assert total((i for i in range(4))) == 6
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'items'" in err[0] and err[0].startswith("xetcache:")
    assert manifests(memo) == [] and calls == [1]


def test_unpicklable_result_is_returned_and_not_stored(memo, capsys):
    @xetmemo_always
    def make_lock():
        return threading.Lock()

    assert make_lock() is not None
    assert "not stored" in capsys.readouterr().err and manifests(memo) == []


def test_corrupt_entry_reruns(memo, capsys):
    calls = CALLS
    f = xetmemo_always(counting(calls))
    f(9)
    (m,) = manifests(memo)
    obj = memo / "objects" / "sha256" / m["variables"]["return"]["objects"][0][:2] / m["variables"]["return"]["objects"][0]
    obj.write_bytes(obj.read_bytes() + b"x")
    assert f(9) == 81 and calls == [9, 9]
    assert "ECORRUPT" in capsys.readouterr().err


def test_editing_the_function_or_a_helper_invalidates(memo, tmp_path):
    src = """
        import sys
        from xetcache import xetmemo_always

        def helper(x):
            return x + {h}

        @xetmemo_always
        def work(x):
            sys.audit("xetcache.test.call", x)
            return helper(x) * {w}
    """
    mod = TempModule(tmp_path).write(src.format(h=1, w=10))
    try:
        m = mod.load()
        assert m.work(1) == 20 and m.work(1) == 20 and CALLS == [1]
        CALLS.clear()
        mod.write(src.format(h=1, w=100))  # the function itself
        m = mod.load()
        assert m.work(1) == 200 and CALLS == [1]
        CALLS.clear()
        mod.write(src.format(h=2, w=100) + "        # longer file\n")  # only the helper
        m = mod.load()
        assert m.work(1) == 300 and m.work(1) == 300 and CALLS == [1]
        CALLS.clear()
        mod.write(src.format(h=1, w=10))  # back to the first version: its entry is still there
        m = mod.load()
        assert m.work(1) == 20 and CALLS == []
    finally:
        mod.unload()


SCRIPT = r"""
import atexit
import sys
from pathlib import Path
import xetcache
xetcache.set_memo_path(sys.argv[1])
side = Path(sys.argv[2])
runs = []  # real runs, told by an audit event and written at exit: a file the body wrote would be an effect
sys.addaudithook(lambda event, args: runs.append(1) if event == "xetcache.test.ran" else None)
atexit.register(lambda: runs and side.open("a").write("ran\n" * len(runs)))

@xetcache.xetmemo_always
def expensive(n, scale=2.0):
    sys.audit("xetcache.test.ran")
    return {"n": n, "values": [i * scale for i in range(n)]}

print(expensive(1000)["values"][-1])
"""


def test_second_process_is_a_hit_and_does_not_run_the_body(tmp_path):
    script = tmp_path / "job.py"
    script.write_text(SCRIPT)
    side = tmp_path / "ran.txt"
    outs = [subprocess.run([sys.executable, str(script), str(tmp_path / ".xetcache"), str(side)],
                           capture_output=True, text=True, check=True).stdout for _ in range(2)]
    assert outs == ["1998.0\n", "1998.0\n"]
    assert side.read_text() == "ran\n"  # the body ran in the first process only
    hits = (tmp_path / ".xetcache" / "hits.jsonl").read_text().splitlines()
    assert len(hits) == 1


def test_package_exports_the_original_api():
    for name in ("xetmemo", "xetmemo_always", "xeteval", "xeteval_always", "set_runtime_threshold",
                 "get_runtime_threshold", "set_memo_path", "get_memo_path", "load_ipython_extension"):
        assert callable(getattr(xetcache, name))


def test_non_functions_and_bad_arguments_behave_like_plain_calls(memo, capsys):
    assert xeteval_always(len, [1, 2, 3]) == 3
    assert "only Python functions" in capsys.readouterr().err
    with pytest.raises(TypeError):
        xeteval_always(slow_square)  # missing argument: the function's own error, not ours
    assert manifests(memo) == []


@pytest.mark.parametrize("change", ["append", "setitem", "array", "attribute"])
def test_a_call_that_changes_its_arguments_is_not_stored(memo, capsys, change):
    """A hit returns the value without running the body, so it cannot redo what the call did to its arguments: a
    call that changed one (in place, reached through the argument) is returned but not stored, and the warning
    names the argument. The next call runs again and changes it again, as an uncached call would."""
    class Box:
        pass

    def make():
        if change == "append":
            return [1, 2]
        if change == "setitem":
            return {"n": 1}
        if change == "array":
            return np.zeros(3)
        b = Box()
        b.n = 1
        return b

    @xetmemo_always
    def touch(data, k=1):
        if change == "append":
            data.append(k)
        elif change == "setitem":
            data["n"] += k
        elif change == "array":
            data[0] += k
        else:
            data.n += k
        return k

    first, second = make(), make()
    assert touch(first) == 1
    assert "'data'" in capsys.readouterr().err
    assert manifests(memo) == []
    assert touch(second) == 1  # runs again: the argument is changed as by an uncached call
    assert repr(vars(second) if change == "attribute" else second) == repr(vars(first) if change == "attribute"
                                                                            else first)


def test_a_call_that_only_reads_its_arguments_is_stored(memo):
    @xetmemo_always
    def total(data):
        return sum(data["xs"]) + len(data)

    arg = {"xs": [1, 2, 3]}
    assert total(arg) == 7 and len(manifests(memo)) == 1


@pytest.mark.parametrize("shape", ["itself", "item", "view", "inside-result", "frame"])
def test_a_result_sharing_objects_with_an_argument_is_not_stored(memo, capsys, shape):
    """A hit returns a copy: what a later change through the result does to the argument (or the other way round)
    would differ from an uncached call. So a result that is, holds or views (part of) an argument is returned
    but not stored, and the warning names the argument."""
    import pandas as pd

    arg = {"itself": [1, 2], "item": {"model": [0]}, "view": np.arange(10.0), "inside-result": [3],
           "frame": pd.DataFrame({"a": [1.0, 2.0]})}[shape]

    @xetmemo_always
    def pick(data):
        if shape == "item":
            return data["model"]
        if shape == "view":
            return data[2:5]
        if shape == "inside-result":
            return {"kept": data, "n": len(data)}
        return data

    got = pick(arg)
    assert "'data'" in capsys.readouterr().err
    assert manifests(memo) == []
    if shape == "view":
        got[0] = 99.0
        assert arg[2] == 99.0  # what an uncached call gives, and what the returned value still does


def test_new_results_built_from_arguments_are_stored(memo, capsys):
    """Results that are new objects (a sum, a copy, a pandas frame made from another: pandas shares its arrays
    copy-on-write, which no change can see) are stored as before."""
    import pandas as pd

    @xetmemo_always
    def renamed(df):
        return df.rename(columns={"a": "b"})

    @xetmemo_always
    def copied(xs):
        return list(xs) + [np.asarray(xs).sum()]

    frame = pd.DataFrame({"a": np.arange(5.0)})
    renamed(frame)
    copied([1, 2, 3])
    assert capsys.readouterr().err == ""
    assert len(manifests(memo)) == 2


@pytest.mark.parametrize("broken", ["fingerprint", "sharing"])
def test_a_failing_check_of_the_arguments_never_breaks_the_call(memo, capsys, monkeypatch, broken):
    """The checks after a call (did it change its arguments, does its result share them) are the cache's business:
    if one fails, the call still returns its value, nothing is stored (unsure: no entry), and stderr says why."""
    from xetcache.memo import functions, sharing

    def boom(*a, **k):
        raise RuntimeError("cannot look")

    @xetmemo_always
    def double(x):
        if broken == "fingerprint":  # the key is made before the call; the check after it fails
            monkeypatch.setattr(functions, "fingerprint", boom)
        return [x, x]

    if broken == "sharing":
        monkeypatch.setattr(sharing, "shared_arguments", boom)
    assert double(3) == [3, 3]
    err = capsys.readouterr().err
    assert "not stored" in err and "cannot look" in err
    assert manifests(memo) == []
