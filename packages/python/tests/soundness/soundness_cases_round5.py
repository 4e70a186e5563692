"""Round 5 of adversarial cases of issue 8: reads a trace of the notebook's own namespace cannot see (a user
module reading `__main__`, PEP 562 module `__getattr__`, a caller's frame, dunders called by the interpreter:
`__format__`, `__bool__`, `__iter__`, `__deepcopy__`); writes through dunders, function and closure internals,
file descriptors and handles opened by an earlier cell, a user module writing into `__main__`; identity of values
that point at objects of the namespace (bound methods, closures, subclasses, dict views); hidden state kept in
function defaults, closures, StringIO positions, lru caches' counters and imports' side effects; files read through
handles and descriptors opened earlier, and a file changed without changing its size or time; values whose
fingerprint must not change across a restart (sets of objects hashed by id, object arrays, tz-aware values,
categoricals); and fingerprints that must see a set's order, a deque's maxlen, an index's freq, a masked array's
mask, a categorical's order flag and an object array's contents (see soundness_cases for the table's format).

In each `why`: what a wrong hit would show."""

from soundness_harness import C, Case, P

_HELPERS_MAIN = "import __main__\ndef scale(x):\n    return x * __main__.FACTOR5\n"
_PUBLISH = "import __main__\ndef publish(v):\n    __main__.PUBLISHED5 = v\n"

