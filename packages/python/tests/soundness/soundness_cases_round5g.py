"""Round 5, seventh part (see soundness_cases_round5): logging handlers and numpy's error callback, set up by a
cached cell and used by later plain cells. In each `why`: what a wrong hit would show."""

from soundness_harness import C, Case, P

ROUND5G = [
    Case("hidden/logging-basicconfig-by-cell", 4, [
        P("import logging, sys"),
        C("logging.basicConfig(stream=sys.stdout, format='LOG5 %(message)s', level=logging.INFO, force=True)\n"
          "bc5 = 1"),
        P("logging.getLogger('x5').info('hello')"),
    ], why="a hit adds no handler: the last cell prints nothing"),
    Case("hidden/logging-handler-added-by-cell", 4, [
        P("import logging, sys\nlg5 = logging.getLogger('round5g')\nlg5.propagate = False\nlg5.setLevel(logging.INFO)"),
        C("lg5.addHandler(logging.StreamHandler(sys.stdout))\nah5 = 1"),
        P("lg5.info('hello')"),
    ], why="a hit adds no handler: the last cell prints nothing"),
    Case("hidden/numpy-seterrcall", 4, [
        P("import numpy as np\nERRS5 = []"),
        C("np.seterrcall(lambda kind, flag: ERRS5.append(kind))\nold5 = np.seterr(divide='call')"),
        P("with np.errstate(divide='call'):\n    np.float64(1.0) / np.float64(0.0)\nn5 = len(ERRS5)"),
    ], probes=["n5"], why="a hit sets no callback: n5 == 0 (or numpy raises for a missing one)"),
    Case("writes/sys-argv-appended", 2, [
        P("import sys"),
        C("sys.argv.append('--round5')\nav5 = 1"),
        P("last5 = sys.argv[-1]"),
    ], probes=["last5"], why="a library module's list changed in place: a wrong hit leaves it as it was"),
    Case("writes/library-module-dict-item-set", 2, [
        P("import numpy as np"),
        C("np.typecodes['Round5'] = 'x'\ntc5 = 1"),
        P("got5 = np.typecodes.get('Round5')"),
    ], probes=["got5"], why="a wrong hit leaves the library's dict without the key: got5 None"),
]
