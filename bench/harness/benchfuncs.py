"""The functions every memoizer in the benchmarks decorates (one importable module, so a fresh process defines
them identically and each library finds its entries again).

The value a miss returns is handed over through an attribute of `sys` (a library module) rather than a global of
this module: xetcache and marimo key a function by the current value of the globals it names, so a 1 GiB global
would be hashed into every key. Runs are counted the same way, so a timed "hit" that ran is caught.
"""

import sys


def make(tag):
    """A slow step's result: the value the harness prepared (sys._xc_bench_value)."""
    sys._xc_bench_runs = getattr(sys, "_xc_bench_runs", 0) + 1
    return sys._xc_bench_value


def use(data):
    """A step whose input is large and whose result is small: a hit is mostly the key of the input."""
    sys._xc_bench_runs = getattr(sys, "_xc_bench_runs", 0) + 1
    return 42


def runs():
    return getattr(sys, "_xc_bench_runs", 0)
