"""More adversarial cases of issue 8, beyond the issue's examples: other ways each cause shows up (see
soundness_cases for the table's format). Kept apart so each file stays one screenful of causes."""

from soundness_harness import C, Case, P

MORE = [
    # 1. reads through called code
    Case("reads/partial-of-global-reader", 1, [
        P("import functools\nk = 2\ndef mul(a, b):\n    return a * b * k\ntimes3 = functools.partial(mul, 3)"),
        C("r = times3(5)"),
    ], probes=["r"], edit={0: "import functools\nk = 7\ndef mul(a, b):\n    return a * b * k\n"
                              "times3 = functools.partial(mul, 3)"}, restart=False),
    Case("reads/function-in-registry-dict", 1, [
        P("level = 1"),
        P("def low():\n    return level * 10\nREG = {'low': low}"),
        C("val = REG['low']()"),
    ], probes=["val"], edit={0: "level = 2"}, restart=False),
    Case("reads/builtins-attribute", 1, [
        P("import builtins\nbuiltins.LIMIT_X = 5"),
        P("def lim():\n    return LIMIT_X + 1"),
        C("m = lim()"),
    ], probes=["m"], edit={0: "import builtins\nbuiltins.LIMIT_X = 6"}, restart=False,
        why="a name found in builtins, set by a cell"),
    Case("reads/monkeypatched-library-function", 1, [
        P("import math\nmath.tau_like = lambda: 1"),
        C("q = math.tau_like() + 1"),
    ], probes=["q"], edit={0: "import math\nmath.tau_like = lambda: 2"}, restart=False,
        why="a library module's attribute replaced by a cell"),
    Case("reads/function-defaults-mutated", 1, [
        P("def f(x, y=1):\n    return x + y"),
        P("f.__defaults__ = (10,)"),
        C("s = f(1)"),
    ], probes=["s"], edit={1: "f.__defaults__ = (20,)"}, restart=False),
    Case("reads/list-mutated-by-plain-cell", 1, [
        P("vals = [1, 2]"),
        P("vals.append(3)"),
        C("tot = sum(vals)"),
    ], probes=["tot"], edit={1: "vals.append(4)"}, restart=False),
    Case("reads/callable-instance-reads-global", 1, [
        P("w = 3"),
        P("class Mul:\n    def __call__(self, v):\n        return v * w\nmul = Mul()"),
        C("res = [mul(i) for i in range(3)]"),
    ], probes=["res"], edit={0: "w = 4"}, restart=False),
    Case("reads/inherited-method-base-edited", 1, [
        P("class Base:\n    def f(self):\n        return 1"),
        P("class Child(Base):\n    pass\nch = Child()"),
        C("o = ch.f()"),
    ], probes=["o"], edit={0: "class Base:\n    def f(self):\n        return 2"}),
    Case("reads/staticmethod-reads-global", 1, [
        P("g0 = 1"),
        P("class K:\n    @staticmethod\n    def s():\n        return g0 + 1"),
        C("sv = K.s()"),
    ], probes=["sv"], edit={0: "g0 = 5"}, restart=False),
    Case("reads/sorted-key-reads-global", 1, [
        P("rev = 1"),
        P("def key(v):\n    return v * rev"),
        C("ordered = sorted([3, 1, 2], key=key)"),
    ], probes=["ordered"], edit={0: "rev = -1"}, restart=False),
    Case("reads/np-vectorize-lambda", 1, [
        P("import numpy as np\nfac = 2\nvf = np.vectorize(lambda x: x * fac)"),
        C("arr = vf(np.arange(3))"),
    ], probes=["arr.tolist()"], edit={0: "import numpy as np\nfac = 3\nvf = np.vectorize(lambda x: x * fac)"},
        restart=False),
    Case("reads/pandas-apply-lambda-global", 1, [
        P("import pandas as pd\nbump = 1\ndf = pd.DataFrame({'a': [1, 2]})"),
        C("out = df['a'].apply(lambda v: v + bump)"),
    ], probes=["out.tolist()"], edit={0: "import pandas as pd\nbump = 5\ndf = pd.DataFrame({'a': [1, 2]})"},
        restart=False),
    Case("reads/lru-cached-function", 1, [
        P("import functools\nbase = 1\n@functools.lru_cache(None)\ndef cf(x):\n    return x + base"),
        C("c1 = cf(1)"),
    ], probes=["c1"], edit={0: "import functools\nbase = 2\n@functools.lru_cache(None)\ndef cf(x):\n    return x + base"},
        restart=False),
    # 2. writes the analysis does not see
    Case("writes/closure-cell-list", 2, [
        P("def make():\n    store = []\n    def add(x):\n        store.append(x)\n        return len(store)\n"
          "    def get():\n        return list(store)\n    return add, get\nadd, get = make()"),
        C("n = add(1)"),
    ], probes=["get()", "n"]),
    Case("writes/mutable-default-argument", 2, [
        P("def acc(x, bucket=[]):\n    bucket.append(x)\n    return len(bucket)"),
        C("k = acc(1)"),
    ], probes=["acc.__defaults__[0]", "acc(2)"]),
    Case("writes/class-attribute-counter", 2, [
        P("class Counter:\n    count = 0\n    @classmethod\n    def hit(cls):\n        cls.count += 1"),
        C("Counter.hit()\ndone = True"),
    ], probes=["Counter.count"]),
    Case("writes/function-attribute", 2, [
        P("def tick():\n    tick.calls = getattr(tick, 'calls', 0) + 1\n    return tick.calls"),
        C("t1 = tick()"),
    ], probes=["tick.calls"]),
    Case("writes/module-attribute-via-function", 2, [
        P("import types\nsettings = types.SimpleNamespace(mode='a')\ndef set_mode():\n    settings.mode = 'b'"),
        C("set_mode()\nok = 1"),
    ], probes=["settings.mode"]),
    Case("writes/sys-path-append", 2, [
        P("import sys"),
        C("sys.path.append('/tmp/xc-extra-path')\nflag = 1"),
    ], probes=["sys.path[-1]"], why="interpreter state a later import depends on"),
    Case("writes/logging-level", 2, [
        P("import logging"),
        C("logging.getLogger('xcapp').setLevel(logging.DEBUG)\nlv = 1"),
    ], probes=["logging.getLogger('xcapp').level"]),
    Case("writes/numpy-seterr", 4, [
        P("import numpy as np"),
        C("old = np.seterr(divide='raise')\nz = 1"),
    ], probes=["np.geterr()['divide']"]),
    Case("writes/recursion-limit", 4, [
        P("import sys"),
        C("sys.setrecursionlimit(4321)\nr0 = 1"),
    ], probes=["sys.getrecursionlimit()"]),
    # 3. identity
    Case("identity/dict-value-alias-mutated", 3, [
        P("inner = [1]\nd = {'a': inner, 'b': inner}"),
        C("d['a'].append(2)\nlength = len(inner)"),
    ], probes=["d['b'] is d['a']", "d['b']", "inner is d['a']"]),
    Case("identity/object-in-two-lists-replaced-attr", 3, [
        P("class Box:\n    def __init__(self):\n        self.v = 0\nb = Box()\nL1 = [b]\nL2 = (b,)"),
        C("L1[0].v = 9\nnew = Box()"),
    ], probes=["L2[0].v", "L2[0] is b", "new is not b"]),
    # 4. hidden state
    Case("hidden/iterator-advanced", 4, [
        P("import itertools\nc = itertools.count()"),
        C("x0 = next(c)"),
    ], probes=["next(c)"]),
    Case("hidden/generator-advanced", 4, [
        P("g = (i * i for i in range(10))"),
        C("first = next(g)"),
    ], probes=["next(g)"]),
    Case("hidden/file-position", 4, [
        P("fh = open('lines.txt')"),
        C("line1 = fh.readline()"),
    ], probes=["fh.readline()"], files={"lines.txt": "a\nb\nc\n"}),
    # 5. outside world
    Case("world/file-size-stat", 5, [
        C("import os\nsz = os.path.getsize('blob.bin')"),
    ], probes=["sz"], files={"blob.bin": b"x" * 10}, files_edit={"blob.bin": b"x" * 20}),
    Case("world/exists-check", 5, [
        C("import os\nhave = os.path.exists('flag.txt')"),
    ], probes=["have"], files={}, files_edit={"flag.txt": "1"}),
    Case("world/glob-new-file", 5, [
        C("import glob\nnames = sorted(glob.glob('*.dat'))"),
    ], probes=["names"], files={"a.dat": "1"}, files_edit={"b.dat": "2"}),
    Case("world/numpy-fromfile", 5, [
        C("import numpy as np\nraw = np.fromfile('nums.bin', dtype='u1')"),
    ], probes=["raw.tolist()"], files={"nums.bin": b"\x01\x02"}, files_edit={"nums.bin": b"\x03\x04"}),
    Case("world/numpy-loadtxt", 5, [
        C("import numpy as np\ntab = np.loadtxt('t.txt')"),
    ], probes=["tab.tolist()"], files={"t.txt": "1 2\n3 4\n"}, files_edit={"t.txt": "5 6\n7 8\n"}),
    Case("world/sqlite-read", 5, [
        P("import sqlite3\ncon = sqlite3.connect('db.sqlite')\ncon.execute('create table if not exists t(v)')\n"
          "con.execute('delete from t')\ncon.execute('insert into t values (1)')\ncon.commit()\ncon.close()"),
        C("import sqlite3\nrows = sqlite3.connect('db.sqlite').execute('select v from t').fetchall()"),
    ], probes=["rows"], edit={0: "import sqlite3\ncon = sqlite3.connect('db.sqlite')\n"
                              "con.execute('create table if not exists t(v)')\ncon.execute('delete from t')\n"
                              "con.execute('insert into t values (2)')\ncon.commit()\ncon.close()"}),
    Case("world/mkdir-and-rename", 5, [
        C("import os\nos.makedirs('outdir', exist_ok=True)\nopen('outdir/x.txt', 'w').write('hi')\n"
          "os.replace('outdir/x.txt', 'outdir/y.txt')\nmade = 1"),
        P("import os\nlisting = sorted(os.listdir('outdir'))"),
    ], probes=["listing"]),
    Case("world/write-then-delete-other-file", 5, [
        C("import os\nos.remove('old.txt')\ngone = 1"),
        P("import os\nstill = os.path.exists('old.txt')"),
    ], probes=["still"], files={"old.txt": "x"}, files_edit={"old.txt": "x"}),
]

