"""Round 4 of adversarial cases of issue 8: reads through class-creation hooks (__init_subclass__, __set_name__,
class decorators), partials, attrgetter, generators and library wrappers of user functions (contextmanager,
singledispatch); writes through property setters, setdefault, nested aliases, views, a frame's index and a hit that
cannot apply all it changed; memory shared with bytearrays; hidden state read without being changed (warning
filters, logging levels, the working folder, the environment's names); values that no run can repeat (the clock,
OS entropy, generators seeded from it, the process id, str hashes, file times); the world reached through sys.path
order and modules imported lazily by other modules; and fingerprints that must see NaN payloads and signs and an
array's read-only flag (see soundness_cases for the table's format)."""

from soundness_harness import C, Case, P

_STORE_HERE = "import os, xetcache.config as xcfg\nxcfg.set_memo_path(os.path.abspath('.xetcache'))\n"

ROUND4 = [
    # 1. reads through class-creation hooks and callables that are not plain calls
    Case("reads/init-subclass-reads-global", 1, [
        P("TAG = 'a'"),
        P("class Base:\n    def __init_subclass__(cls, **kw):\n        super().__init_subclass__(**kw)\n"
          "        cls.tag = TAG + '!'"),
        C("class Sub(Base):\n    pass\nst = Sub.tag"),
    ], probes=["st", "Sub.tag"], edit={0: "TAG = 'b'"}, restart=False),
    Case("reads/class-decorator-reads-global", 1, [
        P("SUFFIX = 1"),
        P("def stamp(cls):\n    cls.version = SUFFIX\n    return cls"),
        C("@stamp\nclass Model:\n    pass\nmv = Model.version"),
    ], probes=["mv"], edit={0: "SUFFIX = 2"}, restart=False),
    Case("reads/set-name-reads-global", 1, [
        P("PREFIX4 = 'p_'"),
        P("class Field:\n    def __set_name__(self, owner, name):\n        self.label = PREFIX4 + name"),
        C("class Rec:\n    x = Field()\nlab = Rec.x.label"),
    ], probes=["lab"], edit={0: "PREFIX4 = 'q_'"}, restart=False),
    Case("reads/map-lambda-in-called-function", 1, [
        P("W = 2"),
        P("def scale_all(xs):\n    return list(map(lambda v: v * W, xs))"),
        C("sc4 = scale_all([1, 2])"),
    ], probes=["sc4"], edit={0: "W = 3"}, restart=False),
    Case("reads/attrgetter-of-property-reads-global", 1, [
        P("UNIT = 'cm'"),
        P("import operator\nclass Len:\n    def __init__(self, v):\n        self.v = v\n    @property\n"
          "    def shown(self):\n        return f'{self.v}{UNIT}'\nitems4 = [Len(1), Len(2)]\n"
          "get_shown = operator.attrgetter('shown')"),
        C("shown4 = list(map(get_shown, items4))"),
    ], probes=["shown4"], edit={0: "UNIT = 'mm'"}, restart=False),
    Case("reads/generator-function-reads-global", 1, [
        P("STEP = 1"),
        P("def steps(n):\n    for i in range(n):\n        yield i * STEP"),
        C("sv = list(steps(3))"),
    ], probes=["sv"], edit={0: "STEP = 5"}, restart=False),
    Case("reads/coroutine-reads-global", 1, [
        P("BASE4 = 10"),
        P("async def fetch():\n    return BASE4 + 1"),
        C("co = fetch()\ntry:\n    co.send(None)\nexcept StopIteration as stop:\n    cv4 = stop.value\ndel co"),
    ], probes=["cv4"], edit={0: "BASE4 = 20"}, restart=False),
    Case("reads/partial-keyword-holds-mutated-list", 1, [
        P("LIMITS = [1, 2]"),
        P("import functools\ndef clip(v, lims):\n    return min(max(v, lims[0]), lims[1])\n"
          "clip12 = functools.partial(clip, lims=LIMITS)"),
        P("LIMITS[1] = 3"),
        C("cl = clip12(5)"),
    ], probes=["cl"], edit={2: "LIMITS[1] = 4"}, restart=False),
    Case("reads/function-rebinds-called-helper", 1, [
        P("def helper():\n    return 1"),
        P("def main():\n    return helper() * 10"),
        P("def helper():\n    return 2"),
        C("mv4 = main()"),
    ], probes=["mv4"], edit={2: "def helper():\n    return 3"}, restart=False),
    Case("reads/classmethod-reads-attribute-set-later", 1, [
        P("class Cfg4:\n    n = 1\n    @classmethod\n    def get(cls):\n        return cls.n"),
        P("Cfg4.n = 2"),
        C("g4 = Cfg4.get()"),
    ], probes=["g4"], edit={1: "Cfg4.n = 3"}, restart=False),
    Case("reads/singledispatch-reads-global", 1, [
        P("SUFFIX9 = '!'"),
        P("from functools import singledispatch\n@singledispatch\ndef describe(x):\n    return f'{x}{SUFFIX9}'\n"
          "@describe.register\ndef _(x: int):\n    return f'int {x}{SUFFIX9}'"),
        C("dsc = (describe('a'), describe(3))"),
    ], probes=["dsc"], edit={0: "SUFFIX9 = '?'"}, restart=False,
        why="the library's wrapper function stands for the user's functions it dispatches to"),
    Case("reads/singledispatch-called-before-reads-global", 1, [
        P("SUFFIX8 = '!'"),
        P("from functools import singledispatch\n@singledispatch\ndef describe8(x):\n    return f'{x}{SUFFIX8}'\n"
          "warm8 = describe8('w')"),
        C("dsc8 = describe8('a')"),
    ], probes=["dsc8"], edit={0: "SUFFIX8 = '?'"}, restart=False,
        why="its dispatch cache already filled, the run changes nothing: only the key can see the edit"),
    Case("reads/contextmanager-reads-global", 1, [
        P("LEVEL = 1"),
        P("from contextlib import contextmanager\n@contextmanager\ndef managed():\n    yield LEVEL * 10"),
        C("with managed() as mv:\n    got = mv"),
    ], probes=["got"], edit={0: "LEVEL = 2"}, restart=False,
        why="contextlib's helper wraps the user's generator function: the key must hold what it runs"),
    # 2. writes through descriptors, shared structures, views and failing runs
    Case("writes/property-setter-appends-global", 2, [
        P("LOG4 = []\nclass Box:\n    def __init__(self):\n        self._v = 0\n    @property\n    def v(self):\n"
          "        return self._v\n    @v.setter\n    def v(self, x):\n        LOG4.append(x)\n        self._v = x\n"
          "box = Box()"),
        C("box.v = 5"),
    ], probes=["LOG4", "box.v"]),
    Case("writes/setdefault-on-shared-dict", 2, [
        P("groups = {}\nalias_g = groups"),
        C("groups.setdefault('a', []).append(1)\ngroups.setdefault('a', []).append(2)\nsd = 1"),
    ], probes=["alias_g is groups", "alias_g"]),
    Case("writes/list-in-list-aliased", 2, [
        P("inner = [1]\nouter = [inner, [inner]]"),
        C("outer[1][0].append(2)\nao = 1"),
    ], probes=["inner", "outer[0] is inner", "outer[1][0] is inner"]),
    Case("writes/copy-copy-shares-items", 2, [
        P("import copy\norig = {'xs': [1]}"),
        C("sh = copy.copy(orig)\nsh['xs'].append(2)"),
    ], probes=["orig", "sh['xs'] is orig['xs']"]),
    Case("writes/array-iadd-held-elsewhere", 2, [
        P("import numpy as np\nacc = np.zeros(3)\nholder = {'acc': acc}"),
        C("acc += 1"),
    ], probes=["holder['acc'].tolist()", "holder['acc'] is acc"]),
    Case("writes/numpy-view-imul-changes-base", 2, [
        P("import numpy as np\nbase6 = np.arange(6.0)\nwin = base6[1:4]"),
        C("win *= 2\nw_done = 1"),
    ], probes=["base6.tolist()", "bool(np.shares_memory(win, base6))"]),
    Case("writes/exception-after-mutation-caught", 2, [
        P("items6 = [1]"),
        C("def risky(xs):\n    xs.append(3)\n    raise KeyError('x')\ntry:\n    risky(items6)\nexcept KeyError:\n"
          "    caught = True"),
    ], probes=["items6"]),
    Case("writes/del-global-a-function-reads", 2, [
        P("THRESH = 3\ndef above(v):\n    return v > THRESH"),
        C("del THRESH\ndone_del = 1"),
        P("try:\n    r8 = above(5)\nexcept NameError:\n    r8 = 'gone'"),
    ], probes=["r8"]),
    Case("writes/weakvaluedict-registered", 2, [
        P("import weakref\nclass Obj:\n    pass\nreg = weakref.WeakValueDictionary()"),
        C("o5 = Obj()\nreg['k'] = o5"),
        P("present = 'k' in reg and reg['k'] is o5"),
    ], probes=["present"]),
    Case("writes/threading-local-attribute", 2, [
        P("import threading\ntl = threading.local()\ntl.x = 1"),
        C("tl.x = 2\ntl_done = 1"),
    ], probes=["tl.x"]),
    Case("writes/generator-appends-global", 2, [
        P("buf5 = []\ndef producer():\n    for i in range(3):\n        buf5.append(i)\n        yield i"),
        C("total5 = sum(producer())"),
    ], probes=["buf5"]),
    Case("writes/rngs-inside-instances-in-dict", 2, [
        P("import numpy as np\nclass Sim:\n    def __init__(self, s):\n        self.rng = np.random.default_rng(s)\n"
          "sims = {'a': Sim(1), 'b': Sim(2)}"),
        C("draws = [int(s.rng.integers(0, 100)) for s in sims.values()]"),
    ], probes=["[int(s.rng.integers(0, 100)) for s in sims.values()]"]),
    Case("writes/pandas-inplace-on-selection", 2, [
        P("import pandas as pd\ndf6 = pd.DataFrame({'a': [1.0, None], 'b': [3.0, 4.0]})\nsub6 = df6[['a']]"),
        C("sub6.fillna(0, inplace=True)\nfilled6 = 1"),
    ], probes=["df6", "sub6"]),
    Case("writes/second-change-cannot-be-set-back", 2, [
        P("import numpy as np\na_lst = []\nz_arr = np.arange(3)"),
        C("a_lst.append(1)\nz_arr.shape = (3, 1)"),
    ], probes=["a_lst", "z_arr.shape"], why="a hit that fails half-way must not leave the first change applied"),
    Case("writes/pandas-index-renamed-in-place", 2, [
        P("import pandas as pd\ndf9 = pd.DataFrame({'a': [1, 2]})\nidx9 = df9.index"),
        C("df9.index.name = 'row'\nnamed9 = 1"),
    ], probes=["idx9.name", "df9.index is idx9"]),
    Case("hidden/pyplot-figure-left-open", 4, [
        P("import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt"),
        C("fig8 = plt.figure()\nplt.plot([1, 2])\nmade8 = 1"),
        P("nf8 = len(plt.get_fignums())\ncur8 = plt.gcf() is fig8\nnl8 = len(plt.gca().get_lines())"),
    ], probes=["nf8", "cur8", "nl8"], why="pyplot's open figures (Agg keeps them) are state a hit does not register"),
    # 3. identity: memory shared with objects that are not arrays
    Case("identity/frombuffer-of-bytearray", 3, [
        P("import numpy as np\nraw7 = bytearray(4)"),
        C("arr7 = np.frombuffer(raw7, dtype=np.uint8)"),
        P("raw7[0] = 9\nfirst7 = int(arr7[0])"),
    ], probes=["first7"], why="the array views the bytearray's memory: a copy after a hit does not see its writes"),
    Case("identity/frombuffer-of-new-bytearray", 3, [
        C("import numpy as np\nraw8 = bytearray(4)\narr8 = np.frombuffer(raw8, dtype=np.uint8)"),
        P("raw8[1] = 7\nsecond8 = int(arr8[1])"),
    ], probes=["second8"]),
    Case("identity/new-base-and-view", 3, [
        C("import numpy as np\nbig = np.arange(8)\nhalf = big[:4]\nhalf[0] = 99"),
        P("big[1] = 55\nseen_half = half.tolist()"),
    ], probes=["bool(np.shares_memory(big, half))", "seen_half"]),
    Case("identity/function-default-is-global-list", 3, [
        P("REG = []\ndef add(x, reg=REG):\n    reg.append(x)"),
        C("add(1)\nadd_done = 1"),
    ], probes=["REG", "add.__defaults__[0] is REG"]),
    # 4. hidden state read (not changed) by the cell
    Case("hidden/warnings-filter-read", 4, [
        P("import warnings\nwarnings.simplefilter('ignore')"),
        C("import warnings\nwarnings.warn('careful here')\nww = 1"),
    ], edit={0: "import warnings\nwarnings.simplefilter('always')"}, restart=False,
        why="the filters decide whether the warning is shown: an input the key does not name"),
    Case("hidden/logging-level-read", 4, [
        P("import logging, sys\nlogging.basicConfig(stream=sys.stdout, format='%(name)s %(message)s')\n"
          "log7 = logging.getLogger('xc7')\nlog7.setLevel(logging.WARNING)"),
        C("log7.info('hello')\nlogged = 1"),
    ], edit={0: "import logging, sys\nlogging.basicConfig(stream=sys.stdout, format='%(name)s %(message)s')\n"
                "log7 = logging.getLogger('xc7')\nlog7.setLevel(logging.INFO)"}, restart=False),
    Case("hidden/environ-names-iterated", 4, [
        P("import os\nos.environ['XC4_A'] = '1'"),
        C("import os\nxc_keys = sorted(k for k in os.environ if k.startswith('XC4_'))"),
    ], probes=["xc_keys"], edit={0: "import os\nos.environ['XC4_A'] = '1'\nos.environ['XC4_B'] = '2'"},
        restart=False),
    # the store's folder is made absolute first (the lab's cache_dir setting): by default it is relative to the
    # working folder, so a cell run after a chdir elsewhere would look in another store and miss anyway
    Case("hidden/getcwd-read", 4, [
        P(_STORE_HERE + "os.chdir('a')"),
        C("import os\nhere = os.path.basename(os.getcwd())"),
    ], probes=["here"], files={"a/x.txt": "1", "b/x.txt": "1"}, edit={0: _STORE_HERE + "os.chdir('b')"}),
    Case("hidden/abspath-read", 4, [
        P(_STORE_HERE + "os.chdir('a')"),
        C("import os\nfull = os.path.abspath('x.txt')"),
    ], probes=["full"], files={"a/x.txt": "1", "b/x.txt": "1"}, edit={0: _STORE_HERE + "os.chdir('b')"}),
    Case("hidden/path-cwd-read-in-function", 4, [
        P(_STORE_HERE + "os.chdir('a')"),
        P("from pathlib import Path\ndef where():\n    return Path.cwd().name"),
        C("wh = where()"),
    ], probes=["wh"], files={"a/x.txt": "1", "b/x.txt": "1"}, edit={0: _STORE_HERE + "os.chdir('b')"}),
    Case("hidden/random-seed-in-called-function", 4, [
        P("import random\ndef reseed():\n    random.seed(7)"),
        C("reseed()\nrv5 = random.random()"),
        P("after5 = random.random()"),
    ], probes=["after5"], fixed_seeds=False, expect_hit=True),
    Case("hidden/matplotlib-rc-call", 4, [
        P("import matplotlib\nmatplotlib.use('Agg')"),
        C("matplotlib.rc('lines', linewidth=4)\nrcd = 1"),
    ], probes=["matplotlib.rcParams['lines.linewidth']"]),
    Case("hidden/style-context-leaves-no-change", 4, [
        P("import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt"),
        C("with plt.style.context('ggplot'):\n    fig7, ax7 = plt.subplots()\n    ax7.plot([1, 2])\n"
          "fc7 = matplotlib.colors.to_hex(ax7.get_facecolor())"),
    ], probes=["fc7", "matplotlib.rcParams['axes.facecolor']"]),
    # 4. values no run can repeat: the clock, OS entropy, generators seeded from it (must run, saying why)
    Case("hidden/time-time", 4, [C("import time\nstamp = time.time()")]),
    Case("hidden/datetime-now", 4, [C("from datetime import datetime\nnow9 = datetime.now().isoformat()")]),
    Case("hidden/uuid4", 4, [C("import uuid\nrun_id = uuid.uuid4().hex")]),
    Case("hidden/os-urandom-in-function", 4, [
        P("import os\ndef token():\n    return os.urandom(8).hex()"),
        C("tok = token()"),
    ]),
    Case("hidden/secrets-token", 4, [C("import secrets\nsecret9 = secrets.token_hex(8)")]),
    Case("hidden/random-seed-from-entropy", 4, [C("import random\nrandom.seed()\nrr9 = random.random()")]),
    Case("hidden/default-rng-unseeded", 4, [C("import numpy as np\nnoise = np.random.default_rng().random(3)")]),
    Case("hidden/perf-counter-elapsed", 4, [
        C("from time import perf_counter\nt0 = perf_counter()\ns9 = sum(range(1000))\nel9 = perf_counter() - t0"),
    ]),
    Case("hidden/datetime64-now-string", 4, [C("import numpy as np\nstamp64 = str(np.datetime64('now'))")]),
    Case("hidden/date-today-through-module", 4, [C("import datetime as dt\nday = dt.date.today().isoformat()")]),
    Case("hidden/default-rng-seeded-with-none", 4, [
        C("import numpy as np\nnoise2 = np.random.default_rng(None).random(2)"),
    ]),
    Case("hidden/clock-in-lambda-of-called-function", 4, [
        P("import time\ndef stamper():\n    now = lambda: time.time_ns()\n    return now()"),
        C("st9 = stamper()"),
    ]),
    Case("hidden/os-getpid", 4, [C("import os\npid9 = os.getpid()")]),
    Case("hidden/hash-of-str", 4, [C("hv = hash('xetcache')")], why="str hashes are salted per process"),
    Case("hidden/tempfile-name", 4, [
        C("import tempfile, os\ntmpd = tempfile.mkdtemp()\ntmpn = os.path.basename(tmpd)\nos.rmdir(tmpd)"),
    ]),
    Case("hits/time-sleep-is-no-clock", 6, [
        C("import time\ntime.sleep(0)\nslept = 1"),
    ], probes=["slept"], expect_hit=True),
    Case("hits/timestamp-of-fixed-date", 6, [
        C("import pandas as pd\nts9 = pd.Timestamp('2024-01-02').isoformat()"),
    ], probes=["ts9"], expect_hit=True),
    # 5. the world: which file an import finds, modules imported by modules
    Case("world/sys-path-order-picks-module", 5, [
        P("import sys\nsys.path.insert(0, 'libA')"),
        C("import xcm4\nsrc4 = xcm4.X"),
    ], probes=["src4"], files={"libA/xcm4.py": "X = 'A'\n", "libB/xcm4.py": "X = 'B'\n"},
        edit={0: "import sys\nsys.path.insert(0, 'libB')"}),
    Case("world/module-imported-lazily-by-module", 5, [
        P("import outer4\nouter4.warm()"),
        C("v4 = outer4.f()"),
    ], probes=["v4"], files={"outer4.py": "def warm():\n    import inner4\n    return 0\n"
                                          "def f():\n    import inner4\n    return inner4.VALUE\n",
                             "inner4.py": "VALUE = 1\n"}, files_edit={"inner4.py": "VALUE = 2\n"}),
    Case("world/module-imports-module-edited", 5, [
        P("import outer5"),
        C("g5 = outer5.get()"),
    ], probes=["g5"], files={"outer5.py": "from inner5 import VAL\ndef get():\n    return VAL\n",
                             "inner5.py": "VAL = 1\n"}, files_edit={"inner5.py": "VAL = 2\n"}),
    Case("world/open-in-user-module-function", 5, [
        P("import helpers6"),
        C("d6 = helpers6.load()"),
    ], probes=["d6"], files={"helpers6.py": "def load():\n    with open('d6.txt') as f:\n        return f.read()\n",
                             "d6.txt": "one"}, files_edit={"d6.txt": "two"}),
    Case("world/import-module-by-string", 5, [
        C("import importlib\ndm = importlib.import_module('dynmod').X"),
    ], probes=["dm"], files={"dynmod.py": "X = 1\n"}, files_edit={"dynmod.py": "X = 2\n"}),
    # 7. fingerprints: NaN payload and sign, an array's read-only flag
    Case("fingerprint/nan-payload", 7, [
        P("import struct\nnan_a = struct.unpack('>d', bytes.fromhex('7ff8000000000001'))[0]"),
        C("import struct\npayload = struct.pack('>d', nan_a).hex()"),
    ], probes=["payload"], edit={0: "import struct\nnan_a = struct.unpack('>d', bytes.fromhex('7ff8000000000002'))[0]"},
        restart=False),
    Case("fingerprint/nan-sign", 7, [
        P("nan_b = float('nan')"),
        C("import math\nsign_b = math.copysign(1.0, nan_b)"),
    ], probes=["sign_b"], edit={0: "nan_b = -float('nan')"}, restart=False),
    Case("fingerprint/array-read-only-flag", 7, [
        P("import numpy as np\nro = np.arange(3)\nro.flags.writeable = False"),
        C("try:\n    ro[0] = 5\n    wmode = 'writable'\nexcept ValueError:\n    wmode = 'read-only'"),
    ], probes=["wmode", "ro.tolist()"], edit={0: "import numpy as np\nro = np.arange(3)"}, restart=False),
    Case("hits/read-only-array-input", 6, [
        P("import numpy as np\nfrozen = np.arange(4.0)\nfrozen.flags.writeable = False"),
        C("doubled = frozen * 2\nfz = bool(frozen.flags.writeable)"),
        C("tripled = doubled * 1.5"),
    ], probes=["fz", "tripled.tolist()"], expect_hit=True),
    Case("fingerprint/str-subclass-vs-str", 7, [
        P("class Tag(str):\n    pass\nlabel = 'x'"),
        C("lt = type(label).__name__"),
    ], probes=["lt"], edit={0: "class Tag(str):\n    pass\nlabel = Tag('x')"}, restart=False),
    Case("fingerprint/float-key-vs-int-key", 7, [
        P("fk = {1: 'a'}"),
        C("kt = [type(k).__name__ for k in fk]"),
    ], probes=["kt"], edit={0: "fk = {1.0: 'a'}"}, restart=False),
    # 6. spurious misses: harmless cells of the same shapes must hit after a restart
    Case("world/file-mtime-read", 5, [
        C("import os\nmt = os.path.getmtime('m.txt')"),
    ], probes=["mt"], files={"m.txt": "same"}, files_edit={"m.txt": "same"},
        why="rewritten with the same bytes: content unchanged, the modification time not"),
    Case("hits/seed-imported-by-name", 6, [
        P("from random import seed, random as rnd"),
        C("seed(3)\nr6 = rnd()"),
    ], probes=["r6"], fixed_seeds=False, expect_hit=True,
        why="a seed called through a name bound before the cell seeds the generator first all the same"),
    Case("hits/decorator-prints-when-applied", 6, [
        P("def announce(f):\n    print('registered', f.__name__)\n    return f"),
        C("@announce\ndef work():\n    return 1\nwv2 = work()"),
    ], probes=["wv2"], expect_hit=True, why="a hit re-runs the def (and its decorator) and replays the outputs"),
    Case("hits/init-subclass-registry", 6, [
        P("REGISTRY = []\nclass Plugin4:\n    def __init_subclass__(cls):\n        REGISTRY.append(cls.__name__)"),
        C("class CsvPlugin(Plugin4):\n    pass\nnplug = len(REGISTRY)"),
    ], probes=["REGISTRY"], expect_hit=True),
    Case("hits/str-subclass-input", 6, [
        P("class Name(str):\n    pass\nnm = Name('bob')"),
        C("up = nm.upper()"),
    ], probes=["up"], expect_hit=True),
    Case("hits/warning-shown-after-restart", 6, [
        C("import warnings\nwarnings.warn('shown once')\nwv3 = 1"),
    ], expect_hit=True),
    Case("hits/getcwd-unchanged", 6, [
        P(_STORE_HERE + "os.chdir('a')"),
        C("import os\nhere2 = os.path.basename(os.getcwd())"),
    ], probes=["here2"], files={"a/x.txt": "1"}, expect_hit=True),
    Case("hits/environ-names-unchanged", 6, [
        P("import os\nos.environ['XC5_A'] = '1'"),
        C("import os\nxc5 = sorted(k for k in os.environ if k.startswith('XC5_'))"),
    ], probes=["xc5"], expect_hit=True),
    Case("hits/seeded-rng-with-time-module-imported", 6, [
        C("import time\nimport numpy as np\nrng9 = np.random.default_rng(4)\nvals9 = rng9.random(2).tolist()"),
    ], probes=["vals9"], expect_hit=True, why="naming the time module is not reading the clock"),
]
