"""Round 5, third part (see soundness_cases_round5): what the first two parts turned up next to their failures: a
set's order that a stored copy loses, generators whose children counter lives outside their state, and ABC
registries. In each `why`: what a wrong hit would show."""

from soundness_harness import C, Case, P

_SHRUNK = "s5 = set(range(20))\ns5 -= {i for i in range(20) if i not in (7, 15)}"

ROUND5C = [
    Case("identity/set-order-lost-by-pickle", 3, [
        C(_SHRUNK),
        P("order5 = list(s5)"),
    ], probes=["order5"], why="the set grew and shrank: a pickled copy iterates 15, 7 where the run's set gives 7, 15"),
    Case("writes/set-shrunk-in-place", 2, [
        P("s5 = set(range(20))\nalias5 = s5"),
        C("for i5 in range(20):\n    if i5 not in (7, 15):\n        s5.discard(i5)"),
        P("order5 = list(alias5)"),
    ], probes=["order5", "alias5 is s5"], why="set back by clear() + update(): a wrong hit gives [15, 7]"),
    Case("fingerprint/set-grown-and-shrunk-input", 7, [
        P(_SHRUNK),
        C("first5 = next(iter(s5))"),
    ], probes=["first5"], edit={0: "s5 = {7, 15}"}, restart=False,
        why="equal sets, another order: a wrong hit gives 7 where the edited set starts with 15"),
    Case("hits/set-of-ints-input", 6, [
        P("s5 = {3, 1, 2, 8, 16, 100}"),
        C("total5 = sum(s5)"),
    ], expect_hit=True),
    Case("hidden/generator-spawn", 4, [
        P("import numpy as np\nrng5 = np.random.default_rng(1)"),
        C("kid5 = rng5.spawn(1)[0].random()"),
        P("again5 = rng5.spawn(1)[0].random()"),
    ], probes=["again5"], why="spawning counts children in the seed sequence, outside bit_generator.state: a wrong "
                              "hit gives again5 == kid5"),
    Case("hidden/seedsequence-spawn", 4, [
        P("import numpy as np\nss5 = np.random.SeedSequence(42)"),
        C("kids5 = [int(k.generate_state(1)[0]) for k in ss5.spawn(2)]"),
        P("more5 = int(ss5.spawn(1)[0].generate_state(1)[0])"),
    ], probes=["more5", "ss5.n_children_spawned"]),
    Case("hidden/bitgenerator-shared-by-two-generators", 4, [
        P("import numpy as np\nbg5 = np.random.PCG64(3)\ng5 = np.random.Generator(bg5)\nh5 = np.random.Generator(bg5)"),
        C("a5 = g5.random()"),
        P("b5 = h5.random()"),
    ], probes=["b5"], why="one bit generator behind two generators: a wrong hit gives b5 == a5"),
    Case("reads/abc-registered-virtual-subclass", 1, [
        P("import abc\nclass Base5(abc.ABC):\n    pass"),
        P("Base5.register(int)"),
        C("ok5 = isinstance(3, Base5)"),
    ], probes=["ok5"], edit={1: "Base5.register(float)"}, restart=False,
        why="the registry is not in the class body: a wrong hit keeps True"),
    Case("writes/abc-register-by-cell", 2, [
        P("import abc\nclass Base5(abc.ABC):\n    pass"),
        C("Base5.register(int)\nreg5 = 1"),
        P("ok5 = isinstance(3, Base5)"),
    ], probes=["ok5"], why="a wrong hit leaves int unregistered: ok5 False"),
    Case("writes/pandas-attrs-set-by-cell", 2, [
        P("import pandas as pd\ndf5 = pd.DataFrame({'a': [1]})\nsame5 = df5"),
        C("df5.attrs['unit'] = 'kg'"),
    ], probes=["same5.attrs", "same5 is df5"]),
]
