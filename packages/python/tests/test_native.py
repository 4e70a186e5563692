"""cell/native.py: which files native code may open, as named by a run, and whether they changed meanwhile."""

import os
import pathlib

import pytest

from xetcache.cell import native


@pytest.mark.parametrize("database,path", [
    ("data.db", "data.db"),
    (b"data.db", "data.db"),
    (pathlib.Path("sub/data.db"), "sub/data.db"),
    (":memory:", None),
    ("", None),
    ("file:data.db?mode=ro", "data.db"),
    ("file:///abs/data.db", "/abs/data.db"),
    ("file://localhost/abs/data.db", "/abs/data.db"),
    ("file:mem?mode=memory&cache=shared", None),
    ("file::memory:?cache=shared", None),
    (42, None),
])
def test_the_file_a_sqlite_connection_opens(database, path):
    assert native.sqlite_path(database) == path


def test_named_files_come_from_constants_values_and_one_level_of_containers(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("a.db", "b.db", "c.db", "d.db", "e.db"):
        (tmp_path / name).write_text("x")
    (tmp_path / "folder").mkdir()
    code = compile("def f():\n    return open('a.db')\nx = 'folder'\ny = 'missing.db'", "<cell>", "exec")
    (tmp_path / "f.db").write_text("x")

    class Config:
        def __init__(self):
            self.path = pathlib.Path("f.db")

    got = native.named_files([code, None], ["b.db", pathlib.Path("c.db"), ["d.db", 1], {"k": "e.db"},
                                            [["nested.db"]], "a.db", "x" * 5000, "bad\0name", Config()])
    assert got == ["a.db", "b.db", "c.db", "d.db", "e.db", "f.db"]  # each once; folders and missing names are not files


def test_a_file_changed_since_it_was_watched_is_reported_unless_python_wrote_it(tmp_path):
    a, b, c = (str(tmp_path / n) for n in ("a", "b", "c"))
    for p in (a, b):
        with open(p, "w") as f:
            f.write("1")
    watched = {p: native.signature(p) for p in (a, b, c)}
    assert native.changed(watched, []) == []
    with open(a, "a") as f:
        f.write("2")
    with open(b, "a") as f:
        f.write("2")
    with open(c, "w") as f:  # did not exist: made since
        f.write("new")
    got = native.changed(watched, [b])
    assert [g.split(" ")[0] for g in got] == [a, c]
    os.remove(c)
    assert native.signature(c) is None
