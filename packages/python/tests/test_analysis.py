"""Inference of a cell's inputs and outputs from its source (xetcache.analysis)."""

import ast
import textwrap

import pytest

from xetcache.cell.analysis import analyze, free_names


def a(src):
    return analyze(textwrap.dedent(src))


@pytest.mark.parametrize(
    "src, inputs, outputs",
    [
        ("y = x + 1", ["x"], ["y"]),
        ("x = 1\ny = x", [], ["x", "y"]),
        ("x = x + 1", ["x"], ["x"]),  # read before the rebinding
        ("x += 1", ["x"], ["x"]),  # augmented assignment reads first
        ("a, (b, *c) = t", ["t"], ["a", "b", "c"]),
        ("z: int = w", ["w"], ["z"]),
        ("z: int", [], []),  # annotation alone binds nothing
        ("print(a)\nprint(b)\nprint(a)", ["print", "a", "b"], []),  # first appearance order, no duplicates
        ("b = a\na = 2\nc = a", ["a"], ["b", "a", "c"]),
        ("for i in items:\n    total = total + i", ["items", "total"], ["i", "total"]),  # i bound in the body
        ("with open(p) as f:\n    data = f.read()", ["open", "p"], ["f", "data"]),
        ("(n := 5)\nm = n", [], ["n", "m"]),
    ],
)
def test_reads_and_binds(src, inputs, outputs):
    r = a(src)
    assert r.inputs == inputs
    assert r.outputs == outputs


def test_conditional_binding_does_not_hide_a_later_read():
    r = a("""
        if flag:
            x = 1
        y = x
    """)
    assert r.inputs == ["flag", "x"]
    assert r.outputs == ["x", "y"]


def test_loop_target_is_not_definitely_bound():
    r = a("""
        for i in range(n):
            pass
        j = i
    """)
    assert "i" in r.inputs


def test_try_body_is_conditional_and_except_name_is_not_an_output():
    r = a("""
        try:
            v = compute()
        except ValueError as e:
            v = None
        w = v
    """)
    assert r.inputs == ["compute", "ValueError", "v"]
    assert r.outputs == ["v", "w"]


def test_with_body_is_definite():
    r = a("""
        with ctx:
            q = 1
        r = q
    """)
    assert r.inputs == ["ctx"]


def test_comprehension_free_names_and_own_targets():
    r = a("ys = [x * k for x in xs if x > lim]")
    assert r.inputs == ["k", "lim", "xs"]  # sorted within one comprehension; x is its own
    assert r.outputs == ["ys"]


def test_lambda_free_names():
    r = a("f = lambda v: v * scale")
    assert r.inputs == ["scale"]
    assert r.outputs == ["f"]


def test_function_body_free_names_are_read_at_def():
    r = a("""
        def g(a, b=default):
            c = a + b + offset
            return helper(c)
        out = g(1)
    """)
    assert r.inputs == ["default", "helper", "offset"]
    assert r.defined == ["g"]
    assert r.outputs == ["out"]
    assert "def g(a, b=default):" in r.replay


def test_function_declaring_global_binds_it():
    r = a("""
        def setter():
            global counter
            counter = 1
        setter()
    """)
    assert "counter" in r.outputs


def test_class_body_reads_and_definition():
    r = a("""
        class Model(Base):
            size = default_size
            def fit(self):
                return data
    """)
    assert r.inputs == ["Base", "data", "default_size"]
    assert r.defined == ["Model"]
    assert r.outputs == []


def test_imports_are_defined_and_replayed_not_outputs():
    r = a("""
        import numpy as np
        import os.path
        from json import dumps as d, loads
        arr = np.zeros(n)
    """)
    assert r.defined == ["np", "os", "d", "loads"]
    assert r.outputs == ["arr"]
    assert r.inputs == ["n"]
    assert r.replay.splitlines() == ["import numpy as np", "import os.path", "from json import dumps as d, loads"]


def test_decorated_def_replay_includes_decorator():
    r = a("""
        @decorate(1)
        def h():
            pass
    """)
    assert r.replay.startswith("@decorate(1)\ndef h():")
    assert r.inputs == ["decorate"]


@pytest.mark.parametrize(
    "src, mutated",
    [
        ("x[0] = 1", "x"),
        ("x.attr = 1", "x"),
        ("x.a[i].b = 1", "x"),
        ("x[0] += 1", "x"),
        ("x.append(4)", "x"),
        ("x.sort()", "x"),
        ("d.update(e)", "d"),
        ("df.drop(columns=['a'], inplace=True)", "df"),
        ("del x[0]", "x"),
    ],
)
def test_in_place_changes_make_an_input_an_output(src, mutated):
    r = a(src)
    assert mutated in r.inputs
    assert mutated in r.outputs


@pytest.mark.parametrize(
    "src, receiver",
    [("n = df.head()", "df"), ("k = list(d.keys())", "d"), ("s = arr.sum()", "arr"), ("t = name.upper()", "name")],
)
def test_read_only_methods_do_not_mutate(src, receiver):
    r = a(src)
    assert receiver in r.inputs
    assert receiver not in r.outputs


def test_walrus_in_short_circuit_is_not_definite():
    r = a("ok = flag and (n := 5)\nm = n")
    assert r.inputs == ["flag", "n"]


def test_mutation_after_binding_is_not_an_input():
    r = a("x = []\nx.append(1)")
    assert r.inputs == []
    assert r.outputs == ["x"]


def test_slice_names_are_read():
    r = a("out[idx] = val")
    assert r.inputs == ["val", "out", "idx"]
    assert r.outputs == ["out"]


def test_del_name_reads_and_is_replayed_as_delete():
    r = a("y = x\ndel x")
    assert r.inputs == ["x"]
    assert r.deleted == ["x"]
    assert r.outputs == ["y"]


def test_del_then_rebind_is_an_output_not_a_delete():
    r = a("del x\nx = 2")
    assert r.deleted == []
    assert r.outputs == ["x"]


def test_star_import_binds_nothing_knowable():
    r = a("from math import *\ny = pi")
    assert r.defined == []
    assert r.inputs == ["pi"]


def test_match_capture_names_are_outputs():
    r = a("""
        match cmd:
            case [op, arg]:
                res = arg
    """)
    assert r.inputs == ["cmd"]
    assert {"op", "arg", "res"} <= set(r.outputs)


def test_syntax_error_propagates():
    with pytest.raises(SyntaxError):
        analyze("x = = 1")


def test_free_names_of_nested_function_excludes_locals_and_params():
    node = ast.parse("def f(a):\n    b = a\n    return b + c").body[0]
    assert free_names(node) == {"c"}
