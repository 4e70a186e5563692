"""Keys: canonical encoding of every key part, and function code digests that follow user callees."""

import hashlib
import json
import sys

import pytest

from xetcache import cell_key, function_key
from xetcache.keys.key import canonical_key_bytes

FP_A, FP_B = "a" * 64, "b" * 64


def test_canonical_encoding_is_documented_json():
    raw = canonical_key_bytes("cell", "x = a + 1", {"b": FP_B, "a": FP_A}, ["y", "x"], None)
    ver = "%d.%d" % sys.version_info[:2]
    assert json.loads(raw) == ["xetcache-key", 1, "cell", ["python", ver], "x = a + 1", [["a", FP_A], ["b", FP_B]],
                               ["x", "y"], None]
    assert cell_key("x = a + 1", {"b": FP_B, "a": FP_A}, ["y", "x"], None) == hashlib.sha256(raw).hexdigest()


def test_cell_key_ignores_order_but_not_content():
    base = cell_key("code", {"a": FP_A, "b": FP_B}, ["x", "y"], None)
    assert base == cell_key("code", {"b": FP_B, "a": FP_A}, ["y", "x"], None)
    variants = [
        cell_key("code ", {"a": FP_A, "b": FP_B}, ["x", "y"], None),
        cell_key("code", {"a": FP_B, "b": FP_A}, ["x", "y"], None),
        cell_key("code", {"a": FP_A}, ["x", "y"], None),
        cell_key("code", {"a": FP_A, "b": FP_B}, ["x"], None),
        cell_key("code", {"a": FP_A, "b": FP_B}, ["x", "y"], "ns"),
        cell_key("code", {"a": FP_A, "b": FP_B}, ["x", "y"], ""),
        function_key("code", {"a": FP_A, "b": FP_B}, None),
    ]
    assert len({base, *variants}) == len(variants) + 1


def test_bad_kind_is_refused():
    with pytest.raises(ValueError):
        canonical_key_bytes("notebook", "", {}, [], None)