MORE += [
    Case("world/environment-variable-read", 5, [
        P("import os\nos.environ['XC_MODE'] = 'a'"),
        C("import os\nmode = os.environ.get('XC_MODE')"),
    ], probes=["mode"], edit={0: "import os\nos.environ['XC_MODE'] = 'b'"}, restart=False),
    Case("world/getenv-in-function", 5, [
        P("import os\nos.environ['XC_LEVEL'] = '1'"),
        P("import os\ndef level():\n    return int(os.getenv('XC_LEVEL', '0'))"),
        C("lv = level() * 10"),
    ], probes=["lv"], edit={0: "import os\nos.environ['XC_LEVEL'] = '2'"}, restart=False),
    Case("hidden/thread-still-running", 4, [
        P("import threading, time\nticks = []"),
        C("def beat():\n    for _ in range(3):\n        time.sleep(0.3)\n        ticks.append(1)\n"
          "threading.Thread(target=beat, daemon=True).start()\nstarted = True"),
        P("import time\ntime.sleep(1.5)\ncount = len(ticks)"),
    ], probes=["count"], why="a hit cannot restart a thread the cell left running"),
    Case("identity/output-is-user-module-object", 3, [
        C("import helpers\nx = helpers.ITEMS"),
    ], probes=["x is helpers.ITEMS"], files={"helpers.py": "ITEMS = [1, 2]\n"}),
    Case("reads/default-is-global-dict-mutated", 1, [
        P("CONF = {'a': 1}\ndef f(c=CONF):\n    return c['a']"),
        P("CONF['a'] = 1"),
        C("fa = f()"),
    ], probes=["fa"], edit={1: "CONF['a'] = 2"}, restart=False),
    Case("reads/instance-method-replaced", 1, [
        P("class Q:\n    def val(self):\n        return 1\nq = Q()"),
        P("q.val = lambda: 2"),
        C("qv = q.val()"),
    ], probes=["qv"], edit={1: "q.val = lambda: 3"}, restart=False),
    Case("hits/env-read-unchanged", 6, [
        P("import os\nos.environ['XC_SAME'] = 's'"),
        C("import os\nsame = os.environ['XC_SAME'] * 2"),
    ], probes=["same"], expect_hit=True),
]

