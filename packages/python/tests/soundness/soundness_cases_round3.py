"""Round 3 of adversarial cases of issue 8: reads through Python's object protocol (descriptors, __getattr__,
metaclasses, __class_getitem__, operators, dataclass factories, enum methods), interpreter and library state the
hidden sources did not list (locale, gc, umask, socket timeout, int digits, lru caches, warning registries,
sys.modules, attributes of library modules), iterator state as an input, and the world reached by subprocesses and
low-level file calls (see soundness_cases for the table's format)."""

from soundness_harness import C, Case, P

ROUND3 = [
    # 1. reads through the object protocol
    Case("reads/instance-getattr-reads-global", 1, [
        P("SETTINGS = {'alpha': 1}\nclass Cfg:\n    def __getattr__(self, n):\n        return SETTINGS[n]\ncfg = Cfg()"),
        C("av = cfg.alpha + 1"),
    ], probes=["av"], edit={0: "SETTINGS = {'alpha': 5}\nclass Cfg:\n    def __getattr__(self, n):\n"
                               "        return SETTINGS[n]\ncfg = Cfg()"}, restart=False),
    Case("reads/metaclass-getattr-reads-global", 1, [
        P("CONF = {'speed': 3}"),
        P("class M(type):\n    def __getattr__(cls, n):\n        return CONF[n]\nclass A(metaclass=M):\n    pass"),
        C("sp = A.speed * 2"),
    ], probes=["sp"], edit={0: "CONF = {'speed': 4}"}, restart=False),
    Case("reads/class-getitem-reads-global", 1, [
        P("TABLE = {'a': 1}"),
        P("class Reg:\n    def __class_getitem__(cls, k):\n        return TABLE[k]"),
        C("rv = Reg['a']"),
    ], probes=["rv"], edit={0: "TABLE = {'a': 2}"}, restart=False),
    Case("reads/descriptor-get-reads-global", 1, [
        P("SCALE = 2"),
        P("class D:\n    def __get__(self, obj, typ=None):\n        return SCALE * 10\nclass H:\n    x = D()\nh = H()"),
        C("hx = h.x"),
    ], probes=["hx"], edit={0: "SCALE = 3"}, restart=False),
    Case("reads/operator-overload-reads-global", 1, [
        P("OFFSET = 100"),
        P("class V:\n    def __add__(self, o):\n        return OFFSET + o\nv = V()"),
        C("s = v + 1"),
    ], probes=["s"], edit={0: "OFFSET = 200"}, restart=False),
    Case("reads/metaclass-call-reads-global", 1, [
        P("MADE = 'x'"),
        P("class Meta(type):\n    def __call__(cls, *a):\n        return MADE\nclass Thing(metaclass=Meta):\n    pass"),
        C("t = Thing()"),
    ], probes=["t"], edit={0: "MADE = 'y'"}, restart=False),
    Case("reads/dataclass-default-factory-global", 1, [
        P("N = 3"),
        P("from dataclasses import dataclass, field\n@dataclass\nclass Cfg2:\n"
          "    n: int = field(default_factory=lambda: N)"),
        C("c2 = Cfg2()\nn2 = c2.n"),
    ], probes=["n2"], edit={0: "N = 4"}, restart=False),
    Case("reads/enum-method-reads-global", 1, [
        P("K = 10"),
        P("from enum import Enum\nclass Color(Enum):\n    RED = 1\n    def scaled(self):\n        return self.value * K"),
        C("sc = Color.RED.scaled()"),
    ], probes=["sc"], edit={0: "K = 20"}, restart=False),
    Case("reads/generator-input-state", 1, [
        P("g = (i * i for i in range(10))\nnext(g)"),
        C("rest = list(g)"),
    ], probes=["rest"], edit={0: "g = (i * i for i in range(10))\nnext(g)\nnext(g)"}, restart=False),
    Case("reads/itertools-count-input-state", 1, [
        P("import itertools\nctr = itertools.count()\nnext(ctr)"),
        C("nv = next(ctr)"),
    ], probes=["nv", "next(ctr)"], edit={0: "import itertools\nctr = itertools.count()\nnext(ctr)\nnext(ctr)"},
        restart=False),
    # 2. writes the analysis does not see
    Case("writes/nonlocal-counter", 2, [
        P("def make():\n    n = 0\n    def inc():\n        nonlocal n\n        n += 1\n        return n\n    return inc\n"
          "inc = make()"),
        C("first = inc()"),
    ], probes=["first", "inc()"]),
    Case("writes/lru-cache-filled-by-cell", 2, [
        P("import functools\ncalls = []\n@functools.lru_cache(None)\ndef sq(x):\n    calls.append(x)\n    return x * x"),
        C("y = sq(3)"),
        P("z = sq(3)\nncalls = len(calls)"),
    ], probes=["ncalls", "sq.cache_info().hits", "sq.cache_info().currsize"]),
    Case("writes/builtins-attribute-set-by-cell", 2, [
        C("import builtins\nbuiltins.MAGIC_XC = 42\nok = 1"),
        P("seen = globals().get('MAGIC_XC', None) or __import__('builtins').__dict__.get('MAGIC_XC')"),
    ], probes=["seen"]),
    Case("writes/library-module-attribute-set-by-cell", 2, [
        P("import json"),
        C("json.XC_FLAG = 'on'\nset_flag = 1"),
        P("flag = getattr(json, 'XC_FLAG', None)"),
    ], probes=["flag"]),
    Case("writes/sys-modules-injected", 2, [
        P("import sys, types"),
        C("m = types.ModuleType('xc_fake_mod')\nm.V = 7\nsys.modules['xc_fake_mod'] = m\ninjected = 1"),
        P("import importlib.util\nfound = 'xc_fake_mod' in sys.modules"),
    ], probes=["found"]),
    Case("writes/itertools-cycle-advanced", 2, [
        P("import itertools\ncyc = itertools.cycle('abc')"),
        C("a1 = next(cyc)"),
    ], probes=["a1", "next(cyc)"]),
    Case("writes/dict-reordered", 2, [
        P("od = {'a': 1, 'b': 2}"),
        C("od['a'] = od.pop('a')\nreordered = 1"),
    ], probes=["list(od)"]),
    Case("writes/global-in-nested-call", 2, [
        P("total = 0\ndef _add(v):\n    global total\n    total += v\ndef add_twice(v):\n    _add(v)\n    _add(v)"),
        C("add_twice(5)\ndone2 = 1"),
    ], probes=["total"]),
    Case("writes/class-attr-list-via-instance", 2, [
        P("class Plugin:\n    registry = []\n    def register(self):\n        self.registry.append(type(self).__name__)\n"
          "pl = Plugin()"),
        C("pl.register()\nreg_done = 1"),
    ], probes=["Plugin.registry"]),
    Case("writes/warning-once-registry", 2, [
        P("import warnings\ndef warner():\n    warnings.warn('careful')\n    return 1"),
        C("w1 = warner()"),
        P("w2 = warner()"),
    ], probes=["w2"], why="the per-location registry silences a second warning"),
    # 4. hidden interpreter and library state
    Case("hidden/gc-disabled", 4, [
        P("import gc"),
        C("gc.disable()\ngcd = 1"),
    ], probes=["gc.isenabled()"]),
    Case("hidden/gc-threshold", 4, [
        P("import gc"),
        C("gc.set_threshold(1234, 5, 6)\ngct = 1"),
    ], probes=["gc.get_threshold()"]),
    Case("hidden/socket-default-timeout", 4, [
        P("import socket"),
        C("socket.setdefaulttimeout(7.5)\nst = 1"),
    ], probes=["socket.getdefaulttimeout()"]),
    Case("hidden/int-max-str-digits", 4, [
        P("import sys"),
        C("sys.set_int_max_str_digits(1000)\nmd = 1"),
    ], probes=["sys.get_int_max_str_digits()"]),
    Case("hidden/umask", 4, [
        P("import os"),
        C("os.umask(0o077)\num = 1"),
    ], probes=["(lambda o: (os.umask(o), o)[1])(os.umask(0))"]),
    Case("hidden/locale-set", 4, [
        P("import locale"),
        C("locale.setlocale(locale.LC_NUMERIC, 'C.UTF-8')\nls = 1"),
    ], probes=["locale.setlocale(locale.LC_NUMERIC)"]),
    Case("hidden/contextvar-set", 4, [
        P("import contextvars\ncv = contextvars.ContextVar('cv', default=0)"),
        C("cv.set(5)\ncs = 1"),
        P("cval = cv.get()"),
    ], probes=["cval"]),
    # 3. identity
    Case("identity/id-keyed-dict", 3, [
        C("objs = [[1], [2]]\nby_id = {id(o): i for i, o in enumerate(objs)}"),
        P("look = [by_id.get(id(o)) for o in objs]"),
    ], probes=["look"]),
    # 5. the world
    Case("world/open-rb", 5, [
        C("with open('blob.bin', 'rb') as fh:\n    blob = fh.read()"),
    ], probes=["blob"], files={"blob.bin": b"\x00\x01"}, files_edit={"blob.bin": b"\x00\x02"}),
    Case("world/os-open-read", 5, [
        C("import os\nfd = os.open('low.txt', os.O_RDONLY)\nlow = os.read(fd, 100)\nos.close(fd)\ndel fd"),
    ], probes=["low"], files={"low.txt": "one"}, files_edit={"low.txt": "two"}),
    Case("world/scandir-new-file", 5, [
        C("import os\nentries = sorted(e.name for e in os.scandir('.') if e.name.endswith('.dat'))"),
    ], probes=["entries"], files={"a.dat": "1"}, files_edit={"b.dat": "2"}),
    Case("world/pathlib-glob-new-file", 5, [
        C("from pathlib import Path\nfound_g = sorted(p.name for p in Path('.').glob('*.dat'))"),
    ], probes=["found_g"], files={"a.dat": "1"}, files_edit={"b.dat": "2"}),
    Case("world/os-walk-new-file", 5, [
        C("import os\nwalked = sorted(f for _, _, fs in os.walk('sub') for f in fs)"),
    ], probes=["walked"], files={"sub/a.txt": "1"}, files_edit={"sub/deeper/b.txt": "2"}),
    Case("world/subprocess-reads-file", 5, [
        C("import subprocess\nout = subprocess.run(['cat', 'sp.txt'], capture_output=True, text=True).stdout"),
    ], probes=["out"], files={"sp.txt": "one"}, files_edit={"sp.txt": "two"}),
    Case("world/os-system-writes-file", 5, [
        C("import os\nrc = os.system('echo hi > sys_out.txt')"),
        P("import os\nexists_sys = os.path.exists('sys_out.txt')"),
    ], probes=["exists_sys"], files_edit={"sys_out.txt": None}),
    Case("world/importlib-reload-edited-module", 5, [
        P("import xcmod_r3"),
        C("import importlib\nimportlib.reload(xcmod_r3)\nrv3 = xcmod_r3.X"),
    ], probes=["rv3"], files={"xcmod_r3.py": "X = 1\n"}, files_edit={"xcmod_r3.py": "X = 22\n"}, restart=False),
    Case("world/np-load-edited", 5, [
        P("import numpy as np\nnp.save('arr3.npy', np.arange(3))"),
        C("import numpy as np\nloaded3 = np.load('arr3.npy').tolist()"),
    ], probes=["loaded3"], edit={0: "import numpy as np\nnp.save('arr3.npy', np.arange(4))"}, restart=False),
    # 4. hidden state read (not changed) by the cell: its value then is an input
    Case("hidden/decimal-precision-read", 4, [
        P("import decimal\ndecimal.getcontext().prec = 5"),
        C("from decimal import Decimal\nq7 = str(Decimal(1) / Decimal(7))"),
    ], probes=["q7"], edit={0: "import decimal\ndecimal.getcontext().prec = 8"}, restart=False),
    Case("hidden/numpy-errstate-read", 4, [
        P("import numpy as np\nnp.seterr(divide='ignore');"),
        C("import warnings\nwith warnings.catch_warnings(record=True) as wl:\n    warnings.simplefilter('always')\n"
          "    inf = np.array([1.0]) / 0\nnwarn = len(wl)\ndel wl"),
    ], probes=["nwarn"], edit={0: "import numpy as np\nnp.seterr(divide='warn');"}, restart=False),
    Case("hidden/gc-state-read", 4, [
        P("import gc\ngc.enable()"),
        C("gc_on = gc.isenabled()"),
    ], probes=["gc_on"], edit={0: "import gc\ngc.disable()"}, restart=False),
    Case("hidden/recursion-limit-read", 4, [
        P("import sys\nsys.setrecursionlimit(3000)"),
        C("lim = sys.getrecursionlimit()"),
    ], probes=["lim"], edit={0: "import sys\nsys.setrecursionlimit(3500)"}, restart=False),
    Case("hidden/socket-timeout-read-in-function", 4, [
        P("import socket\nsocket.setdefaulttimeout(3.0)"),
        P("def tmo():\n    return socket.getdefaulttimeout()"),
        C("t_read = tmo()"),
    ], probes=["t_read"], edit={0: "import socket\nsocket.setdefaulttimeout(9.0)"}, restart=False),
    # spurious misses: the new dependencies hold after a restart
    Case("hits/settings-read-after-restart", 4, [
        P("import gc, socket, decimal"),
        C("from decimal import Decimal\nthird = str(Decimal(1) / Decimal(3))\nflags = (gc.isenabled(), socket.getdefaulttimeout())"),
    ], probes=["third", "flags"], expect_hit=True),
    Case("hits/instance-reaches-class-attribute", 2, [
        P("class Reg2:\n    items = [1]\n    def total(self):\n        return sum(self.items)\nr2 = Reg2()"),
        C("tot2 = r2.total()"),
    ], probes=["tot2", "Reg2.items"], expect_hit=True),
    Case("identity/id-of-preexisting-in-mutated-dict", 3, [
        P("pts = [[1], [2]]\nseen_ids = {}"),
        C("for p in pts:\n    seen_ids[id(p)] = len(p)\nregistered = 1"),
        P("hits_ids = [seen_ids.get(id(p)) for p in pts]"),
    ], probes=["hits_ids"]),
    # round 3b: more of the same causes
    Case("writes/sys-modules-injected-unnamed", 2, [
        P("import sys, types"),
        C("sys.modules['xc_fake2'] = types.ModuleType('xc_fake2')\ninj2 = 1"),
        P("found2 = 'xc_fake2' in sys.modules"),
    ], probes=["found2"]),
    Case("writes/library-class-attribute-set-by-cell", 2, [
        P("import fractions"),
        C("fractions.Fraction.xc_tag = 'tagged'\ntagged = 1"),
        P("tag = getattr(fractions.Fraction, 'xc_tag', None)"),
    ], probes=["tag"]),
    Case("hidden/signal-handler", 4, [
        P("import signal"),
        C("def on_usr1(signum, frame):\n    pass\nsignal.signal(signal.SIGUSR1, on_usr1)\nsig = 1"),
    ], probes=["signal.getsignal(signal.SIGUSR1) is on_usr1"]),
    Case("hidden/timezone-tzset", 4, [
        P("import os, time"),
        C("os.environ['TZ'] = 'Asia/Tokyo'\ntime.tzset()\ntzs = 1"),
    ], probes=["time.tzname", "time.timezone"]),
    Case("hidden/switch-interval", 4, [
        P("import sys"),
        C("sys.setswitchinterval(0.01)\nswi = 1"),
    ], probes=["sys.getswitchinterval()"]),
    Case("writes/cached-property-filled", 2, [
        P("import functools\ncp_calls = []\nclass Lazy:\n    @functools.cached_property\n    def val(self):\n"
          "        cp_calls.append(1)\n        return 5\nlz = Lazy()"),
        C("lv = lz.val"),
        P("lv2 = lz.val\nncp = len(cp_calls)"),
    ], probes=["ncp"]),
    Case("reads/dunder-str-reads-global", 1, [
        P("PREFIX = 'a'"),
        P("class Fmt:\n    def __str__(self):\n        return PREFIX + '!'\nfo = Fmt()"),
        C("shown_f = f'{fo}'"),
    ], probes=["shown_f"], edit={0: "PREFIX = 'b'"}, restart=False),
    Case("reads/dict-subclass-missing-reads-global", 1, [
        P("DEFAULT = 0"),
        P("class DD(dict):\n    def __missing__(self, k):\n        return DEFAULT\ndd = DD()"),
        C("miss_v = dd['zz']"),
    ], probes=["miss_v"], edit={0: "DEFAULT = 9"}, restart=False),
    Case("reads/user-module-dict-mutated-by-cell", 1, [
        P("import xcmod_cfg\nxcmod_cfg.CONFIG['k'] = 1"),
        C("kv = xcmod_cfg.get()"),
    ], probes=["kv"], files={"xcmod_cfg.py": "CONFIG = {'k': 0}\ndef get():\n    return CONFIG['k'] * 10\n"},
        edit={0: "import xcmod_cfg\nxcmod_cfg.CONFIG['k'] = 2"}, restart=False),
    Case("hits/instance-of-class-with-property-and-abc", 2, [
        P("import abc\nclass Shape(abc.ABC):\n    @abc.abstractmethod\n    def area(self): ...\n"
          "class Sq(Shape):\n    def __init__(self, s):\n        self.s = s\n    @property\n    def side(self):\n"
          "        return self.s\n    def area(self):\n        return self.side ** 2\nsq = Sq(3)"),
        C("ar = sq.area() + sq.side"),
    ], probes=["ar"], expect_hit=True,
        why="a property and an ABC's _abc_impl in a user class have no fingerprint: they counted as changed"),
    Case("hits/class-instance-stored-then-class-used", 7, [
        P("class Pt:\n    def __init__(self, x):\n        self.x = x"),
        C("p1 = Pt(1)"),
        C("p2 = Pt(p1.x + 1)"),
    ], probes=["p2.x"], expect_hit=True, why="pickling the first instance caches __slotnames__ on the class"),
    # round 3c: containers whose contents live outside their __dict__ (subclasses of builtins, C types)
    Case("writes/counter-updated", 2, [
        P("from collections import Counter\ncnt = Counter({'a': 1})"),
        C("cnt.update(['a', 'b'])\ncounted = 1"),
    ], probes=["sorted(cnt.items())"]),
    Case("writes/ordereddict-move-to-end", 2, [
        P("from collections import OrderedDict\nodd = OrderedDict(a=1, b=2)"),
        C("odd.move_to_end('a')\nmoved_od = 1"),
    ], probes=["list(odd)"]),
    Case("writes/list-subclass-appended", 2, [
        P("class Items(list):\n    pass\nits = Items([1])"),
        C("its.append(2)\nappended = 1"),
    ], probes=["list(its)", "type(its).__name__"]),
    Case("writes/deque-appended", 2, [
        P("from collections import deque\ndq = deque([1])"),
        C("dq.append(2)\ndq_done = 1"),
    ], probes=["list(dq)"]),
    Case("writes/dict-subclass-attr-and-items", 2, [
        P("class Reg3(dict):\n    pass\nrg = Reg3(a=1)\nrg.note = 'x'"),
        C("rg['b'] = 2\nrg.note = 'y'\nrg_done = 1"),
    ], probes=["sorted(rg.items())", "rg.note", "type(rg).__name__"]),
    Case("writes/defaultdict-filled", 2, [
        P("from collections import defaultdict\ndd2 = defaultdict(list)"),
        C("dd2['k'].append(1)\nfilled = 1"),
    ], probes=["dict(dd2)"]),
    Case("writes/tuple-keyed-dict-updated", 2, [
        P("grid = {(0, 0): 1}"),
        C("grid[(0, 1)] = 2\ngrid[(0, 0)] = 9\ngrid_done = 1"),
    ], probes=["sorted(grid.items())"]),
    Case("writes/set-subclass-added", 2, [
        P("class Tags(set):\n    pass\ntg = Tags({'a'})"),
        C("tg.add('b')\ntagged2 = 1"),
    ], probes=["sorted(tg)"]),
    Case("writes/deque-subclass-appended", 2, [
        P("from collections import deque\nclass Hist(deque):\n    pass\nhist = Hist([1])"),
        C("hist.append(2)\nhist_done = 1"),
    ], probes=["list(hist)"]),
    Case("writes/bytearray-subclass-extended", 2, [
        P("class Buf(bytearray):\n    pass\nbuf = Buf(b'ab')"),
        C("buf.extend(b'cd')\nbuf_done = 1"),
    ], probes=["bytes(buf)"]),
    Case("writes/set-member-attribute", 2, [
        P("class Node:\n    def __init__(self, k):\n        self.k = k\n        self.v = 0\nn1 = Node(1)\nnodes = {n1, Node(2)}"),
        C("for nd in nodes:\n    nd.v += 1\nbumped = 1"),
    ], probes=["sorted((n.k, n.v) for n in nodes)", "n1.v", "n1 in nodes"]),
    Case("writes/object-key-attribute", 2, [
        P("class K2:\n    def __init__(self):\n        self.v = 0\nk2 = K2()\nkd = {k2: 1}"),
        C("for kk in kd:\n    kk.v = 5\nkd_done = 1"),
    ], probes=["k2.v", "k2 in kd", "[k.v for k in kd]"]),
    Case("writes/library-attribute-set-in-called-function", 2, [
        P("def setflag():\n    import json\n    json.XC2 = 1"),
        C("setflag()\nsf = 1"),
        P("flag2 = getattr(__import__('json'), 'XC2', None)"),
    ], probes=["flag2"]),
]
