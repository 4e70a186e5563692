"""Round 5, fifth part (see soundness_cases_round5): process-wide registries a cell can fill without binding a
name (audit hooks, codecs, copyreg, matplotlib's colormaps, IPython's formatters), and writes through memory or
flags of objects a cell holds. In each `why`: what a wrong hit would show."""

from soundness_harness import C, Case, P

ROUND5E = [
    Case("writes/memoryview-of-preexisting-bytearray", 2, [
        P("buf5 = bytearray(b'abc')\nmv5 = memoryview(buf5)"),
        C("mv5[0] = 65\nmw5 = 1"),
    ], probes=["bytes(buf5)"], why="the write goes into buf5, which the cell never names: a wrong hit leaves b'abc'"),
    Case("writes/array-made-read-only", 2, [
        P("import numpy as np\narr5 = np.arange(3)"),
        C("arr5.flags.writeable = False\nro5 = 1"),
    ], probes=["bool(arr5.flags.writeable)"], why="a wrong hit leaves the array writable"),
    Case("hidden/audit-hook-added-by-cell", 4, [
        P("SEEN5 = []"),
        C("import sys\nsys.addaudithook(lambda e, a: SEEN5.append(e) if e == 'round5.event' else None)\nhk5 = 1"),
        P("import sys\nsys.audit('round5.event')\nn5 = len(SEEN5)"),
    ], probes=["n5"], why="a hit installs no hook: n5 == 0"),
    Case("hidden/codec-registered-by-cell", 4, [
        P("import codecs"),
        C("def _find5(name):\n    if name == 'upper5':\n        return codecs.CodecInfo(lambda s, e='strict': "
          "(s.upper().encode(), len(s)), lambda b, e='strict': (bytes(b).decode(), len(b)), name='upper5')\n"
          "codecs.register(_find5)\nreg5 = 1"),
        P("try:\n    enc5 = 'abc'.encode('upper5')\nexcept LookupError:\n    enc5 = None"),
    ], probes=["enc5"], why="a hit registers nothing: enc5 None"),
    Case("hidden/copyreg-registered-by-cell", 4, [
        P("import copyreg, pickle\nclass Pt5:\n    def __init__(self, x):\n        self.x = x"),
        C("copyreg.pickle(Pt5, lambda p: (Pt5, (p.x * 10,)))\ncr5 = 1"),
        P("px5 = pickle.loads(pickle.dumps(Pt5(1))).x"),
    ], probes=["px5"], why="a hit registers no reducer: px5 == 1"),
    Case("hidden/matplotlib-colormap-registered", 4, [
        P("import matplotlib\nmatplotlib.use('Agg')\nfrom matplotlib.colors import ListedColormap"),
        C("matplotlib.colormaps.register(ListedColormap(['red', 'blue'], name='mine5'))\ncm5 = 1"),
        P("has5 = 'mine5' in matplotlib.colormaps"),
    ], probes=["has5"], why="a hit registers no colormap: has5 False"),
    Case("hidden/ipython-formatter-registered", 4, [
        C("get_ipython().display_formatter.formatters['text/plain'].for_type(float, "
          "lambda x, p, cycle: p.text(f'{x:.1f}'))\nfm5 = 1"),
        P("1 / 3"),
    ], why="a hit registers no formatter: the next cell shows 0.3333333333333333"),
    Case("writes/instance-class-reassigned", 2, [
        P("class Cat5:\n    def say(self):\n        return 'meow'\nclass Dog5:\n    def say(self):\n"
          "        return 'woof'\npet5 = Cat5()"),
        C("pet5.__class__ = Dog5\nrc5 = 1"),
        P("said5 = pet5.say()"),
    ], probes=["said5"], why="a hit sets back the instance's attributes, not its class: said5 'meow'"),
    Case("writes/class-bases-reassigned", 2, [
        P("class A5:\n    def who(self):\n        return 'a'\nclass B5:\n    def who(self):\n        return 'b'\n"
          "class K5(A5):\n    pass"),
        C("K5.__bases__ = (B5,)\nrb5 = 1"),
        P("wk5 = K5().who()"),
    ], probes=["wk5"], why="a wrong hit leaves K5 deriving from A5: wk5 'a'"),
    Case("hits/counter-subclass-with-attribute-input", 6, [
        P("from collections import Counter\nclass Hist5(Counter):\n    pass\nh5 = Hist5('aab')\nh5.label = 'x'"),
        C("k5 = (h5['a'], h5.label)"),
    ], expect_hit=True),
]
