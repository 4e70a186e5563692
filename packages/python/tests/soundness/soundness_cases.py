"""The adversarial cases of issue 8, one table. The harness (soundness_harness.run_case) runs each plain in a fresh
kernel (the oracle) and with its C cells toggled (store, restart, edit, run again) and compares everything observable.

Causes: 1 reads through called code, 2 writes the analysis does not see, 3 identity, 4 hidden state, 5 outside world,
6 spurious misses (must hit after a restart with nothing changed), 7 fingerprints too coarse.

Writing a case: `Case(id, cause, cells, ...)` with cells `C(source)` (toggled for caching) and `P(source)` (plain);
`probes`: expressions evaluated at the end in both kernels (identity too: "b is a"); `edit`: {cell index: new
source} applied before the verifying run; `files` / `files_edit`: files of the folder before the first run / changed
(None deletes) before the verifying run; `restart=False` verifies in the storing kernel (a re-run, no restart; not
for edits of an imported user module, which the kernel would keep); `expect_hit=True`: every C cell must hit.
Every user variable, identities among them, hidden state and every cell's outputs are compared whether probed or
not, so probes are for what a variable does not show (a later draw, `is`, a computed view of an object). The plain
run must succeed: a case whose plain run raises is reported as broken.
"""

from soundness_harness import C, Case, P


