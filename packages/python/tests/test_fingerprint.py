"""Fingerprints: canonical, type-tagged, stable across processes; buffers hashed directly; clear unhashable errors."""

import dataclasses
import io
import json
import os
import subprocess
import sys
import threading
from collections import Counter, OrderedDict, defaultdict, namedtuple
from pathlib import Path

import pytest

from xetcache import UnhashableError, fingerprint

VECTORS = Path(__file__).with_name("fingerprint_vectors.json")
# Inputs of the vectors are Python literals plus these few constructors (no other names are available).
LITERAL_NAMES = {"set": set, "frozenset": frozenset, "float": float, "complex": complex, "bytearray": bytearray, "range": range}


def literal(expr):
    return eval(expr, {"__builtins__": {}}, dict(LITERAL_NAMES))  # noqa: S307 - trusted file in this repo


@dataclasses.dataclass
class Point:
    x: float
    y: float
    tags: list = dataclasses.field(default_factory=list)


class Plain:
    def __init__(self, a, b):
        self.a, self.b = a, b


class WithState:
    def __init__(self, value):
        self.value, self.cache = value, {"volatile": object()}

    def __getstate__(self):
        return {"value": self.value}  # the cache is not part of the value


Pair = namedtuple("Pair", "left right")


def test_published_vectors_recompute():
    doc = json.loads(VECTORS.read_text())
    assert doc["format"] == "xetcache-fp 2" and len(doc["vectors"]) >= 20
    for v in doc["vectors"]:
        assert fingerprint(literal(v["input"])) == v["sha256"], v["input"]


def test_fingerprint_is_64_hex_and_deterministic():
    fp = fingerprint({"a": [1, 2.5, None]})
    assert len(fp) == 64 and int(fp, 16) >= 0
    assert fp == fingerprint({"a": [1, 2.5, None]})


def test_dict_order_matters_set_order_does_not():
    # list(d), iteration and popitem() see a dict's insertion order; a set's order is only hash order
    assert fingerprint({"a": 1, "b": 2}) != fingerprint({"b": 2, "a": 1})
    assert fingerprint({3, 1, 2}) == fingerprint({2, 3, 1})
    assert fingerprint(frozenset("abc")) == fingerprint(frozenset("cba"))


@pytest.mark.parametrize("a,b", [
    (1, 1.0), (1, True), (0, False), ("1", 1), (b"a", "a"), ((1, 2), [1, 2]), ({1, 2}, frozenset({1, 2})),
    ([], {}), (None, 0), (0.0, -0.0), ({"a": 1}, [("a", 1)]), (bytearray(b"x"), b"x"), ([[1], 2], [1, [2]]),
    ("ab", ["a", "b"]), ({"a": "bc"}, {"ab": "c"}),
])
def test_types_and_structure_are_tagged(a, b):
    assert fingerprint(a) != fingerprint(b)


def test_nan_sign_and_payload_count_and_big_ints_work():
    import math
    import pickle
    import struct

    # code can see a NaN's sign (math.copysign) and payload (struct.pack), and pickling keeps both
    assert fingerprint(float("nan")) == fingerprint(math.nan)
    assert fingerprint(float("nan")) != fingerprint(-float("nan"))
    payload = struct.unpack(">d", bytes.fromhex("7ff8000000000001"))[0]
    assert fingerprint(payload) != fingerprint(float("nan"))
    assert fingerprint(pickle.loads(pickle.dumps(payload))) == fingerprint(payload)
    assert fingerprint(complex(0.0, float("nan"))) != fingerprint(complex(0.0, -float("nan")))
    assert fingerprint(2**200) != fingerprint(2**200 + 1)
    assert fingerprint(-(2**70)) != fingerprint(2**70)


def test_cycles_terminate_and_differ_from_acyclic():
    a = [1]
    a.append(a)
    d = {"k": 1}
    d["self"] = d
    assert fingerprint(a) == fingerprint(a)
    assert fingerprint(a) != fingerprint([1, [1]])
    assert len(fingerprint(d)) == 64


def test_dataclasses_plain_objects_getstate_and_builtin_subclasses():
    assert fingerprint(Point(1, 2)) == fingerprint(Point(1, 2))
    assert fingerprint(Point(1, 2)) != fingerprint(Point(1, 3))
    assert fingerprint(Plain(1, {"x": 2})) == fingerprint(Plain(1, {"x": 2}))
    assert fingerprint(Plain(1, 2)) != fingerprint(Plain(2, 1))
    assert fingerprint(WithState(5)) == fingerprint(WithState(5))  # volatile cache excluded by __getstate__
    assert fingerprint(Pair(1, 2)) != fingerprint((1, 2))
    assert fingerprint(Counter("aab")) == fingerprint(Counter("aba"))
    assert fingerprint(defaultdict(list, a=[1])) != fingerprint(defaultdict(set, a=[1]))
    assert fingerprint(OrderedDict(a=1)) != fingerprint({"a": 1})


def gen():
    yield 1


@pytest.mark.parametrize("make,what", [
    (lambda: gen(), "generator"),
    (lambda: io.BytesIO(b"x"), "BytesIO"),
    (lambda: threading.Lock(), "lock"),
])
def test_unhashable_values_name_the_variable(make, what):
    with pytest.raises(UnhashableError) as ei:
        fingerprint({"inner": [0, make()]}, name="data")
    assert ei.value.code == "EUNHASHABLE"
    assert ei.value.variable == "data"
    assert ei.value.path == "['inner'][1]"


