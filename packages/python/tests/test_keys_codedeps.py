"""Function code digests: own source plus the user functions, modules and classes it reaches."""

import json
import sys

import pytest

from coreutil import TempModule
from xetcache import UnhashableError
from xetcache.keys.codedeps import is_user_file, source_info
from xetcache.keys.fingerprint import fingerprint, function_digest


def test_function_edit_changes_digest(tmp_path):
    mod = TempModule(tmp_path).write("""
        def f(x):
            return x + 1
    """)
    try:
        d1 = function_digest(mod.load().f)
        assert d1 == function_digest(sys.modules[mod.name].f)
        mod.write("""
            def f(x):
                return x + 2  # edited
        """)
        d2 = function_digest(mod.load().f)
        assert d1 != d2
    finally:
        mod.unload()


def test_called_helper_edit_changes_digest_and_cycles_terminate(tmp_path):
    src = """
        import math, json

        def helper(x):
            return x * {factor}

        def even(n):
            return n == 0 or odd(n - 1)

        def odd(n):
            return n != 0 and even(n - 1)

        def top(x):
            return helper(x) + math.sqrt(x) + even(3) + len(json.dumps(x))
    """
    mod = TempModule(tmp_path).write(src.format(factor=2))
    try:
        m = mod.load()
        d1 = function_digest(m.top)
        mod.write(src.format(factor=3))
        m = mod.load()
        assert function_digest(m.top) != d1
        assert function_digest(m.even) == function_digest(m.even)  # mutual recursion terminates
    finally:
        mod.unload()


def test_helpers_in_user_modules_and_classes_are_followed(tmp_path):
    helpers = TempModule(tmp_path).write("def clean(x):\n    return x.strip()\n")
    main = TempModule(tmp_path).write(f"""
        import {helpers.name} as helpers

        class Model:
            def predict(self, x):
                return x * 2

        def run(x):
            return Model().predict(helpers.clean(x))
    """)
    try:
        helpers.load()
        d1 = function_digest(main.load().run)
        helpers.write("def clean(x):\n    return x.strip().lower()\n")
        helpers.load()
        d2 = function_digest(main.load().run)
        assert d1 != d2
        main.write(main.path.read_text().replace("x * 2", "x * 3"))
        assert function_digest(main.load().run) != d2
    finally:
        main.unload()
        helpers.unload()


def test_closure_values_are_part_of_the_digest():
    def make(k):
        def inner(x):
            return x * k
        return inner

    assert function_digest(make(2)) == function_digest(make(2))
    assert function_digest(make(2)) != function_digest(make(3))
    gen = (i for i in range(3))

    def uses_gen():
        return next(gen)

    with pytest.raises(UnhashableError) as ei:
        function_digest(uses_gen)
    assert "gen" in ei.value.path  # where inside the function's value: the global (here closure) it reads


def test_library_code_is_not_user_code():
    assert not is_user_file(json.__file__)
    assert not is_user_file(pytest.__file__)
    assert is_user_file(__file__)
    assert is_user_file("<ipython-input-3-abc>")


def test_source_info_hashes_the_functions_source():
    def f():
        return 1

    sha, preview = source_info(f)
    assert len(sha) == 64 and preview.startswith("def f():")



def test_a_function_changes_with_the_globals_it_reads():
    ns = {"__name__": "__main__"}
    exec(compile("data = [1, 2]\ndef total():\n    return sum(data)\nclass K:\n    scale = 2\n"
                 "    def f(self):\n        return self.scale\nsquare = lambda x: x * factor\nfactor = 3\n",
                 "<cell-1>", "exec"), ns)
    before = {n: fingerprint(ns[n]) for n in ("total", "square")}
    memo_before = function_digest(ns["total"])
    k_before = fingerprint(ns["K"])
    ns["data"].append(3)  # in place: the function's value changes with it
    ns["factor"] = 4
    exec(compile("class K:\n    scale = 3\n    def f(self):\n        return self.scale\n", "<cell-2>", "exec"), ns)
    assert fingerprint(ns["total"]) != before["total"]
    assert fingerprint(ns["square"]) != before["square"]
    assert function_digest(ns["total"]) == memo_before  # the code part of @xetmemo keys (data globals: memo/effects.py)
    assert fingerprint(ns["K"]) != k_before
    assert fingerprint(ns["K"]()) != fingerprint(type("K", (), {})())


def test_a_recreated_function_fingerprints_like_the_original():
    src = "def f(x, k=2):\n    return helper(x) * k\ndef helper(y):\n    return y + 1\n"
    a, b = {}, {}
    exec(compile(src, "/tmp/ipykernel_1/aaa.py", "exec"), a)
    exec(compile("\n\n" + src, "/tmp/ipykernel_2/bbb.py", "exec"), b)  # other file, other lines
    assert function_digest(a["f"]) == function_digest(b["f"])


def test_round_trip_stable_state():
    import pickle

    class Bunchy(dict):
        def __init__(self, **kw):
            super().__init__(kw)
            self.__dict__["_private"] = {"lost": "on pickling"}

        def __setstate__(self, state):
            pass  # like sklearn.utils.Bunch: the pickled __dict__ is ignored

    globals()["Bunchy"] = Bunchy
    Bunchy.__qualname__ = "Bunchy"
    b = Bunchy(data=[1, 2])
    assert fingerprint(b) == fingerprint(pickle.loads(pickle.dumps(b)))
