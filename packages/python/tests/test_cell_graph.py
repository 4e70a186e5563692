"""One pickle graph per run (xetcache.cell.graph): views stay views of their base, closed files come back closed,
pre-existing objects are references resolved in the namespace."""

import numpy as np

from xetcache.cell import graph
from xetcache.cell.snapshot import Snapshot, resolve


def round_trip(bind, ns=None, names=()):
    ns = ns or {}
    snap = Snapshot(ns, list(names))
    stream, buffers = graph.dumps({"bind": bind}, snap, "test")
    targets = [resolve(ns, p) for p in graph.paths_of(stream)]
    return graph.loads(stream, buffers, targets)["bind"]


def test_views_share_memory_with_their_base_after_a_round_trip():
    base = np.arange(24.0).reshape(4, 6)
    got = round_trip({"base": base, "cols": base[:, ::2], "t": base.T})
    assert np.shares_memory(got["cols"], got["base"]) and np.shares_memory(got["t"], got["base"])
    assert got["cols"].strides == base[:, ::2].strides
    got["base"][0, 0] = -1
    assert got["cols"][0, 0] == -1


def test_object_array_views_are_values():
    objs = np.array([{"a": 1}, [2], "x", None], dtype=object)
    got = round_trip({"v": objs[::2]})
    assert got["v"].tolist() == [{"a": 1}, "x"]


def test_pre_existing_objects_come_back_as_themselves():
    shared = [1, 2]
    ns = {"shared": shared}
    got = round_trip({"alias": shared, "holder": [shared]}, ns, ["shared"])
    assert got["alias"] is shared and got["holder"][0] is shared


def test_closed_files_come_back_closed(tmp_path):
    with open(tmp_path / "x.txt", "w") as f:
        f.write("keep")
    got = round_trip({"f": f})
    assert got["f"].closed and got["f"].name == f.name
    assert (tmp_path / "x.txt").read_text() == "keep"  # re-creating the handle did not truncate the file