def test_open_file_is_unhashable(tmp_path):
    with open(tmp_path / "f.txt", "w") as f:
        with pytest.raises(UnhashableError) as ei:
            fingerprint(f, name="fh")
    assert ei.value.variable == "fh"


SUBPROCESS_CODE = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import numpy as np, pandas as pd
from xetcache import fingerprint
from test_fingerprint import Point, Plain, literal, VECTORS
values = [literal(v["input"]) for v in json.loads(VECTORS.read_text())["vectors"]]
values += [Point(1.0, 2.0, ["a", "b"]), Plain({"x", "y", "z"}, {"k": frozenset({"p", "q"})}),
           np.arange(10).reshape(2, 5), pd.DataFrame({"s": ["a", "b"], "n": [1, 2]}), {str(i): i for i in range(50)}]
row, arr, pt = [0], np.arange(3), Point(0.0, 1.0, ["c"])
values += [[row, row], {"a": arr, "b": arr}, [pt, pt, pt.tags]]  # shared objects: back-references, numbered in order
print(json.dumps([fingerprint(v) for v in values]))
"""


def test_stable_across_processes_and_hash_seeds():
    tests_dir = str(Path(__file__).parent)
    outs = []
    for seed in ("0", "1", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        r = subprocess.run([sys.executable, "-c", SUBPROCESS_CODE, tests_dir], env=env, capture_output=True,
                           text=True, check=True)
        outs.append(json.loads(r.stdout))
    assert outs[0] == outs[1] == outs[2]
    # distinct values give distinct fingerprints (dicts that differ only in order are distinct values too)
    assert len(set(outs[0])) == len(outs[0])


def test_which_parts_of_a_value_are_one_object_is_part_of_it():
    """[row, row] and [row, list(row)] are equal but not the same value: appending to the first row grows the
    second only in one of them. Immutable containers (tuples) count by value."""
    import numpy as np

    row, arr = [0], np.arange(3)
    assert fingerprint([row, row]) != fingerprint([row, list(row)])
    assert fingerprint({"a": arr, "b": arr}) != fingerprint({"a": arr, "b": arr.copy()})
    assert fingerprint([{"k": 1}] * 2) != fingerprint([{"k": 1}, {"k": 1}])
    shared = Point(0.0, 1.0, ["t"])
    other = Point(0.0, 1.0, ["t"])
    assert fingerprint([shared, shared]) != fingerprint([shared, other])
    t = (1, 2)
    assert fingerprint([t, t]) == fingerprint([t, (1, 2)])
    buf = np.zeros(4)
    assert fingerprint([buf[:2], buf[2:]]) != fingerprint([buf[:2].copy(), buf[2:].copy()])  # views of one array
    assert fingerprint([buf, buf[1:]]) != fingerprint([buf.copy(), buf[1:]])  # the view looks into element 0 or not
    assert fingerprint([buf, buf[1:3]]) != fingerprint([buf, buf[2:4]])  # equal bytes, other places in the owner
    assert fingerprint(buf[1:3]) == fingerprint(buf[1:3].copy())  # a lone view: as its copy (unpickling makes
    assert fingerprint(np.arange(6.0).reshape(2, 3)) == fingerprint(np.arange(6.0).reshape(2, 3).copy())  # views)
    assert fingerprint([[1], [2]]) == fingerprint([[1], [2]])  # no sharing: as before


def test_which_of_several_values_share_an_object_is_told_by_sameobjects():
    from xetcache.keys.sameobjects import SameObjects

    def sharing(**values):
        same = SameObjects()
        for name, v in values.items():
            fingerprint(v, name, same=same)
        return same.digest()

    row = [0]
    assert sharing(a=[row], b=[list(row)]) is None
    assert sharing(a=[row], b=[row]) is not None
    assert sharing(a=row, b=row) != sharing(a=[row], b=[row])  # where the shared object sits counts
    assert sharing(a=1, b=1) is None and sharing(a="x", b="x") is None  # atoms are values, not objects
    import numpy as np

    base = np.zeros(4)
    assert sharing(a=base, b=base[1:]) is not None and sharing(a=base, b=base[1:].copy()) is None


VECTOR_INPUTS = [
    "None", "True", "False", "0", "1", "-1", "2**64", "-(2**100)", "0.0", "-0.0", "1.5", "float('inf')",
    "float('nan')", "complex(1, -2)", "''", "'hello'", "'ünïcödé ✓'", "b''", "b'\\x00\\xff'", "bytearray(b'ab')",
    "()", "(1,)", "[]", "[1, 2, 3]", "[1, [2, [3]]]", "{}", "{'a': 1, 'b': [1, 2]}", "{'b': [1, 2], 'a': 1}",
    "{1: 'x', 'x': 1, None: (), (1, 2): 2.5}", "set()", "{1, 2, 3}", "{'z', 'y', 'x'}", "frozenset({'a', 'b'})",
    "range(0, 10, 2)", "{'nested': {'set': {1, 2}, 'list': [{'k': None}]}}",
]

if __name__ == "__main__":  # regenerate the published vectors (only when the encoding deliberately changes)
    doc = {"format": "xetcache-fp 2",
           "note": "input: a Python literal (plus set, frozenset, float, complex, bytearray, range); sha256: fingerprint()",
           "vectors": [{"input": e, "sha256": fingerprint(literal(e))} for e in VECTOR_INPUTS]}
    VECTORS.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
