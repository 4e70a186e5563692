"""Round 6: files opened by native code (sqlite3 here; pyarrow and h5py the same way), which Python's audit hook
does not see open. Named anywhere the cached cell reaches (a helper's constant, a global a helper reads, a list of
paths), or opened through `sqlite3.connect` with a computed name, each is a dependency; a native write to one
(an INSERT) is a change a hit would not make again. In each `why`: what a wrong hit would show."""

from soundness_harness import C, Case, P

_DB = ("import sqlite3\ndef make_db(name, *vals):\n    con = sqlite3.connect(name)\n"
       "    con.execute('create table if not exists t(v)')\n    con.execute('delete from t')\n"
       "    con.executemany('insert into t values (?)', [(v,) for v in vals])\n    con.commit()\n    con.close()\n")


def _db(name, *vals):
    return P(_DB + f"make_db({name!r}, {', '.join(map(str, vals))})")


def _db_bytes(*vals):
    import os
    import sqlite3
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "db.sqlite")
        con = sqlite3.connect(path)
        con.execute("create table t(v)")
        con.executemany("insert into t values (?)", [(v,) for v in vals])
        con.commit()
        con.close()
        with open(path, "rb") as f:
            return f.read()


ROUND6 = [
    Case("world/native-read-by-helper-literal", 5, [
        _db("r6a.sqlite", 1),
        P("import sqlite3\ndef rows6a():\n    return sqlite3.connect('r6a.sqlite').execute('select v from t').fetchall()"),
        C("got6a = rows6a()"),
    ], probes=["got6a"], edit={0: _DB + "make_db('r6a.sqlite', 2)"},
        why="the helper names the file, not the cell: a hit shows the old rows"),
    Case("world/native-read-path-in-global-read-by-helper", 5, [
        _db("r6b.sqlite", 1),
        P("import sqlite3\nDB6B = 'r6b.sqlite'\ndef rows6b():\n"
          "    return sqlite3.connect(DB6B).execute('select v from t').fetchall()"),
        C("got6b = rows6b()"),
    ], probes=["got6b"], edit={0: _DB + "make_db('r6b.sqlite', 3)"}),
    Case("world/native-read-paths-in-a-list", 5, [
        _db("r6c.sqlite", 1),
        P("import sqlite3\nDBS6C = ['r6c.sqlite']"),
        C("got6c = [sqlite3.connect(p).execute('select v from t').fetchall() for p in DBS6C]"),
    ], probes=["got6c"], edit={0: _DB + "make_db('r6c.sqlite', 4)"}),
    Case("world/native-read-computed-name", 5, [
        _db("r6d.sqlite", 1),
        C("import sqlite3\nstem6d = 'r6' + 'd'\ngot6d = sqlite3.connect(f'{stem6d}.sqlite').execute('select v from t')"
          ".fetchall()"),
    ], probes=["got6d"], edit={0: _DB + "make_db('r6d.sqlite', 5)"},
        why="no constant names the file; sqlite3.connect's audit event does"),
    Case("world/native-read-uri", 5, [
        _db("r6e.sqlite", 1),
        C("import sqlite3\nname6e = ''.join(['r6e', '.sqlite'])  # no constant of the code is the name\n"
          "got6e = sqlite3.connect(f'file:{name6e}?mode=ro', uri=True).execute('select v from t').fetchall()"),
    ], probes=["got6e"], edit={0: _DB + "make_db('r6e.sqlite', 6)"}),
    Case("world/native-write-insert", 5, [
        _db("r6f.sqlite", 1),
        C("import sqlite3\ncon6f = sqlite3.connect(''.join(['r6', 'f.sqlite']))\ncon6f.execute('insert into t values (9)')\n"
          "con6f.commit()\ncon6f.close()\ndel con6f\nins6f = 1"),
        P("import sqlite3\nn6f = sqlite3.connect('r6f.sqlite').execute('select count(*) from t').fetchone()[0]"),
    ], probes=["n6f"], why="a hit inserts nothing: the count is 1, not 2"),
    Case("world/native-write-through-named-file", 5, [
        _db("r6g.sqlite", 1),
        P("import sqlite3\ndef add6g():\n    con = sqlite3.connect('r6g.sqlite')\n"
          "    con.execute('insert into t values (7)')\n    con.commit()\n    con.close()"),
        C("add6g()\ndone6g = 1"),
        P("import sqlite3\nn6g = sqlite3.connect('r6g.sqlite').execute('select count(*) from t').fetchone()[0]"),
    ], probes=["n6g"]),
    Case("spurious/native-read-unchanged-hits", 6, [
        C("import sqlite3\ngot6h = sqlite3.connect('r6h.sqlite').execute('select sum(v) from t').fetchone()[0]"),
    ], probes=["got6h"], files={"r6h.sqlite": _db_bytes(1, 2)}, expect_hit=True,
        why="reading a database nobody changed must hit after a restart"),
    Case("identity/inputs-aliased-then-not", 3, [
        P("a6i = [1, 2]\nb6i = a6i"),
        C("same6i = a6i is b6i"),
    ], probes=["same6i"], edit={0: "a6i = [1, 2]\nb6i = list(a6i)"},
        why="equal inputs, other identities: a hit from the aliased run says True"),
    Case("identity/inputs-aliased-mutation-through-one", 3, [
        P("a6j = [1, 2]\nb6j = list(a6j)"),
        C("a6j.append(3)\nn6j = len(b6j)"),
    ], probes=["n6j", "a6j is b6j"], edit={0: "a6j = [1, 2]\nb6j = a6j"},
        why="appending to a also grows b when they are one list: n is 3, not 2"),
    Case("identity/nested-aliasing-in-an-input", 3, [
        P("row6k = [0]\ngrid6k = [row6k, list(row6k)]"),
        C("grid6k[0][0] = 9\nv6k = grid6k[1][0]"),
    ], probes=["v6k", "grid6k"], edit={0: "row6k = [0]\ngrid6k = [row6k, row6k]"},
        why="two rows that are one list: writing one shows in the other"),
    Case("identity/two-inputs-share-a-row", 3, [
        P("row6l = [0]\nleft6l = [row6l]\nright6l = [list(row6l)]"),
        C("left6l[0].append(1)\nn6l = len(right6l[0])"),
    ], probes=["n6l", "left6l", "right6l"], edit={0: "row6l = [0]\nleft6l = [row6l]\nright6l = [row6l]"},
        why="the two inputs hold one row after the edit: appending through one grows the other"),
    Case("identity/one-array-under-two-keys", 3, [
        P("import numpy as np\nX6m = np.zeros(3)\nsplits6m = {'train': X6m, 'test': X6m.copy()}"),
        C("splits6m['train'] += 1\nt6m = float(splits6m['test'].sum())"),
    ], probes=["t6m", "splits6m['test'].tolist()"],
        edit={0: "import numpy as np\nX6m = np.zeros(3)\nsplits6m = {'train': X6m, 'test': X6m}"}),
    Case("identity/instances-sharing-a-list-attribute", 3, [
        P("class Acc6n:\n    def __init__(self, log):\n        self.log = log\nlog6n = []\n"
          "a6n = Acc6n(log6n)\nb6n = Acc6n([])"),
        C("a6n.log.append('x')\nseen6n = len(b6n.log)"),
    ], probes=["seen6n", "b6n.log"], edit={0: "class Acc6n:\n    def __init__(self, log):\n        self.log = log\n"
                                           "log6n = []\na6n = Acc6n(log6n)\nb6n = Acc6n(log6n)"}),
    Case("spurious/shared-inputs-hit-after-restart", 6, [
        P("import numpy as np\nrow6o = [0, 1]\ngrid6o = [row6o, row6o]\nalias6o = grid6o\narr6o = np.arange(4)\n"
          "pair6o = {'a': arr6o, 'b': arr6o}"),
        C("tot6o = sum(map(len, grid6o)) + len(alias6o) + int(pair6o['a'].sum())"),
    ], probes=["tot6o"], expect_hit=True,
        why="inputs that share objects the same way in the new kernel must still hit"),
    Case("identity/input-a-view-of-another", 3, [
        P("import numpy as np\nbase6p = np.zeros(4)\nview6p = base6p[1:].copy()"),
        C("base6p[1] = 5\nv6p = float(view6p[0])"),
    ], probes=["v6p", "view6p.tolist()"], edit={0: "import numpy as np\nbase6p = np.zeros(4)\nview6p = base6p[1:]"},
        why="a view sees the write to its base; a copy does not"),
    Case("identity/input-a-view-in-a-container", 3, [
        P("import numpy as np\nbuf6q = np.zeros(4)\nparts6q = [buf6q[:2].copy(), buf6q[2:].copy()]"),
        C("buf6q[:] = 1\ns6q = float(parts6q[0].sum() + parts6q[1].sum())"),
    ], probes=["s6q"], edit={0: "import numpy as np\nbuf6q = np.zeros(4)\nparts6q = [buf6q[:2], buf6q[2:]]"}),
    Case("spurious/view-inputs-hit-after-restart", 6, [
        P("import numpy as np\nowner6r = np.arange(10.0)\nwin6r = owner6r[2:5]\ngrid6r = owner6r.reshape(2, 5)"),
        C("s6r = float(win6r.sum() + grid6r[1].sum())"),
    ], probes=["s6r"], expect_hit=True),
    Case("spurious/views-restored-by-a-hit-feed-the-next-cached-cell", 6, [
        C("import numpy as np\nx6s = np.arange(12.0)\nw6s = x6s[3:]\nm6s = x6s.reshape(3, 4)"),
        C("t6s = float(w6s.sum() + m6s[0].sum())"),
    ], probes=["t6s", "w6s.base is x6s.base or w6s.base is x6s"], expect_hit=True,
        why="views restored by the first cell's hit look into the restored array as before: the second cell hits"),
]
