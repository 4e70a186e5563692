"""Issue 8 acceptance: a cached cell's hit is exactly what running it would have done, or the cell runs.

Each case of soundness_cases.CASES runs plain in a fresh kernel (the oracle) and with its cached cells toggled:
stored, restarted, edited upstream where the case says, run again; everything observable is compared (see
soundness_harness). All selected cases (and notebooks) run a few at a time in the first test's setup, since a case
mostly waits on its kernels; each test then reports its own case. The terminal summary lists every case (PASS/FAIL
and why) and a line counting cases, hits, declines and wrong results.
"""

import pytest
from conftest import RunResult
from soundness_cases import CASES
from soundness_harness import result, run_event, session_results

SELF_CHECK = ["identity/figure-and-axes", "writes/estimator-in-pipeline", "hits/chain-of-cached-cells"]


@pytest.fixture(scope="module")
def results(request, tmp_path_factory):
    return session_results(request, tmp_path_factory)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_cached_cell_is_what_a_run_gives(case, results):
    outcome = result(results, "case:" + case.id)
    detail = "\n  ".join(outcome.diffs[:12])
    assert outcome.passed, f"{outcome.line()}\n  why this case: {case.why or '-'}\n  {detail}"


@pytest.mark.parametrize("case_id", SELF_CHECK)
def test_two_plain_runs_do_not_differ(case_id, results):
    """The comparison itself is deterministic: the same protocol with nothing toggled finds no difference."""
    assert result(results, "plain:" + case_id).diffs == []


def test_the_libraries_of_the_cases_are_installed():
    """Without them every case using them would fail the same way plain and cached (the harness refuses those)."""
    import matplotlib  # noqa: F401
    import pandas  # noqa: F401
    import sklearn  # noqa: F401


def _result(comm=(), stderr=""):
    msgs = [{"msg_type": "comm_msg", "content": {"data": d}} for d in comm]
    if stderr:
        msgs.append({"msg_type": "stream", "content": {"name": "stderr", "text": stderr}})
    return RunResult({"content": {"status": "ok"}}, msgs)


def test_run_event_reads_the_comm_or_the_one_stderr_line():
    ev = {"type": "run", "state": "declined", "reason": "uses exec"}
    assert run_event(_result(comm=[ev])) == ev
    assert run_event(_result(stderr="xetcache: not cached: uses eval\n")) == {"state": "declined", "reason": "uses eval"}
    assert run_event(_result(stderr="xetcache: hit 1.2 s saved (key 1a2b3c4d)\n"))["state"] == "hit"
    assert run_event(_result(stderr="xetcache: stored, ran 0.1 s, 12 bytes (key 1a2b3c4d)\n"))["state"] == "stored"
    assert run_event(_result(stderr="xetcache: not stored, ran 0.1 s < threshold 3 s\n"))["state"] == "skipped"
    assert run_event(_result(stderr="xetcache: error EUNPICKLABLE: f is a file\n"))["state"] == "error"
    assert run_event(_result(stderr="a warning\n"))["state"] is None
