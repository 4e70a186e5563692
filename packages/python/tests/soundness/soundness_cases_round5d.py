"""Round 5, fourth part (see soundness_cases_round5): objects whose pickling drops their attributes (subclasses of
C types with their own reduce: date, random.Random, Counter, defaultdict, ndarray), as inputs, as results and
changed in place. In each `why`: what a wrong hit would show."""

from soundness_harness import C, Case, P

_TAGGED = "import datetime\nclass Day5(datetime.date):\n    pass\n"
_COUNTING = ("import random\nclass CountingRandom(random.Random):\n    def random(self):\n"
             "        self.draws = getattr(self, 'draws', 0) + 1\n        return super().random()\n")

ROUND5D = [
    Case("fingerprint/date-subclass-attribute", 7, [
        P(_TAGGED + "d5 = Day5(2020, 1, 1)\nd5.tag = 'a'"),
        C("t5 = d5.tag"),
    ], probes=["t5"], edit={0: _TAGGED + "d5 = Day5(2020, 1, 1)\nd5.tag = 'b'"}, restart=False,
        why="date's reduce has no __dict__: a wrong hit keeps 'a'"),
    Case("identity/date-subclass-result-keeps-attribute", 3, [
        P(_TAGGED),
        C("d5 = Day5(2020, 1, 1)\nd5.tag = 'a'"),
        P("seen5 = getattr(d5, 'tag', None)"),
    ], probes=["seen5"], why="a stored copy without its attribute: seen5 None"),
    Case("hidden/random-subclass-attribute-changed", 4, [
        P(_COUNTING + "r5 = CountingRandom(1)"),
        C("x5 = r5.random()"),
    ], probes=["getattr(r5, 'draws', 0)", "r5.random()"],
        why="set back by setstate: a wrong hit leaves draws unset"),
    Case("identity/random-subclass-result", 3, [
        P(_COUNTING),
        C("r5 = CountingRandom(1)\nx5 = r5.random()"),
    ], probes=["getattr(r5, 'draws', 0)", "r5.random()"]),
    Case("fingerprint/random-subclass-attribute-input", 7, [
        P(_COUNTING + "r5 = CountingRandom(1)\nr5.label = 'a'"),
        C("lb5 = r5.label"),
    ], probes=["lb5"], edit={0: _COUNTING + "r5 = CountingRandom(1)\nr5.label = 'b'"}, restart=False),
    Case("identity/counter-subclass-result-keeps-attribute", 3, [
        P("from collections import Counter\nclass Hist5(Counter):\n    pass"),
        C("h5 = Hist5('aab')\nh5.label = 'x'"),
        P("hl5 = getattr(h5, 'label', None)"),
    ], probes=["hl5", "dict(h5)"]),
    Case("identity/defaultdict-subclass-result-keeps-attribute", 3, [
        P("from collections import defaultdict\nclass Groups5(defaultdict):\n    pass"),
        C("g5 = Groups5(list)\ng5['a'].append(1)\ng5.owner = 'me'"),
        P("go5 = getattr(g5, 'owner', None)"),
    ], probes=["go5", "dict(g5)"]),
    Case("identity/ndarray-subclass-result-keeps-attribute", 3, [
        P("import numpy as np\nclass Tagged5(np.ndarray):\n    pass"),
        C("a5 = np.arange(3).view(Tagged5)\na5.info = 'm'"),
        P("ai5 = getattr(a5, 'info', None)"),
    ], probes=["ai5", "a5.tolist()"]),
    Case("fingerprint/ndarray-subclass-attribute-input", 7, [
        P("import numpy as np\nclass Tagged5(np.ndarray):\n    pass\na5 = np.arange(3).view(Tagged5)\na5.info = 'm'"),
        C("ai5 = a5.info"),
    ], probes=["ai5"], edit={0: "import numpy as np\nclass Tagged5(np.ndarray):\n    pass\n"
                                "a5 = np.arange(3).view(Tagged5)\na5.info = 'n'"}, restart=False),
    Case("hits/date-subclass-with-attribute-input", 6, [
        P(_TAGGED + "d5 = Day5(2020, 1, 1)\nd5.tag = 'a'"),
        C("t5 = (d5.year, d5.tag)"),
    ], expect_hit=True),
    Case("hits/random-instance-input-after-draws", 6, [
        P("import random\nr5 = random.Random(4)\nr5.gauss(0, 1)"),
        C("g5 = r5.gauss(0, 1)"),
    ], expect_hit=True, why="gauss keeps its second value in gauss_next, part of getstate: a key that changes "
                            "across a restart would never hit"),
]
