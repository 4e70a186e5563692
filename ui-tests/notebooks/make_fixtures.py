"""Writes the fixture notebooks of the UI tests (run: python3 notebooks/make_fixtures.py notebooks).

Kept as code so the cells' sources, ids and `xetcache` metadata are readable and reviewable in one place.
The first line of every cell stays short: JupyterLab hides the cell toolbar (and with it the caching toggle)
when the first line of code would run under it.
"""

import json
import os
import sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))


def nb(cells):
    return {"cells": [{"cell_type": "code", "execution_count": None, "id": cid, "metadata": md,
                       "outputs": [], "source": src} for cid, src, md in cells],
            "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
                         "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}
def with_headings(cells):
    """Like nb(), but ("# Heading", cid) pairs become markdown cells (the Table of Contents needs headings)."""
    out = nb([c for c in cells if len(c) == 3])
    it = iter(out["cells"])
    out["cells"] = [{"cell_type": "markdown", "id": c[1], "metadata": {}, "source": c[0]} if len(c) == 2 else next(it)
                    for c in cells]
    return out


ON = {"xetcache": {"enabled": True}}
ALWAYS = {"xetcache": {"enabled": True, "always": True}}
# The witness that the slow cell's body really ran (not a hit): it announces itself (sys.audit) and a hook that the
# plain inputs cell installs once per kernel appends a line to runs.log through a descriptor opened before, outside
# anything the cache sees or restores. (A file named by time.time_ns() served before; a cell reading the clock now
# declines, since a hit would hand back the stored run's time.)
WITNESS = ("\nimport os, sys\n"
           "if not hasattr(sys, '_xc_fixture_runs'):  # once per kernel\n"
           "    sys._xc_fixture_runs = os.open('runs.log', os.O_WRONLY | os.O_CREAT | os.O_APPEND)\n"
           "    sys.addaudithook(lambda e, a, fd=sys._xc_fixture_runs:\n"
           "                     os.write(fd, b'ran\\n') if e == 'xetcache.fixture.ran' else None)")
SLOW = ("# slow cell\n"
        "# (every real run adds a line to runs.log)\n"
        "import sys\n"
        "import time\n"
        "from IPython.display import HTML, display\n"
        "time.sleep(3.5)\n"
        "sys.audit('xetcache.fixture.ran')\n"
        "total = sum(range(n_items))\n"
        "print(f'total is {total}')\n"
        "display(HTML(f'<b>HTML total {total}</b>'))")
files = {
  # JupyterLab's Table of Contents marks a heading running from NotebookActions.executionScheduled and idle or
  # failed from NotebookActions.executed: the signals other extensions rely on, visible in the DOM.
  "signals.ipynb": with_headings([
    ("# Cached section", "h-cached"),
    ("inputs", "sig_in = 3", {}),
    ("cached", "# cached cell\nimport time\ntime.sleep(1.5)\nsig_out = sig_in * 2\nprint('sig_out', sig_out)", ALWAYS),
    ("# Failing section", "h-failing"),
    ("failing", "# cached, raises\nraise RuntimeError('cached boom')", ALWAYS),
  ]),
  # Caching is turned on for the slow cell by the test, through the toolbar (no metadata here).
  "cache_cycle.ipynb": nb([
    ("inputs", "n_items = 10" + WITNESS, {}),
    ("slow", SLOW, {}),
    ("after", "print('after', total * 2)", {}),
  ]),
  # Pre-armed through metadata, as a notebook saved with caching on would be.
  "browser.ipynb": nb([
    ("inputs", "n_items = 7" + WITNESS, {}),
    ("slow", SLOW, ON),
  ]),
  # truth.spec.ts: a slow cached cell whose badge must follow the run, the restart and the store; "more" changes its
  # input so a cell that was a hit really computes again.
  "truth.ipynb": nb([
    ("inputs", "n_items = 7" + WITNESS, {}),
    ("slow", SLOW, ON),
    ("more", "n_items = 8", {}),
  ]),
  # sidebar.spec.ts: two cached cells of different sizes reading the same input (stored however fast they are).
  "sidebar.ipynb": nb([
    ("inputs", "base = 3", {}),
    ("small", "# small cell\nsmall = [base] * 10", ALWAYS),
    ("big", "# big cell\nbig = list(range(base * 20000))", ALWAYS),
  ]),
  "states.ipynb": nb([
    ("inputs", "base = 5", {}),
    ("fast", "# fast cell\nquick = base + 1\nprint('quick', quick)", ON),
    ("unpicklable", "# unpicklable cell\ngen = (i * base for i in range(3))\nprint('made a generator')", ALWAYS),
    ("memo", "%%xetmemo input=base output=memo_out always=True\nmemo_out = base * 100\nprint('memo computed', memo_out)", {}),
    ("memo_use", "print('memo_out is', memo_out)", {}),
  ]),
  "run_all.ipynb": nb([
    ("start", "order = []", {}),
    ("a", "order.append('a')", {}),
    ("b", "order.append('b')  # cached", ALWAYS),
    ("c", "order.append('c')", {}),
    ("d", "order.append('d')  # cached", ALWAYS),
    ("report", "print('order:', order)", {}),
    ("boom", "raise ValueError('stop here')", {}),
    ("never", "order.append('never')\nprint('never ran')", ALWAYS),
  ]),
  # JupyterLab started so the index server cannot start (no-server.spec.ts): the cell still caches in the kernel.
  "no_server.ipynb": nb([
    ("inputs", "base = 2", {}),
    ("cached", "# cached cell\nvalue = base * 21\nprint('value', value)", ALWAYS),
  ]),
  # A 1.2 s cell: skipped at the default 3 s threshold, stored once the threshold setting is lowered.
  "threshold.ipynb": nb([
    ("second", "# about a second\nimport time\ntime.sleep(1.2)\nwaited = 1.2\nprint('waited', waited)", ON),
  ]),
  "toolbar.ipynb": nb([
    ("only", "x = 1", {}),
  ]),
  # declined.spec.ts: the engine refuses to cache a cell that uses exec (the test turns caching on); a cached cell
  # whose tooltip and options dialog show what its entry depends on and restores.
  "declined.ipynb": nb([
    ("exec", "exec('x = 1')\nprint('x is', x)", {}),
    ("inputs", "base = 5", {}),
    ("uses", "# uses base\ny = base * 2\nprint('y is', y)", ALWAYS),
  ]),
  # git.spec.ts: the kernel (whose server has an empty global git config) makes two repositories beside it, one
  # without the Git LFS filters and one with them set up locally; repo.ipynb is then opened inside each.
  "git_setup.ipynb": nb([
    ("repos", "# make two repositories\n"
              "import subprocess\n"
              "for d in ('lfs_missing', 'lfs_ready'):\n"
              "    subprocess.run(['git', 'init', '-q', d], check=True)\n"
              "subprocess.run(['git', 'lfs', 'install', '--local'], cwd='lfs_ready', check=True)\n"
              "print('repositories ready')", {}),
  ]),
  # budget.spec.ts: a cached cell whose result is far over a 1000-byte budget, and a cell that uses its variable.
  "budget.ipynb": nb([
    ("big", "# big list\nbig = list(range(100000))\nprint('made', len(big))", ON),
    ("use", "print('big has', len(big))", {}),
  ]),
  "repo.ipynb": nb([
    ("cached", "# cached cell\nin_repo = 1", ON),
  ]),
  # notices.spec.ts: the engine's notices of one transfer (lfs/notice.py, as a lazy Git LFS fetch sends them), one
  # cell per line so the test sees each before the next is sent.
  "notices.ipynb": nb([
    ("start", "# a fetch starts\nfrom xetcache.lfs import notice\nt = notice.new_transfer('lfs')\n"
              "notice.say('xetcache: fetching 3 objects (12 MiB) from LFS…', transfer=t, state='progress')", {}),
    ("done", "# the fetch ends\nnotice.say('xetcache: fetched 12 MiB in 2.0 s', transfer=t, state='done')", {}),
  ]),
}
for name, d in files.items():
    with open(os.path.join(out, name), "w") as f:
        json.dump(d, f, indent=1); f.write("\n")