MORE += [
    Case("identity/module-object-changed-by-the-cell", 3, [
        C("import helpers\nx = helpers.ITEMS\nx.append(3)"),
    ], probes=["x is helpers.ITEMS", "helpers.ITEMS"], files={"helpers.py": "ITEMS = [1, 2]\n"}),
    Case("identity/module-imported-earlier-object-nested", 3, [
        P("import helpers"),
        C("wrap = {'items': helpers.ITEMS}"),
    ], probes=["wrap['items'] is helpers.ITEMS"], files={"helpers.py": "ITEMS = [1, 2]\n"}),
]

MORE += [
    # 7. fingerprints too coarse: an edit that changes only the type or a detail must miss
    Case("fingerprint/slots-object", 7, [
        P("class Pt:\n    __slots__ = ('x', 'y')\n    def __init__(self, x, y):\n        self.x, self.y = x, y\np = Pt(1, 2)"),
        C("sy = p.x + p.y"),
    ], probes=["sy"], edit={0: "class Pt:\n    __slots__ = ('x', 'y')\n    def __init__(self, x, y):\n"
                              "        self.x, self.y = x, y\np = Pt(1, 5)"}, restart=False),
    Case("fingerprint/int32-vs-int64-array", 7, [
        P("import numpy as np\na = np.array([100, 100], dtype=np.int64)"),
        C("sq = a * a * a * a * a"),
    ], probes=["sq.tolist()", "str(sq.dtype)"],
        edit={0: "import numpy as np\na = np.array([100, 100], dtype=np.int32)"}, restart=False),
    Case("fingerprint/numpy-scalar-vs-float", 7, [
        P("import numpy as np\nv = 1.0"),
        C("t = type(v).__name__"),
    ], probes=["t"], edit={0: "import numpy as np\nv = np.float64(1.0)"}, restart=False),
    Case("fingerprint/naive-vs-aware-datetime", 7, [
        P("import datetime as dt\nd = dt.datetime(2020, 1, 1)"),
        C("aware = d.tzinfo is not None"),
    ], probes=["aware"], edit={0: "import datetime as dt\nd = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)"},
        restart=False),
    Case("fingerprint/int-vs-float-column", 7, [
        P("import pandas as pd\ndf = pd.DataFrame({'a': [1, 2]})"),
        C("kind = str(df['a'].dtype)"),
    ], probes=["kind"], edit={0: "import pandas as pd\ndf = pd.DataFrame({'a': [1.0, 2.0]})"}, restart=False),
    Case("fingerprint/range-step", 7, [
        P("r = range(0, 10)"),
        C("total_r = sum(r)"),
    ], probes=["total_r"], edit={0: "r = range(0, 10, 2)"}, restart=False),
    Case("fingerprint/enum-alias-name", 7, [
        P("import enum\nclass Color(enum.Enum):\n    RED = 1\n    BLUE = 2\nc = Color.RED"),
        C("cname = c.name"),
    ], probes=["cname"], edit={0: "import enum\nclass Color(enum.Enum):\n    RED = 1\n    BLUE = 2\nc = Color.BLUE"},
        restart=False),
    Case("fingerprint/index-type", 7, [
        P("import pandas as pd\ns = pd.Series([1, 2], index=[0, 1])"),
        C("itype = type(s.index).__name__"),
    ], probes=["itype"], edit={0: "import pandas as pd\ns = pd.Series([1, 2])"}, restart=False),
    Case("fingerprint/structured-array-field-names", 7, [
        P("import numpy as np\nst = np.zeros(2, dtype=[('a', 'f8'), ('b', 'f8')])"),
        C("fields = list(st.dtype.names)"),
    ], probes=["fields"], edit={0: "import numpy as np\nst = np.zeros(2, dtype=[('a', 'f8'), ('c', 'f8')])"},
        restart=False),
    # 6. spurious misses: nothing changed, so every cached cell must hit after a restart
    Case("hits/set-of-strings-input", 6, [
        P("names = {'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'}"),
        C("n_up = sorted(x.upper() for x in names)"),
    ], probes=["n_up"], expect_hit=True),
    Case("hits/dict-keyed-by-frozensets", 6, [
        P("groups = {frozenset({'a', 'b'}): 1, frozenset({'c', 'd', 'e'}): 2}"),
        C("gsum = sum(groups.values())"),
    ], probes=["gsum"], expect_hit=True),
    Case("hits/plain-class-instance-input", 6, [
        P("class Cfg:\n    def __init__(self):\n        self.n = 3\ncfg = Cfg()"),
        C("out_c = [cfg.n] * 2"),
    ], probes=["out_c"], expect_hit=True),
    Case("hits/logger-input", 6, [
        P("import logging\nlog = logging.getLogger('xcnb')"),
        C("log.info('start')\nres_l = sum(range(10))"),
    ], probes=["res_l"], expect_hit=True, why="notebooks keep a logger at the top; it must not block caching"),
    Case("hits/pathlib-path-input", 6, [
        P("from pathlib import Path\nroot = Path('data')"),
        C("parts = list(root.parts)"),
    ], probes=["parts"], expect_hit=True),
    Case("hits/seeded-generator-input", 6, [
        P("import numpy as np\nrng = np.random.default_rng(7)"),
        C("draw = rng.integers(0, 100, 3).tolist()"),
    ], probes=["draw", "rng.integers(0, 100)"], expect_hit=True),
    Case("hits/regex-input", 6, [
        P("import re\npat = re.compile(r'[a-z]+')"),
        C("words = pat.findall('ab 12 cd')"),
    ], probes=["words"], expect_hit=True),
]

