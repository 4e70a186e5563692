"""The functions every memoizer in the benchmarks decorates (one importable module, so a fresh process defines
them identically and each library finds its entries again).

The value a miss returns is handed over through an attribute of `sys` (a library module) rather than a global of
this module: xetcache and marimo key a function by the current value of the globals it names, so a 1 GiB global
would be hashed into every key. Runs are counted by an audit event, so a timed "hit" that ran is caught: a counter
the function itself changed (a global, an attribute of `sys`) would be an effect that xetcache refuses to cache, as
a hit could not change it again.
"""

import sys

_RUNS = [0]  # named by the hook and runs() only: the memoized functions do not read it


def _count(event, args):
    if event == "xetcache.bench.run":
        _RUNS[0] += 1


sys.addaudithook(_count)


def make(tag):
    """A slow step's result: the value the harness prepared (sys._xc_bench_value)."""
    sys.audit("xetcache.bench.run")
    return sys._xc_bench_value


def use(data):
    """A step whose input is large and whose result is small: a hit is mostly the key of the input."""
    sys.audit("xetcache.bench.run")
    return 42


def runs():
    return _RUNS[0]
