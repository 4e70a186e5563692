"""Round 5, second half (see soundness_cases_round5): identity, hidden state, the outside world, spurious misses
and fingerprints. In each `why`: what a wrong hit would show."""

from soundness_harness import C, Case, P

ROUND5B = [
    # 3. identity: new values pointing at objects the namespace already had
    Case("identity/rebind-to-preexisting-element", 3, [
        P("models5 = [[1], [2]]"),
        C("best5 = models5[1]"),
        P("best5.append(3)"),
    ], probes=["models5", "best5 is models5[1]"], why="a wrong hit binds a copy: models5[1] misses the 3"),
    Case("identity/new-object-stored-into-preexisting-and-name", 3, [
        P("registry5 = []"),
        C("node5 = {'v': 1}\nregistry5.append(node5)"),
        P("node5['v'] = 2"),
    ], probes=["registry5", "registry5[-1] is node5"]),
    Case("identity/tuple-holds-preexisting", 3, [
        P("cfg5 = {'k': 1}"),
        C("pair5 = (cfg5, [1])"),
        P("cfg5['k'] = 2"),
    ], probes=["pair5[0]['k']", "pair5[0] is cfg5"]),
    Case("identity/bound-method-of-preexisting", 3, [
        P("class Obj:\n    def __init__(self):\n        self.v = 1\n    def get(self):\n        return self.v\nobj5 = Obj()"),
        C("m5 = obj5.get"),
        P("obj5.v = 9\nmv5 = m5()"),
    ], probes=["mv5", "m5.__self__ is obj5"], why="a wrong hit binds the method to a copy: mv5 == 1"),
    Case("identity/dict-keys-view-of-preexisting", 3, [
        P("dk5 = {'a': 1}"),
        C("ks5 = dk5.keys()"),
        P("dk5['z'] = 2\nseen5 = sorted(ks5)"),
    ], probes=["seen5"], why="a view restored as a copy would not see 'z'"),
    Case("identity/subclass-of-preexisting-class", 3, [
        P("class A5:\n    pass"),
        C("class B5(A5):\n    pass\nb5 = B5()"),
    ], probes=["isinstance(b5, A5)", "B5.__bases__[0] is A5"]),
    Case("identity/closure-over-preexisting", 3, [
        P("cfg5 = {'k': 1}\ndef mk5(o):\n    return lambda: o"),
        C("get5 = mk5(cfg5)"),
        P("cfg5['k'] = 2\ngv5 = get5()['k']"),
    ], probes=["gv5", "get5() is cfg5"], why="a closure restored over a copy gives 1"),
    Case("identity/set-holds-preexisting-object", 3, [
        P("class Tok:\n    pass\ntok5 = Tok()"),
        C("s5 = {tok5}"),
    ], probes=["next(iter(s5)) is tok5"]),
    Case("identity/class-attribute-bound-to-new-name", 3, [
        P("class Holder5:\n    shared = None"),
        C("Holder5.shared = lst5 = []"),
        P("lst5.append(1)"),
    ], probes=["Holder5.shared", "Holder5.shared is lst5"]),
    # 4. hidden state held in function defaults, closures, positions and counters
    Case("hidden/random-instance-in-global", 4, [
        P("import random\nrng5 = random.Random(3)"),
        C("draw5 = rng5.random()"),
    ], probes=["rng5.random()"], why="a wrong hit leaves the generator unadvanced: the next draw repeats draw5"),
    Case("hidden/count-in-function-default", 4, [
        P("import itertools\ndef next_id5(c=itertools.count()):\n    return next(c)"),
        C("i5 = next_id5()"),
        P("j5 = next_id5()"),
    ], probes=["j5"], why="the counter lives in the function's defaults: a wrong hit gives j5 == 0"),
    Case("hidden/random-in-closure", 4, [
        P("import random\ndef mk5():\n    r = random.Random(1)\n    return lambda: r.random()\ndraw5 = mk5()"),
        C("a5 = draw5()"),
        P("b5 = draw5()"),
    ], probes=["b5"], why="a wrong hit gives b5 == the first draw"),
    Case("hidden/count-in-class-attribute", 4, [
        P("import itertools\nclass Ids5:\n    gen = itertools.count()"),
        C("x5 = next(Ids5.gen)"),
        P("y5 = next(Ids5.gen)"),
    ], probes=["y5"]),
    Case("hidden/stringio-position-read", 4, [
        P("import io\nsio5 = io.StringIO('line1\\nline2\\n')"),
        C("first5 = sio5.readline()"),
        P("second5 = sio5.readline()"),
    ], probes=["second5"], why="a wrong hit leaves the position at 0: second5 == 'line1'"),
    Case("hidden/map-object-advanced", 4, [
        P("m5 = map(str, [1, 2, 3])"),
        C("first5 = next(m5)"),
        P("rest5 = list(m5)"),
    ], probes=["rest5"]),
    Case("hidden/pandas-display-option-read", 4, [
        P("import pandas as pd\npd.set_option('display.max_rows', 4)"),
        C("df5 = pd.DataFrame({'a': range(10)})\ndf5"),
    ], edit={0: "import pandas as pd\npd.set_option('display.max_rows', 20)"}, restart=False,
        why="the table's text depends on the option: a wrong hit replays the truncated table"),
    Case("hidden/numpy-printoptions-read", 4, [
        P("import numpy as np\nnp.set_printoptions(precision=2)"),
        C("print(np.array([1 / 3]))"),
    ], edit={0: "import numpy as np\nnp.set_printoptions(precision=5)"}, restart=False,
        why="a wrong hit replays [0.33]"),
    Case("hidden/decimal-rounding-read", 4, [
        P("import decimal\ndecimal.getcontext().rounding = decimal.ROUND_DOWN"),
        C("q5 = str(decimal.Decimal(2) / decimal.Decimal(3))"),
    ], probes=["q5"], edit={0: "import decimal\ndecimal.getcontext().rounding = decimal.ROUND_UP"},
        why="a wrong hit keeps the rounded-down digits"),
    Case("hidden/import-side-effect-on-other-module", 4, [
        P("import registry5"),
        C("import plugin5\nn5 = len(registry5.ITEMS)"),
        P("after5 = list(registry5.ITEMS)"),
    ], probes=["after5", "'plugin5' in __import__('sys').modules"],
        files={"registry5.py": "ITEMS = []\n", "plugin5.py": "import registry5\nregistry5.ITEMS.append('p')\n"},
        why="importing plugin5 registers it elsewhere: a wrong hit leaves registry5.ITEMS empty"),
    Case("hidden/pandas-accessor-registered-by-cell", 4, [
        P("import pandas as pd"),
        C("@pd.api.extensions.register_dataframe_accessor('r5')\nclass R5:\n    def __init__(self, df):\n"
          "        self.df = df\n    def n(self):\n        return len(self.df)"),
        P("cnt5 = pd.DataFrame({'a': [1, 2]}).r5.n()"),
    ], probes=["cnt5"], why="a wrong hit leaves DataFrame without the accessor: AttributeError"),
    # 5. the outside world through handles opened earlier and files changed in place
    Case("world/read-through-handle-opened-earlier", 5, [
        P("fh5 = open('data5.txt')"),
        C("content5 = fh5.read()"),
        P("fh5.close()"),
    ], probes=["content5"], files={"data5.txt": "one\n"}, files_edit={"data5.txt": "two\n"},
        why="the file was opened by an earlier cell: a wrong hit gives 'one'"),
    Case("world/read-through-fd-opened-earlier", 5, [
        P("import os\nfd5 = os.open('data5.txt', os.O_RDONLY)"),
        C("raw5 = os.read(fd5, 100)"),
        P("os.close(fd5)"),
    ], probes=["raw5"], files={"data5.txt": "one\n"}, files_edit={"data5.txt": "two\n"},
        why="the descriptor is an int: a wrong hit gives b'one'"),
    Case("world/same-size-same-mtime-new-content", 5, [
        P("import os\nwith open('v5.txt', 'w') as f5:\n    f5.write('aaaa')\nos.utime('v5.txt', (1e9, 1e9))"),
        C("with open('v5.txt') as g5:\n    vc5 = g5.read()"),
    ], probes=["vc5"], edit={0: "import os\nwith open('v5.txt', 'w') as f5:\n    f5.write('bbbb')\n"
                                "os.utime('v5.txt', (1e9, 1e9))"}, restart=False,
        why="size and time are the same, the bytes are not: a wrong hit gives 'aaaa'"),
    Case("world/np-memmap-read", 5, [
        P("import numpy as np"),
        C("tot5 = int(np.memmap('m5.bin', dtype='uint8', mode='r').sum())"),
    ], probes=["tot5"], files={"m5.bin": b"\x01\x02\x03\x04"}, files_edit={"m5.bin": b"\x01\x02\x03\x09"}),
    Case("world/linecache-getline", 5, [
        C("import linecache\nl5 = linecache.getline('lines5.txt', 2)"),
    ], probes=["l5"], files={"lines5.txt": "a\nb\n"}, files_edit={"lines5.txt": "a\nc\n"}),
    Case("world/shutil-copy-then-read", 5, [
        C("import shutil\nshutil.copy('src5.txt', 'dst5.txt')\nwith open('dst5.txt') as f5:\n    c5 = f5.read()"),
    ], probes=["c5"], files={"src5.txt": "one"}, files_edit={"src5.txt": "two"}),
    Case("world/pathlib-iterdir", 5, [
        C("from pathlib import Path\nnames5 = sorted(p.name for p in Path('dd5').iterdir())"),
    ], probes=["names5"], files={"dd5/a.txt": "a"}, files_edit={"dd5/b.txt": "b"}),
    Case("world/sqlite-connection-opened-earlier", 5, [
        P("import sqlite3\ncon5 = sqlite3.connect(':memory:')\ncon5.execute('create table t (v int)')\n"
          "con5.execute('insert into t values (1)')"),
        C("rows5 = con5.execute('select v from t').fetchall()"),
    ], probes=["rows5"], edit={0: "import sqlite3\ncon5 = sqlite3.connect(':memory:')\n"
                                   "con5.execute('create table t (v int)')\ncon5.execute('insert into t values (2)')"},
        restart=False, why="the connection's contents are not a value the key can see: a wrong hit gives [(1,)]"),
    # 6. spurious misses: must hit after a restart with nothing changed
    Case("hits/dict-of-floats-input", 6, [
        P("w5 = {'a': 0.1, 'b': 1 / 3, 'c': float('nan'), 'd': -0.0}"),
        C("ks5 = sorted(w5)"),
    ], expect_hit=True),
    Case("hits/numpy-object-array-input", 6, [
        P("import numpy as np\noa5 = np.array(['a', 1, None, 2.5, (1, 2)], dtype=object)"),
        C("n5 = len(oa5)"),
    ], expect_hit=True),
    Case("hits/categorical-series-input", 6, [
        P("import pandas as pd\ncs5 = pd.Series(['x', 'y', 'x'], dtype='category')"),
        C("vc5 = cs5.value_counts().to_dict()"),
    ], expect_hit=True),
    Case("hits/tz-aware-datetimes-input", 6, [
        P("from datetime import datetime, timezone, timedelta\nimport zoneinfo\n"
          "ts5 = [datetime(2020, 1, 1, tzinfo=timezone.utc), datetime(2020, 6, 1, tzinfo=timezone(timedelta(hours=2))),"
          " datetime(2020, 6, 1, tzinfo=zoneinfo.ZoneInfo('Europe/Paris'))]"),
        C("iso5 = [t.isoformat() for t in ts5]"),
    ], expect_hit=True),
    Case("hits/pandas-tz-index-input", 6, [
        P("import pandas as pd\nser5 = pd.Series([1, 2, 3], index=pd.date_range('2020-01-01', periods=3, "
          "tz='Europe/Paris'))"),
        C("tot5 = int(ser5.sum())"),
    ], expect_hit=True),
    Case("hits/set-of-enum-members-input", 6, [
        P("import enum\nclass Color5(enum.Enum):\n    R = 1\n    G = 2\n    B = 3\nchosen5 = {Color5.R, Color5.B}"),
        C("names5 = sorted(c.name for c in chosen5)"),
    ], expect_hit=True, why="enum members hash by name (salted per process): the set's order changes"),
    Case("hits/set-of-plain-objects-input", 6, [
        P("class Node5:\n    def __init__(self, v):\n        self.v = v\nnodes5 = {Node5(1), Node5(2), Node5(3)}"),
        C("vals5 = sorted(n.v for n in nodes5)"),
    ], expect_hit=True, why="hashed by address: another order in every process"),
    Case("hits/nested-frozensets-and-tuples-of-str", 6, [
        P("fz5 = frozenset({frozenset({'a', 'b'}), frozenset({'c'})})\npairs5 = {('a', 'b'), ('c', 'd'), ('e', 'f')}"),
        C("n5 = len(fz5) + len(pairs5)"),
    ], expect_hit=True),
    Case("hits/mixed-object-column-and-multiindex", 6, [
        P("import pandas as pd\nmdf5 = pd.DataFrame({'m': ['a', 1, None, 2.5], 'n': [1, 2, 3, 4]},\n"
          "    index=pd.MultiIndex.from_tuples([('a', 1), ('a', 2), ('b', 1), ('b', 2)]))"),
        C("sh5 = mdf5.shape"),
    ], expect_hit=True),
    Case("hits/nullable-and-string-dtypes", 6, [
        P("import pandas as pd\nni5 = pd.Series([1, None], dtype='Int64')\nss5 = pd.Series(['a', None], dtype='string')"),
        C("na5 = int(ni5.isna().sum() + ss5.isna().sum())"),
    ], expect_hit=True),
    Case("hits/number-kinds-input", 6, [
        P("from fractions import Fraction\nfrom decimal import Decimal\n"
          "nums5 = [Fraction(1, 3), 2 + 3j, Decimal('1.5'), float('inf'), 10 ** 30]"),
        C("k5 = len(nums5)"),
    ], expect_hit=True),
    Case("hits/namedtuple-namespace-counter-deque-array", 6, [
        P("import array, types\nfrom collections import namedtuple, Counter, deque\nPt5 = namedtuple('Pt5', 'x y')\n"
          "pt5 = Pt5(1, 2)\nns5 = types.SimpleNamespace(a={'x', 'y'})\ncn5 = Counter('hello')\n"
          "dq5 = deque([1, 2], maxlen=3)\nar5 = array.array('d', [1.5])"),
        C("t5 = (pt5.x, len(ns5.a), cn5['l'], len(dq5), ar5[0])"),
    ], expect_hit=True),
    Case("hits/dict-with-cycle", 6, [
        P("cyc5 = {'a': 1}\ncyc5['self'] = cyc5"),
        C("ok5 = cyc5['self']['a']"),
    ], expect_hit=True),
    Case("hits/numpy-datetime-unicode-masked", 6, [
        P("import numpy as np\ndt5 = np.array(['2020-01-01'], dtype='datetime64[D]')\nus5 = np.array(['ab', 'c'])\n"
          "ma5 = np.ma.array([1, 2], mask=[0, 1])"),
        C("k5 = (len(dt5), len(us5), int(ma5.sum()))"),
    ], expect_hit=True),
    Case("hits/class-and-function-holding-str-sets", 6, [
        P("class Cfg5:\n    tags = {'x', 'y', 'z'}\n    def n(self):\n        return len(self.tags)\n"
          "STOP5 = {'a', 'the', 'of'}\ndef clean5(ws, allowed={'q', 'r', 's'}):\n"
          "    return [w for w in ws if w not in STOP5 or w in allowed]"),
        C("k5 = (Cfg5().n(), clean5(['a', 'b']))"),
    ], expect_hit=True),
    Case("hits/enum-member-and-partial-input", 6, [
        P("import enum, functools\nclass Mode5(enum.Enum):\n    FAST = 'f'\n    SLOW = 's'\nmode5 = Mode5.FAST\n"
          "parse5 = functools.partial(int, base=2)"),
        C("k5 = (mode5.value, parse5('101'))"),
    ], expect_hit=True),
    Case("hits/file-rewritten-same-content", 6, [
        C("with open('same5.txt') as f5:\n    sc5 = f5.read()"),
    ], files={"same5.txt": "x\n"}, files_edit={"same5.txt": "x\n"}, expect_hit=True,
        why="the file's time changed, its bytes did not"),
    # 7. fingerprints too coarse: the edit changes what the cell can observe
    Case("fingerprint/set-order-of-colliding-ints", 7, [
        P("s5 = {8, 16}"),
        C("order5 = list(s5)"),
    ], probes=["order5"], edit={0: "s5 = {16, 8}"}, why="equal sets, another iteration order: a wrong hit [8, 16]"),
    Case("fingerprint/deque-maxlen", 7, [
        P("from collections import deque\ndq5 = deque([1, 2], maxlen=3)"),
        C("m5 = dq5.maxlen"),
    ], probes=["m5"], edit={0: "from collections import deque\ndq5 = deque([1, 2], maxlen=5)"}),
    Case("fingerprint/array-typecode", 7, [
        P("import array\nar5 = array.array('i', [1])"),
        C("tc5 = ar5.typecode"),
    ], probes=["tc5"], edit={0: "import array\nar5 = array.array('l', [1])"}),
    Case("fingerprint/index-freq", 7, [
        P("import pandas as pd\nidx5 = pd.date_range('2020-01-01', periods=3)"),
        C("fq5 = str(idx5.freq)"),
    ], probes=["fq5"], edit={0: "import pandas as pd\nidx5 = pd.DatetimeIndex(['2020-01-01', '2020-01-02', "
                                "'2020-01-03'])"}),
    Case("fingerprint/masked-array-mask", 7, [
        P("import numpy as np\nma5 = np.ma.array([1, 2, 3], mask=[0, 1, 0])"),
        C("ms5 = int(ma5.sum())"),
    ], probes=["ms5"], edit={0: "import numpy as np\nma5 = np.ma.array([1, 2, 3], mask=[0, 0, 1])"}),
    Case("fingerprint/categorical-ordered-flag", 7, [
        P("import pandas as pd\ncat5 = pd.Categorical(['a', 'b'], ordered=False)"),
        C("od5 = cat5.ordered"),
    ], probes=["od5"], edit={0: "import pandas as pd\ncat5 = pd.Categorical(['a', 'b'], ordered=True)"}),
    Case("fingerprint/object-array-contents", 7, [
        P("import numpy as np\noa5 = np.empty(1, dtype=object)\noa5[0] = [1]"),
        P("oa5[0].append(5)"),
        C("sv5 = str(oa5[0])"),
    ], probes=["sv5"], edit={1: "oa5[0].append(6)"}, restart=False,
        why="the array's buffer holds the same pointer: a wrong hit gives '[1, 5]'"),
    Case("fingerprint/timezone-name-same-offset", 7, [
        P("from datetime import datetime\nimport zoneinfo\nd5 = datetime(2020, 1, 1, tzinfo=zoneinfo.ZoneInfo('Europe/Paris'))"),
        C("zn5 = str(d5.tzinfo)"),
    ], probes=["zn5"], edit={0: "from datetime import datetime\nimport zoneinfo\n"
                                "d5 = datetime(2020, 1, 1, tzinfo=zoneinfo.ZoneInfo('Europe/Berlin'))"}),
    Case("fingerprint/series-tz-same-instants", 7, [
        P("import pandas as pd\nst5 = pd.Series(pd.date_range('2020-01-01', periods=2, tz='UTC'))"),
        C("tz5 = str(st5.dt.tz)"),
    ], probes=["tz5"], edit={0: "import pandas as pd\nst5 = pd.Series(pd.date_range('2020-01-01', periods=2, "
                                "tz='UTC').tz_convert('Europe/Paris'))"}),
    Case("fingerprint/namespace-attribute-order", 7, [
        P("import types\nns5 = types.SimpleNamespace(a=1, b=2)"),
        C("r5 = repr(ns5)"),
    ], probes=["r5"], edit={0: "import types\nns5 = types.SimpleNamespace(b=2, a=1)"}),
    Case("fingerprint/instance-attribute-order", 7, [
        P("class O5:\n    pass\no5 = O5()\no5.a = 1\no5.b = 2"),
        C("keys5 = list(o5.__dict__)"),
    ], probes=["keys5"], edit={0: "class O5:\n    pass\no5 = O5()\no5.b = 2\no5.a = 1"}),
]