MORE += [
    Case("writes/view-held-elsewhere", 2, [
        P("import numpy as np\narr = np.arange(6.0)\nholder = {'v': arr[:3]}"),
        C("holder['v'][:] = -1\nflag_v = 1"),
    ], probes=["arr.tolist()", "holder['v'].base is arr"]),
    Case("writes/random-shuffle-list", 2, [
        P("import random\ndeck = list(range(8))"),
        C("random.shuffle(deck)\nshuffled = True"),
    ], probes=["deck", "random.random()"]),
    Case("world/remove-dynamic-name", 5, [
        P("stem = 'ol'"),
        C("import os\nos.remove(stem + 'd.txt')\nremoved = 1"),
        P("import os\nstill_there = os.path.exists('old.txt')"),
    ], probes=["still_there"], files={"old.txt": "x"}, files_edit={"old.txt": "x"}),
    Case("world/rename-dynamic-name", 5, [
        P("src_name = 'a' + '.txt'"),
        C("import os\nos.rename(src_name, 'moved-' + src_name)\nmoved = 1"),
        P("import os\nnames_after = sorted(n for n in os.listdir('.') if n.endswith('.txt'))"),
    ], probes=["names_after"], files={"a.txt": "1"}, files_edit={"a.txt": "1", "moved-a.txt": None}),
    Case("world/mkdir-dynamic-name", 5, [
        P("dname = 'out' + 'dir2'"),
        C("import os\nos.mkdir(dname)\nmade_d = 1"),
        P("import os\nhas_dir = os.path.isdir('outdir2')"),
    ], probes=["has_dir"], files_edit={"outdir2": None}),
    Case("world/sqlite-write-dynamic-name", 5, [
        P("dbname = 'w' + '.db'"),
        C("import sqlite3\ncon = sqlite3.connect(dbname)\ncon.execute('create table t(v)')\n"
          "con.execute('insert into t values (1)')\ncon.commit()\ncon.close()\nwrote = 1"),
        P("import sqlite3, os\nrows_w = sqlite3.connect(dbname).execute('select count(*) from t').fetchall() "
          "if os.path.exists(dbname) else None"),
    ], probes=["rows_w"], files_edit={"w.db": None}),
    Case("world/numpy-save-then-load", 5, [
        C("import numpy as np\nnp.save('saved.npy', np.arange(3))\nsaved = 1"),
        P("import numpy as np\nloaded_s = np.load('saved.npy').tolist()"),
    ], probes=["loaded_s"], files_edit={"saved.npy": None}),
]
