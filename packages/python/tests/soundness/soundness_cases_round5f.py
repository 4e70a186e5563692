"""Round 5, sixth part (see soundness_cases_round5): the fingerprints and stored values round 5 made finer must stay
the same across a restart, or every dependent cell would miss: sets whose order counts, an index's freq, an ABC's
registry, and values stored with the attributes their pickling drops, feeding the next cached cell."""

from soundness_harness import C, Case, P

_TAGGED = "import datetime\nclass Day5(datetime.date):\n    pass\n"

ROUND5F = [
    Case("hits/shrunk-set-input", 6, [
        P("s5 = set(range(20))\ns5 -= {i for i in range(20) if i not in (7, 15)}\npair5 = {16, 8}"),
        C("o5 = (list(s5), list(pair5))"),
    ], expect_hit=True, why="their order is part of their fingerprint, and the same in every process"),
    Case("hits/datetimeindex-with-freq-input", 6, [
        P("import pandas as pd\nts5 = pd.Series([1, 2, 3], index=pd.date_range('2020-01-01', periods=3, freq='D'))"),
        C("last5 = int(ts5.iloc[-1])"),
    ], expect_hit=True),
    Case("hits/abc-with-registered-class-input", 6, [
        P("import abc\nclass Shape5(abc.ABC):\n    pass\nShape5.register(tuple)"),
        C("ok5 = isinstance((1, 2), Shape5)"),
    ], expect_hit=True, why="the registry is fingerprinted by the registered classes' names"),
    Case("hits/restored-date-subclass-feeds-next-cell", 6, [
        P(_TAGGED),
        C("d5 = Day5(2020, 1, 1)\nd5.tag = 'a'"),
        C("t5 = (d5.year, d5.tag)"),
    ], expect_hit=True, why="the restored value, attributes set again, fingerprints as the stored run's did"),
    Case("hits/restored-counter-subclass-feeds-next-cell", 6, [
        P("from collections import Counter\nclass Hist5(Counter):\n    pass"),
        C("h5 = Hist5('aab')\nh5.label = 'x'"),
        C("k5 = (h5['a'], h5.label)"),
    ], expect_hit=True),
]