ROUND5 = [
    # 1. reads the trace of called code in the notebook's namespace cannot see
    Case("reads/user-module-reads-main-global", 1, [
        P("FACTOR5 = 2"),
        P("import helpers5"),
        C("y5 = helpers5.scale(3)"),
    ], probes=["y5"], files={"helpers5.py": _HELPERS_MAIN}, edit={0: "FACTOR5 = 7"},
        why="the module's function reads a notebook global through `__main__`: a wrong hit keeps y5 == 6, not 21"),
    Case("reads/module-getattr-pep562", 1, [
        P("import mg5\nmg5.TABLE['a'] = 2"),
        C("va5 = mg5.a"),
    ], probes=["va5"], files={"mg5.py": "TABLE = {'a': 1}\ndef __getattr__(name):\n    return TABLE[name]\n"},
        edit={0: "import mg5\nmg5.TABLE['a'] = 3"}, restart=False,
        why="`mg5.a` is answered by the module's __getattr__ from a dict a cell changed: a wrong hit keeps 2"),
    Case("reads/format-dunder-reads-global", 1, [
        P("UNIT5 = 'kg'"),
        P("class Qty:\n    def __init__(self, v):\n        self.v = v\n    def __format__(self, spec):\n"
          "        return format(self.v, spec) + UNIT5\nq5 = Qty(2.5)"),
        C("s5 = f'{q5:.1f}'\nt5 = '{:.2f}'.format(q5)"),
    ], probes=["s5", "t5"], edit={0: "UNIT5 = 'lb'"},
        why="f-strings and str.format call __format__ from C: a wrong hit keeps '2.5kg'"),
    Case("reads/bool-dunder-reads-global", 1, [
        P("OPEN5 = False"),
        P("class Gate:\n    def __bool__(self):\n        return OPEN5\ngate5 = Gate()"),
        C("res5 = 'yes' if gate5 else 'no'"),
    ], probes=["res5"], edit={0: "OPEN5 = True"}, restart=False, why="a wrong hit keeps 'no'"),
    Case("reads/iter-dunder-reads-global", 1, [
        P("N5 = 3"),
        P("class Bag:\n    def __iter__(self):\n        return iter(range(N5))\nbag5 = Bag()"),
        C("tot5 = sum(bag5)"),
    ], probes=["tot5"], edit={0: "N5 = 5"}, why="sum() iterates through __iter__: a wrong hit keeps 3, not 10"),
    Case("reads/deepcopy-hook-reads-global", 1, [
        P("TAG5 = 'v1'"),
        P("import copy\nclass Doc:\n    def __init__(self):\n        self.tag = None\n"
          "    def __deepcopy__(self, memo):\n        d = Doc()\n        d.tag = TAG5\n        return d\ndoc5 = Doc()"),
        C("cp5 = copy.deepcopy(doc5)\nct5 = cp5.tag"),
    ], probes=["ct5"], edit={0: "TAG5 = 'v2'"}, why="copy.deepcopy calls the hook: a wrong hit keeps 'v1'"),
    Case("reads/getattr-on-main-by-string", 1, [
        P("HIDDEN5 = 10"),
        C("import sys\nname5 = 'HIDDEN' + '5'\nhv5 = getattr(sys.modules['__main__'], name5) + 1"),
    ], probes=["hv5"], edit={0: "HIDDEN5 = 20"},
        why="the name is built at run time and read through the module object: a wrong hit keeps 11"),
    Case("reads/vars-of-the-cell", 1, [
        P("LIMIT5 = 4"),
        C("vl5 = vars()['LIMIT' + '5'] * 2"),
    ], probes=["vl5"], edit={0: "LIMIT5 = 6"}, why="vars() is the namespace: a wrong hit keeps 8"),
    Case("reads/caller-frame-globals", 1, [
        P("SCALE5 = 3"),
        P("import sys\ndef peek5(name):\n    return sys._getframe(1).f_globals[name]"),
        C("pv5 = peek5('SCALE5') * 2"),
    ], probes=["pv5"], edit={0: "SCALE5 = 4"}, why="a helper reads its caller's globals: a wrong hit keeps 6"),
    Case("reads/setattr-on-class-read-by-instance-method", 1, [
        P("class Opts:\n    level = 1\n    def get(self):\n        return self.level * 100"),
        P("setattr(Opts, 'level', 2)"),
        C("lv5 = Opts().get()"),
    ], probes=["lv5"], edit={1: "setattr(Opts, 'level', 3)"}, why="a wrong hit keeps 200"),
    # 2. writes through dunders, function internals, descriptors and handles opened earlier
    Case("writes/setitem-of-user-container-logs", 2, [
        P("AUDIT5 = []\nclass Store:\n    def __init__(self):\n        self.d = {}\n"
          "    def __setitem__(self, k, v):\n        AUDIT5.append(k)\n        self.d[k] = v\nst5 = Store()"),
        C("st5['a'] = 1"),
    ], probes=["AUDIT5", "st5.d"], why="a wrong hit leaves AUDIT5 empty"),
    Case("writes/iadd-user-object-two-names", 2, [
        P("class Acc:\n    def __init__(self):\n        self.total = 0\n    def __iadd__(self, v):\n"
          "        self.total += v\n        return self\nacc5 = Acc()\nsame5 = acc5"),
        C("acc5 += 5"),
    ], probes=["same5.total", "acc5 is same5"], why="a wrong hit rebinds acc5 to a copy: same5.total stays 0"),
    Case("writes/del-dict-item-aliased", 2, [
        P("d5 = {'a': 1, 'b': 2}\nview5 = d5"),
        C("del d5['a']"),
    ], probes=["view5", "view5 is d5"], why="a wrong hit leaves 'a' in the alias"),
    Case("writes/list-sort-in-place-aliased", 2, [
        P("xs5 = [3, 1, 2]\nys5 = xs5"),
        C("xs5.sort()"),
    ], probes=["ys5"], why="a wrong hit leaves ys5 unsorted"),
    Case("writes/numpy-out-argument", 2, [
        P("import numpy as np\na5 = np.arange(3.0)\nb5 = np.zeros(3)\nhold5 = [b5]"),
        C("np.add(a5, 1, out=b5)\nok5 = 1"),
    ], probes=["hold5[0].tolist()", "hold5[0] is b5"], why="a wrong hit leaves b5 zeros"),
    Case("writes/numpy-out-in-function", 2, [
        P("import numpy as np\nBUF5 = np.zeros(2)\ndef fill5(v):\n    np.multiply(np.ones(2), v, out=BUF5)"),
        C("fill5(4)\nfo5 = 1"),
    ], probes=["BUF5.tolist()"], why="the write is by numpy into a global the function names: a wrong hit leaves zeros"),
    Case("writes/pandas-loc-assignment", 2, [
        P("import pandas as pd\ndf5 = pd.DataFrame({'a': [1, 2]})\nsame5 = df5"),
        C("df5.loc[0, 'a'] = 9"),
    ], probes=["same5['a'].tolist()", "same5 is df5"]),
    Case("writes/pandas-sort-values-inplace", 2, [
        P("import pandas as pd\ndf5 = pd.DataFrame({'a': [3, 1, 2]})\nholder5 = {'df': df5}"),
        C("df5.sort_values('a', inplace=True)"),
    ], probes=["holder5['df'].index.tolist()", "holder5['df'] is df5"]),
    Case("writes/array-array-append", 2, [
        P("import array\narr5 = array.array('i', [1])\nalias5 = arr5"),
        C("arr5.append(2)"),
    ], probes=["alias5.tolist()", "alias5 is arr5"]),
    Case("writes/bytearray-slice-assign", 2, [
        P("buf5 = bytearray(b'abcd')\nalias5 = buf5"),
        C("buf5[1:3] = b'XYZ'"),
    ], probes=["bytes(alias5)", "alias5 is buf5"], why="the slice changes the length too"),
    Case("writes/deque-rotate", 2, [
        P("from collections import deque\ndq5 = deque([1, 2, 3])\nalias5 = dq5"),
        C("dq5.rotate(1)"),
    ], probes=["list(alias5)", "alias5 is dq5"], why="same items, another order"),
    Case("writes/frozen-dataclass-object-setattr", 2, [
        P("from dataclasses import dataclass\n@dataclass(frozen=True)\nclass Pt:\n    x: int\npt5 = Pt(1)\nkeep5 = [pt5]"),
        C("object.__setattr__(pt5, 'x', 5)"),
    ], probes=["keep5[0].x", "keep5[0] is pt5"]),
    Case("writes/function-defaults-replaced", 2, [
        P("def f5(x=1):\n    return x"),
        C("f5.__defaults__ = (7,)"),
        P("fv5 = f5()"),
    ], probes=["fv5"], why="a wrong hit leaves the default 1"),
    Case("writes/function-code-replaced", 2, [
        P("def f5():\n    return 1\ndef g5():\n    return 2"),
        C("f5.__code__ = g5.__code__"),
        P("fv5 = f5()"),
    ], probes=["fv5"], why="a wrong hit leaves f5 returning 1"),
    Case("writes/user-class-method-replaced", 2, [
        P("class K5:\n    def m(self):\n        return 1\nk5 = K5()"),
        C("def m2(self):\n    return 2\nK5.m = m2"),
        P("kv5 = k5.m()"),
    ], probes=["kv5"]),
    Case("writes/closure-cell-contents-assigned", 2, [
        P("def mk5():\n    n = 1\n    return lambda: n\nget5 = mk5()"),
        C("get5.__closure__[0].cell_contents = 9"),
        P("gv5 = get5()"),
    ], probes=["gv5"], why="a wrong hit leaves the closure's 1"),
    Case("writes/user-module-writes-main", 2, [
        P("import pub5"),
        C("pub5.publish(42)\npd5 = 1"),
        P("seen5 = PUBLISHED5"),
    ], probes=["seen5"], files={"pub5.py": _PUBLISH},
        why="a module's function binds a notebook global through `__main__`: a wrong hit leaves it unbound (NameError)"),
    Case("writes/setattr-on-main-by-string", 2, [
        C("import sys\nsetattr(sys.modules['__main__'], 'DYN' + '5', 3)"),
        P("dv5 = DYN5"),
    ], probes=["dv5"]),
    Case("writes/globals-update-in-function", 2, [
        P("def put5(**kw):\n    globals().update(kw)"),
        C("put5(Z5=1)\nzz5 = 2"),
        P("zv5 = Z5"),
    ], probes=["zv5"]),
    Case("writes/lru-cache-hit-counter", 2, [
        P("from functools import lru_cache\n@lru_cache(maxsize=None)\ndef sq5(x):\n    return x * x\nsq5(2)"),
        C("r5 = sq5(2)"),
    ], probes=["sq5.cache_info()"], why="the call is a cache hit of lru_cache: a wrong hit leaves its hit counter 0"),
    Case("writes/stringio-written", 2, [
        P("import io\nsio5 = io.StringIO()"),
        C("sio5.write('abc')\nwr5 = 1"),
    ], probes=["sio5.getvalue()", "sio5.tell()"]),
    Case("writes/through-fd-opened-earlier", 2, [
        P("import os\nfd5 = os.open('out5.txt', os.O_WRONLY | os.O_CREAT | os.O_APPEND)"),
        C("os.write(fd5, b'hello\\n')\nwritten5 = 1"),
        P("os.close(fd5)"),
    ], why="the file descriptor is an int opened by an earlier cell: a wrong hit writes nothing to out5.txt"),
    Case("writes/through-handle-opened-earlier", 2, [
        P("log5 = open('log5.txt', 'a')"),
        C("log5.write('line\\n')\nlog5.flush()\nwl5 = 1"),
        P("log5.close()"),
    ], why="a wrong hit appends nothing to log5.txt"),
    Case("writes/logging-filehandler-opened-earlier", 2, [
        P("import logging\nlg5 = logging.getLogger('round5')\nlg5.handlers.clear()\n"
          "lg5.addHandler(logging.FileHandler('r5.log'))\nlg5.setLevel(logging.INFO)\nlg5.propagate = False"),
        C("lg5.info('computed')\nlv5 = 1"),
        P("for h5 in lg5.handlers:\n    h5.flush()"),
    ], why="a wrong hit logs nothing to r5.log"),
    Case("writes/shutil-rmtree", 2, [
        P("import os, shutil\nos.makedirs('d5', exist_ok=True)\nwith open('d5/a.txt', 'w') as f5:\n    f5.write('x')"),
        C("shutil.rmtree('d5')\ngone5 = 1"),
    ], probes=["os.path.exists('d5')"], why="a wrong hit leaves d5/ in place"),
    Case("writes/os-truncate", 2, [
        P("with open('t5.txt', 'w') as f5:\n    f5.write('abcdef')"),
        C("import os\nos.truncate('t5.txt', 2)\ntr5 = 1"),
    ], why="a wrong hit leaves 6 bytes"),
    Case("writes/os-link", 2, [
        P("import os\nwith open('a5.txt', 'w') as f5:\n    f5.write('x')\nif os.path.exists('b5.txt'):\n"
          "    os.remove('b5.txt')"),
        C("os.link('a5.txt', 'b5.txt')\nln5 = 1"),
    ], probes=["os.path.exists('b5.txt')"]),
    Case("writes/path-touch", 2, [
        P("import os\nfrom pathlib import Path\nif os.path.exists('flag5'):\n    os.remove('flag5')"),
        C("Path('flag5').touch()\nto5 = 1"),
    ], probes=["os.path.exists('flag5')"]),
]

from soundness_cases_round5b import ROUND5B  # noqa: E402

ROUND5 += ROUND5B
from soundness_cases_round5c import ROUND5C  # noqa: E402

ROUND5 += ROUND5C
from soundness_cases_round5d import ROUND5D  # noqa: E402

ROUND5 += ROUND5D
from soundness_cases_round5e import ROUND5E  # noqa: E402

ROUND5 += ROUND5E
from soundness_cases_round5f import ROUND5F  # noqa: E402

ROUND5 += ROUND5F
from soundness_cases_round5g import ROUND5G  # noqa: E402

ROUND5 += ROUND5G
