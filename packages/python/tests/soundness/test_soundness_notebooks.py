"""Real notebooks on bundled data (scikit-learn's digits, wine, iris; generated data; a matplotlib style), each run
against plain runs in fresh kernels: every code cell toggled, stored, the kernel restarted and the notebook run again
(every cell must hit, and leave the same variables, identities, hidden state and outputs as the plain run), then
after an upstream edit (n_components, test_size, a seed or the style in an early cell; nothing may differ from a
plain run of the edited notebook, unless the engine declined). Images are compared by mime type, text exactly. The
edit is in each notebook's metadata (`xetcache_soundness.edit`: code cell index, text to find, replacement)."""

from pathlib import Path

import pytest
from soundness_harness import result, session_results

NOTEBOOKS = sorted((Path(__file__).resolve().parent / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def results(request, tmp_path_factory):
    return session_results(request, tmp_path_factory)


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 5


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_cached_is_plain(notebook, results):
    got = result(results, "notebook:" + notebook.stem)
    detail = "\n  ".join(["restart:"] + got.restart.diffs[:10] + ["after the edit:"] + got.edit.diffs[:10])
    assert got.passed, f"{got.line()}\n  {detail}"