CASES = [
    # ------------------------------------------------------------------------------------------------------------
    # 1. Reads through called code: an edit upstream of the function the cached cell calls must miss.
    Case("reads/global-via-function", 1, [
        P("data = [1, 2, 3]"),
        P("def total():\n    return sum(data)"),
        C("t = total()\nt"),
    ], probes=["t"], edit={0: "data = [1, 2, 3, 4]"}, why="issue example"),
    Case("reads/lambda-global", 1, [
        P("k = 2"),
        P("scale = lambda v: v * k"),
        C("ys = [scale(i) for i in range(4)]\nprint(ys)"),
    ], probes=["ys"], edit={0: "k = 5"}, restart=False),
    Case("reads/closure-reads-global", 1, [
        P("offset = 10"),
        P("def make_adder():\n    def inner(v):\n        return v + offset\n    return inner\nadd_offset = make_adder()"),
        C("r = add_offset(1)"),
    ], probes=["r"], edit={0: "offset = 20"}, restart=False),
    Case("reads/method-reads-class-attribute", 1, [
        P("class Scaler:\n    factor = 2\n    def apply(self, v):\n        return v * self.factor"),
        P("s = Scaler()"),
        C("out = s.apply(21)\nout"),
    ], probes=["out"], edit={0: "class Scaler:\n    factor = 3\n    def apply(self, v):\n        return v * self.factor"},
        why="class body edit: the instance's __dict__ is unchanged"),
    Case("reads/method-reads-global", 1, [
        P("rate = 0.1"),
        P("class Account:\n    def __init__(self, balance):\n        self.balance = balance\n"
          "    def interest(self):\n        return self.balance * rate"),
        P("acc = Account(100)"),
        C("i = acc.interest()"),
    ], probes=["i"], edit={0: "rate = 0.25"}, restart=False),
    Case("reads/transitive-helper", 1, [
        P("base = 3"),
        P("def g():\n    return base * 2\n\ndef f():\n    return g() + 1"),
        C("v = f()"),
    ], probes=["v"], edit={0: "base = 4"}, restart=False),
    Case("reads/default-argument", 1, [
        P("n = 5"),
        P("def h(x=n):\n    return x * 10"),
        C("w = h()"),
    ], probes=["w"], edit={0: "n = 6"}, restart=False),
    Case("reads/decorator-wrapper-reads-global", 1, [
        P("mult = 2"),
        P("def twice(fn):\n    def wrapper(x):\n        return fn(x) * mult\n    return wrapper\n\n"
          "@twice\ndef inc(x):\n    return x + 1"),
        C("z = inc(1)\nz"),
    ], probes=["z"], edit={0: "mult = 3"}, restart=False),
    Case("reads/property-reads-global", 1, [
        P("base = 2"),
        P("class T:\n    @property\n    def val(self):\n        return base * 10\nt = T()"),
        C("v = t.val"),
    ], probes=["v"], edit={0: "base = 3"}, restart=False),
    Case("reads/user-module-attribute-set-by-a-cell", 1, [
        P("import helpers\nhelpers.FACTOR = 3"),
        C("y = helpers.scaled(2)"),
    ], probes=["y"], files={"helpers.py": "FACTOR = 1\ndef scaled(x):\n    return x * FACTOR\n"},
        edit={0: "import helpers\nhelpers.FACTOR = 4"}, why="the module's file is unchanged, its global is not"),
    Case("reads/function-reads-globals-dict", 1, [
        P("cfg = 'small'"),
        P("def get_cfg():\n    return globals()['cfg']"),
        C("size = get_cfg().upper()"),
    ], probes=["size"], edit={0: "cfg = 'large'"}, restart=False),
    Case("reads/class-attribute-set-after-definition", 1, [
        P("class Model:\n    def predict(self, x):\n        return x * self.w"),
        P("Model.w = 2\nm = Model()"),
        C("pred = m.predict(5)"),
    ], probes=["pred"], edit={1: "Model.w = 7\nm = Model()"}, restart=False),

    # ------------------------------------------------------------------------------------------------------------
    # 2. Writes the analysis does not see: after a hit these objects must be as a run leaves them (or decline).
    Case("writes/mutation-through-function-argument", 2, [
        P("lst = [1]"),
        P("def add(l):\n    l.append(2)"),
        C("add(lst)"),
        P("after = list(lst)"),
    ], probes=["lst", "after"], why="issue example"),
    Case("writes/global-statement", 2, [
        P("count = 0"),
        P("def bump():\n    global count\n    count += 1"),
        C("bump()\nbump()"),
    ], probes=["count"]),
    Case("writes/numpy-module-function", 2, [
        P("import numpy as np\na = np.arange(10)\nm = np.zeros((3, 3))"),
        C("np.random.seed(0)\nnp.random.shuffle(a)\nnp.fill_diagonal(m, 5)"),
    ], probes=["a.tolist()", "m.tolist()"]),
    Case("writes/loop-variable", 2, [
        P("xs = []\nys = []"),
        C("for l in (xs, ys):\n    l.append(len(l) + 1)"),
        P("both = (list(xs), list(ys), l is ys)"),
    ], probes=["xs", "ys", "both"]),
    Case("writes/estimator-in-pipeline", 2, [
        P("import numpy as np\nfrom sklearn.decomposition import PCA\nfrom sklearn.pipeline import make_pipeline\n"
          "from sklearn.preprocessing import StandardScaler\n"
          "X = np.random.RandomState(0).rand(30, 4)\nscaler = StandardScaler()\npca = PCA(n_components=2)"),
        C("pipe = make_pipeline(scaler, pca).fit(X)"),
        P("comp = pca.components_.round(6).tolist()\nmean = scaler.mean_.round(6).tolist()"),
    ], probes=["comp", "mean", "pipe.steps[1][1] is pca"], why="issue example: the global pca is refitted"),
    Case("writes/line-magic-code", 2, [
        P("import numpy as np\ncounts = np.zeros(5)\nidx = np.array([0, 1, 1, 3])"),
        C("%timeit -q -n 2 -r 1 np.add.at(counts, idx, 1)"),
        P("seen = counts.tolist()"),
    ], probes=["seen"], why="issue example (quiet, fixed loops so the run is deterministic)"),
    Case("writes/exec-string", 2, [
        P("names = ['alpha', 'beta']"),
        C("for i, n in enumerate(names):\n    exec(f'{n} = {i} * 10')"),
    ], probes=["alpha", "beta"]),
    Case("writes/eval-mutates", 2, [
        P("acc = []"),
        C("eval('acc.append(41) or acc.append(42)')"),
    ], probes=["acc"]),
    Case("writes/globals-subscript", 2, [
        C("for i in range(3):\n    globals()[f'v{i}'] = i * i"),
        P("vs = [v0, v1, v2]"),
    ], probes=["vs"]),
    Case("writes/method-writes-other-global", 2, [
        P("log = []\nclass Logger:\n    def write(self, m):\n        log.append(m)\nlg = Logger()"),
        C("lg.write('hi')\nlg.write('there')"),
    ], probes=["log"]),
    Case("writes/operator-and-heapq", 2, [
        P("import heapq\nimport operator\nheap = [5, 9]\nd = {}"),
        C("heapq.heappush(heap, 1)\noperator.setitem(d, 'k', 1)"),
    ], probes=["heap", "d"]),
    Case("writes/pandas-inplace-through-function", 2, [
        P("import numpy as np\nimport pandas as pd\ndf = pd.DataFrame({'a': [1.0, np.nan, 3.0]})"),
        P("def clean(frame):\n    frame.dropna(inplace=True)\n    frame['b'] = frame['a'] * 2"),
        C("clean(df)"),
    ], probes=["df"]),
    Case("writes/fit-through-loop-variable", 2, [
        P("import numpy as np\nfrom sklearn.linear_model import LinearRegression\nX = np.arange(12.0).reshape(-1, 2)\n"
          "y = X @ np.array([1.0, -2.0]) + 0.5\nmodel = LinearRegression()"),
        C("for m in [model]:\n    m.fit(X, y)"),
        P("coef = model.coef_.round(6).tolist()"),
    ], probes=["coef", "m is model"], why="issue example"),
    Case("writes/augmented-assign-through-alias", 2, [
        P("lst = [1, 2]\nalias = lst"),
        C("alias += [3]"),
    ], probes=["lst", "alias is lst"]),

    # ------------------------------------------------------------------------------------------------------------
    # 3. Identity: shared objects stay shared; objects that existed before the cell are updated in place.
    Case("identity/alias-then-append", 3, [
        P("a = [1, 2]"),
        C("b = a\na.append(3)"),
    ], probes=["b is a", "b"], why="issue example"),
    Case("identity/dataframe-view-inplace", 3, [
        P("import numpy as np\nimport pandas as pd\ndf = pd.DataFrame({'x': [1.0, np.nan, 3.0]})"),
        C("view = df\ndf.dropna(inplace=True)"),
    ], probes=["view is df", "len(view)"], why="issue example"),
    Case("identity/figure-and-axes", 3, [
        P("import matplotlib.pyplot as plt"),
        C("fig, ax = plt.subplots(figsize=(3, 2))\nax.plot([1, 2, 3])"),
        P("ax.set_title('later')\nres = (ax.figure is fig, fig.axes[0] is ax, fig.axes[0].get_title())"),
    ], probes=["res"], why="issue example"),
    Case("identity/closure-sees-namespace-dict", 3, [
        P("d = {'k': 1}\ndef make(obj):\n    return lambda: obj\nget = make(d)"),
        C("d['k'] = 2\nd['j'] = 3"),
        P("seen = (get()['k'], get() is d)"),
    ], probes=["seen"], why="issue example"),
    Case("identity/shared-within-outputs", 3, [
        C("x = [1]\ny = [x, x]\nz = {'first': x}"),
        P("x.append(2)"),
    ], probes=["y[0] is x", "y[1] is y[0]", "z['first'] is x", "y"]),
    Case("identity/container-holds-preexisting", 3, [
        P("inner = [0]\nouter = {'in': inner}"),
        C("inner.append(1)"),
    ], probes=["outer['in'] is inner", "outer"]),
    Case("identity/numpy-view-of-preexisting", 3, [
        P("import numpy as np\nbase = np.zeros(4)\nv = base[:2]"),
        C("base[0] = 7.0"),
        P("after = float(v[0])"),
    ], probes=["after", "np.shares_memory(v, base)"]),
    Case("identity/attribute-alias", 3, [
        P("class Node:\n    def __init__(self):\n        self.items = []\nn1 = Node()\nalias = n1.items"),
        C("n1.items.append(5)"),
    ], probes=["alias is n1.items", "alias", "isinstance(n1, Node)"]),

    # ------------------------------------------------------------------------------------------------------------
    # 4. Hidden state: after a hit a later uncached cell sees the same generators, options and styles.
    Case("hidden/random-module", 4, [
        P("import random\nrandom.seed(1)"),
        C("x = random.random()"),
        P("after = random.random()"),
    ], probes=["after"], why="issue example"),
    Case("hidden/numpy-global-rng", 4, [
        P("import numpy as np\nnp.random.seed(0)"),
        C("r = np.random.rand(3)"),
        P("after = np.random.rand(2).tolist()"),
    ], probes=["after"], why="issue example"),
    Case("hidden/randomstate-used-by-function", 4, [
        P("import numpy as np\nrng = np.random.RandomState(0)\ndef draw():\n    return rng.rand()"),
        C("v = draw()"),
        P("after = rng.rand()"),
    ], probes=["after"]),
    Case("hidden/generator-via-function", 4, [
        P("import numpy as np\ngen = np.random.default_rng(42)\ndef sample(n):\n    return gen.normal(size=n)"),
        C("s = sample(3)"),
        P("after = gen.integers(0, 100, 5).tolist()"),
    ], probes=["after"]),
    Case("hidden/matplotlib-style", 4, [
        P("import matplotlib.pyplot as plt"),
        C("plt.style.use('ggplot')"),
        P("face = plt.rcParams['axes.facecolor']\nfig2, ax2 = plt.subplots(figsize=(2, 2))\nax2.plot([0, 1])"),
    ], probes=["face", "ax2.get_facecolor()"], why="issue example"),
    Case("hidden/rcparams-assignment", 4, [
        P("import matplotlib\nimport matplotlib.pyplot as plt"),
        C("plt.rcParams['lines.linewidth'] = 3.5\nmatplotlib.rc('font', size=13)"),
        P("lw = (plt.rcParams['lines.linewidth'], plt.rcParams['font.size'])"),
    ], probes=["lw"]),
    Case("hidden/library-draws-global-rng", 4, [
        P("import numpy as np\nfrom sklearn.model_selection import train_test_split\nnp.random.seed(1)\n"
          "X = np.arange(20).reshape(10, 2)"),
        C("X_tr, X_te = train_test_split(X, test_size=0.3)"),
        P("after = np.random.rand()"),
    ], probes=["after", "X_te.tolist()"]),
    Case("hidden/numpy-printoptions", 4, [
        P("import numpy as np"),
        C("np.set_printoptions(precision=2)"),
        P("print(np.array([1 / 3, 2 / 3]))"),
    ]),
    Case("hidden/pandas-option", 4, [
        P("import pandas as pd\nframe = pd.DataFrame({'v': range(12)})"),
        C("pd.set_option('display.max_rows', 4)"),
        P("print(frame)"),
    ]),
    Case("hidden/environment-variable", 4, [
        P("import os"),
        C("os.environ['SOUNDNESS_FLAG'] = 'on'"),
        P("flag = os.environ.get('SOUNDNESS_FLAG')"),
    ], probes=["flag"]),
    Case("hidden/warnings-filter", 4, [
        P("import warnings"),
        C("warnings.filterwarnings('ignore', category=UserWarning)"),
        P("warnings.warn('shown?')\nprint('after')"),
    ]),
    Case("hidden/decimal-context", 4, [
        P("import decimal"),
        C("decimal.getcontext().prec = 4"),
        P("q = str(decimal.Decimal(1) / decimal.Decimal(7))"),
    ], probes=["q"]),
    Case("hidden/working-directory", 4, [
        P("import os"),
        C("os.chdir('sub')"),
        P("here = sorted(os.listdir('.'))"),
    ], probes=["here"], files={"sub/inside.txt": "x"}),

    # ------------------------------------------------------------------------------------------------------------
    # 5. Outside world: files and user modules read must be part of the key; files written are written on a hit
    # (or the cell declines).
    Case("world/read-csv", 5, [
        P("import pandas as pd"),
        C("df = pd.read_csv('data.csv')\ndf"),
    ], probes=["df"], files={"data.csv": "a,b\n1,2\n3,4\n"}, files_edit={"data.csv": "a,b\n1,2\n3,5\n"},
        why="issue example"),
    Case("world/open-read", 5, [
        C("txt = open('x.txt').read()\nprint(txt)"),
    ], probes=["txt"], files={"x.txt": "first\n"}, files_edit={"x.txt": "second!\n"}, why="issue example", restart=False),
    Case("world/user-module-import", 5, [
        C("import helpers\ny = helpers.f(1)"),
    ], probes=["y"], files={"helpers.py": "def f(x):\n    return x + 1\n"},
        files_edit={"helpers.py": "def f(x):\n    return x + 100\n"}, why="issue example"),
    Case("world/from-user-module-import-constant", 5, [
        C("from helpers import K, scale\nz = scale(K)"),
    ], probes=["z"], files={"helpers.py": "K = 3\ndef scale(v):\n    return v * 2\n"},
        files_edit={"helpers.py": "K = 40\ndef scale(v):\n    return v * 2\n"}),
    Case("world/module-imported-earlier", 5, [
        P("import helpers"),
        C("y = helpers.double(21)"),
    ], probes=["y"], files={"helpers.py": "def double(x):\n    return 2 * x\n"},
        files_edit={"helpers.py": "def double(x):\n    return 3 * x\n"}),
    Case("world/read-in-called-function", 5, [
        P("def load():\n    with open('cfg.txt') as f:\n        return f.read().strip()"),
        C("val = load()"),
    ], probes=["val"], files={"cfg.txt": "alpha\n"}, files_edit={"cfg.txt": "beta-beta\n"}, restart=False),
    Case("world/directory-listing", 5, [
        P("import os"),
        C("names = sorted(os.listdir('inbox'))"),
    ], probes=["names"], files={"inbox/a.txt": "1"}, files_edit={"inbox/b.txt": "2"}, restart=False),
    Case("world/write-file", 5, [
        C("with open('out.txt', 'w') as f:\n    f.write('hello')"),
        P("back = open('out.txt').read()"),
    ], probes=["back"], files_edit={"out.txt": None}, why="issue example: out.txt deleted (a fresh checkout)"),
    Case("world/append-log", 5, [
        C("with open('log.txt', 'a') as f:\n    f.write('run\\n')\nresult = 42"),
    ], probes=["open('log.txt').read()"]),
    Case("world/pandas-to-csv", 5, [
        P("import pandas as pd\nframe = pd.DataFrame({'a': [1, 2]})"),
        C("frame.to_csv('out.csv', index=False)"),
    ], files_edit={"out.csv": None}),
    Case("world/user-package-submodule", 5, [
        C("from pkg.sub import g\nout = g()"),
    ], probes=["out"], files={"pkg/__init__.py": "", "pkg/sub.py": "def g():\n    return 'v1'\n"},
        files_edit={"pkg/sub.py": "def g():\n    return 'v2-changed'\n"}),
    Case("world/pathlib-read-text", 5, [
        P("from pathlib import Path"),
        C("words = Path('words.txt').read_text().split()"),
    ], probes=["words"], files={"words.txt": "a b c\n"}, files_edit={"words.txt": "a b c d e\n"}, restart=False),

    # ------------------------------------------------------------------------------------------------------------
    # 6. Spurious misses: after a restart with nothing changed, every cached cell must hit, and what it restores
    # must behave like what the run defined.
    Case("hits/defs-then-use", 6, [
        C("def sq(x):\n    return x * x\n\nclass Pt:\n    def __init__(self, v):\n        self.v = v"),
        C("res = sq(3) + Pt(4).v"),
    ], probes=["res"], expect_hit=True, why="issue example"),
    Case("hits/getsource-after-hit", 6, [
        C("def f(x):\n    return x + 1"),
        P("import inspect\nsrc = inspect.getsource(f)"),
    ], probes=["src"], expect_hit=True, why="issue example"),
    Case("hits/annotations-stay-objects", 6, [
        C("def g(x: int) -> float:\n    return x / 2\n\nclass Rec:\n    size: int = 3"),
        P("ann = (g.__annotations__, Rec.__annotations__)"),
    ], probes=["ann"], expect_hit=True, why="issue example: `from __future__ import annotations` must not leak"),
    Case("hits/dataclass", 6, [
        C("import dataclasses\n@dataclasses.dataclass\nclass Pt:\n    x: int\n    y: int = 0"),
        P("import inspect\nfields = [(f.name, f.type) for f in dataclasses.fields(Pt)]\nsig = str(inspect.signature(Pt))"),
    ], probes=["fields", "sig"], expect_hit=True),
    Case("hits/class-and-instance-one-cell", 6, [
        C("class Thing:\n    def __init__(self):\n        self.n = 3\n    def twice(self):\n        return 2 * self.n\n"
          "thing = Thing()"),
        P("check = (type(thing) is Thing, thing.twice())"),
    ], probes=["check"], expect_hit=True, why="issue example"),
    Case("hits/bunch-input", 6, [
        P("from sklearn.datasets import load_iris\niris = load_iris()"),
        C("means = iris.data.mean(axis=0).round(4).tolist()"),
    ], probes=["means"], expect_hit=True, why="issue example"),
    Case("hits/bunch-restored-then-used", 6, [
        C("from sklearn.datasets import load_wine\nwine = load_wine()"),
        C("n = wine.data.shape[0] + len(wine.feature_names)"),
    ], probes=["n"], expect_hit=True, why="a restored Bunch must fingerprint like the one the run made"),
    Case("hits/string-set-input", 6, [
        P("tags = {'red', 'green', 'blue', 'cyan', 'magenta'}"),
        C("n_tags = len(tags)"),
    ], probes=["n_tags"], expect_hit=True, why="set order changes with PYTHONHASHSEED across restarts"),
    Case("hits/lambda-and-function-inputs", 6, [
        P("key = lambda r: r[1]\ndef weight(x):\n    return x * 3"),
        C("srt = sorted([(1, 'b'), (2, 'a')], key=key)\nw = weight(2)"),
    ], probes=["srt", "w"], expect_hit=True, why="a function's fingerprint must not depend on the kernel's temp file"),
    Case("hits/chain-of-cached-cells", 6, [
        C("import numpy as np\nimport pandas as pd\narr = np.arange(10)"),
        C("frame = pd.DataFrame({'a': arr, 'b': arr * 2.5})\nframe.attrs['source'] = 'generated'"),
        C("desc = frame.describe()\ndesc"),
    ], probes=["desc"], expect_hit=True),
    Case("hits/fitted-estimator-input", 6, [
        C("import numpy as np\nfrom sklearn.linear_model import LinearRegression\nX = np.arange(10.0).reshape(-1, 1)\n"
          "model = LinearRegression().fit(X, 2 * X.ravel() + 1)"),
        C("pred = model.predict(X).round(6).tolist()"),
    ], probes=["pred"], expect_hit=True),
    Case("hits/cells-that-seed-their-generators", 6, [
        C("import numpy as np\nnp.random.seed(0)\nx = np.random.rand(3)"),
        C("import random\nrandom.seed(1)\nr = random.random()"),
        P("after = (np.random.rand(), random.random())"),
    ], probes=["after"], expect_hit=True, fixed_seeds=False,
        why="a fresh kernel's generators start anywhere: a cell that seeds them does not depend on that"),
    Case("hits/file-read-unchanged", 6, [
        C("import pandas as pd\ndf = pd.read_csv('data.csv')"),
        C("total = int(df.values.sum())"),
    ], probes=["total"], files={"data.csv": "a,b\n1,2\n3,4\n"}, expect_hit=True),
    Case("hits/user-module-unchanged", 6, [
        C("import helpers\nv = helpers.f(2)"),
    ], probes=["v"], files={"helpers.py": "def f(x):\n    return x * 5\n"}, expect_hit=True),
    Case("hits/plot-and-print", 6, [
        C("import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(3, 2))\nax.plot([1, 3, 2])\nprint('plotted')"),
    ], expect_hit=True, why="outputs (an image, a line of text) replayed as the run showed them"),

    # ------------------------------------------------------------------------------------------------------------
    # 7. Fingerprints too coarse: values equal to `==` but observably different must miss.
    Case("fingerprint/dict-order", 7, [
        P("d = {'a': 1, 'b': 2}"),
        C("keys = list(d)\nkeys"),
    ], probes=["keys"], edit={0: "d = {'b': 2, 'a': 1}"}, why="issue example"),
    Case("fingerprint/c-vs-fortran-order", 7, [
        P("import numpy as np\na = np.arange(6).reshape(2, 3)"),
        C("flat = a.ravel(order='K').tolist()\nfortran = bool(a.flags['F_CONTIGUOUS'])"),
    ], probes=["flat", "fortran"], edit={0: "import numpy as np\na = np.asfortranarray(np.arange(6).reshape(2, 3))"},
        restart=False, why="issue example"),
    Case("fingerprint/memoryview-shape", 7, [
        P("mv = memoryview(bytearray(range(12))).cast('B', (3, 4))"),
        C("shape = mv.shape\nrows = mv.tolist()"),
    ], probes=["shape", "rows"], edit={0: "mv = memoryview(bytearray(range(12))).cast('B', (4, 3))"},
        why="issue example"),
    Case("fingerprint/dataframe-attrs", 7, [
        P("import pandas as pd\nframe = pd.DataFrame({'a': [1, 2]})\nframe.attrs['unit'] = 'm'"),
        C("unit = frame.attrs.get('unit')\nunit"),
    ], probes=["unit"], edit={0: "import pandas as pd\nframe = pd.DataFrame({'a': [1, 2]})\nframe.attrs['unit'] = 'km'"},
        restart=False, why="issue example"),
    Case("fingerprint/int-float-bool", 7, [
        P("x = 1"),
        C("r = repr(x)\nr"),
    ], probes=["r"], edit={0: "x = 1.0"}, restart=False),
    Case("fingerprint/negative-zero", 7, [
        P("z = 0.0"),
        C("s = str(z)"),
    ], probes=["s"], edit={0: "z = -0.0"}, restart=False),
    Case("fingerprint/dict-key-true-vs-one", 7, [
        P("m = {1: 'a'}"),
        C("ks = [repr(k) for k in m]"),
    ], probes=["ks"], edit={0: "m = {True: 'a'}"}, restart=False),
    Case("fingerprint/defaultdict-factory", 7, [
        P("from collections import defaultdict\ndd = defaultdict(int)"),
        C("fac = dd.default_factory.__name__"),
    ], probes=["fac"], edit={0: "from collections import defaultdict\ndd = defaultdict(list)"}, restart=False),
    Case("fingerprint/dataframe-column-order", 7, [
        P("import pandas as pd\nframe = pd.DataFrame({'a': [1], 'b': [2]})"),
        C("first = frame.columns[0]"),
    ], probes=["first"], edit={0: "import pandas as pd\nframe = pd.DataFrame({'b': [2], 'a': [1]})"}, restart=False),
    Case("fingerprint/series-name-and-index-name", 7, [
        P("import pandas as pd\nser = pd.Series([1, 2], name='x')\nser.index.name = 'i'"),
        C("label = (ser.name, ser.index.name)"),
    ], probes=["label"], edit={0: "import pandas as pd\nser = pd.Series([1, 2], name='y')\nser.index.name = 'j'"},
        restart=False),
    Case("fingerprint/strided-view", 7, [
        P("import numpy as np\nv = np.arange(0, 8, 2)"),
        C("contig = bool(v.flags['C_CONTIGUOUS'])"),
    ], probes=["contig"], edit={0: "import numpy as np\nv = np.arange(8)[::2]"}, restart=False),
    Case("fingerprint/set-vs-frozenset", 7, [
        P("s = {1, 2}"),
        C("kind = type(s).__name__"),
    ], probes=["kind"], edit={0: "s = frozenset({1, 2})"}, restart=False),
    Case("fingerprint/decimal-exponent", 7, [
        P("from decimal import Decimal\namount = Decimal('1.0')"),
        C("shown = str(amount)"),
    ], probes=["shown"], edit={0: "from decimal import Decimal\namount = Decimal('1.00')"}, restart=False),
    Case("fingerprint/categorical-categories-order", 7, [
        P("import pandas as pd\ncat = pd.Categorical(['a', 'b', 'a'], categories=['a', 'b'])"),
        C("codes = cat.codes.tolist()"),
    ], probes=["codes"], edit={0: "import pandas as pd\ncat = pd.Categorical(['a', 'b', 'a'], categories=['b', 'a'])"},
        restart=False),
    Case("fingerprint/byte-order", 7, [
        P("import numpy as np\nnums = np.array([1, 2], dtype='<i4')"),
        C("raw = nums.tobytes()"),
    ], probes=["raw"], edit={0: "import numpy as np\nnums = np.array([1, 2], dtype='>i4')"}),

]


from soundness_cases_more import MORE  # noqa: E402

CASES += MORE
from soundness_cases_round3 import ROUND3  # noqa: E402

CASES += ROUND3
from soundness_cases_round4 import ROUND4  # noqa: E402

CASES += ROUND4
from soundness_cases_round5 import ROUND5  # noqa: E402

CASES += ROUND5
from soundness_cases_round6 import ROUND6  # noqa: E402

CASES += ROUND6
