"""Run events: the `changed` comparison and the one-line text form."""

from xetcache.lfs import fetch as lfs
from xetcache.errors import CorruptObjectError
from xetcache.cell.events import REASON_MAX, changes, describe, new_event, unusable_reason


def manifest(key, code, inputs, created):
    return {"key": key, "source": {"code_sha256": code}, "inputs": inputs, "created": created}


def test_changes_compare_with_the_newest_other_entry():
    prev = [manifest("k2", "c1", {"a": "1", "b": "2"}, "2"), manifest("k1", "c0", {}, "1")]
    assert changes(prev, "k3", "c1", {"a": "1", "b": "3", "c": "4"}) == {
        "code": False, "inputs": ["b", "c"], "previous_key": "k2"}
    assert changes(prev, "k2", "c9", {"a": "1"}) == {"code": True, "inputs": ["a"], "previous_key": "k1"}
    assert changes([], "k", "c", {}) is None


def test_describe_each_state():
    ev = new_event(cell_id=None, notebook=None, code_sha256="0" * 64, inputs=[], outputs=[], threshold_s=3.0)
    ev.update(state="hit", key="1a2b3c4d" + "0" * 56, saved_s=12.4)
    assert describe(ev) == "xetcache: hit 12.4 s saved (key 1a2b3c4d)"
    ev.update(state="skipped", reason="ran 0.21 s < threshold 3 s")
    assert describe(ev) == "xetcache: not stored, ran 0.21 s < threshold 3 s (key 1a2b3c4d)"
    ev.update(state="error", error_code="EUNPICKLABLE", reason="f is an open file")
    assert describe(ev).startswith("xetcache: error EUNPICKLABLE")


def test_unusable_reason_says_why_and_the_fix_once():
    err = lfs._fail("git lfs pull failed: batch response: Repository not found", ["a" * 64], "EFETCH",
                    lfs.FIX_CONFIGURE_LFS)
    assert unusable_reason(err) == ("cached entry unusable (ENOTLOCAL/EFETCH): git lfs pull failed: batch response: "
                                    "Repository not found — fix: git lfs install; recomputed")
    corrupt = CorruptObjectError("object 1234 is corrupt (its bytes hash to 99); moved to quarantine/", oid="1234")
    assert unusable_reason(corrupt) == ("cached entry unusable (ECORRUPT): object 1234 is corrupt (its bytes hash "
                                        "to 99); moved to quarantine/; recomputed")


def test_unusable_reason_cuts_a_long_detail_but_keeps_the_fix():
    err = lfs._fail("git lfs pull failed: " + "x" * 5000, ["a" * 64], "EFETCH", "git remote add origin <url>")
    text = unusable_reason(err)
    assert len(text) < REASON_MAX + 120
    assert text.endswith("— fix: git remote add origin <url>; recomputed")


def test_secs_is_the_one_rounding_of_event_times():
    from xetcache.cell.events import secs

    assert secs(None) is None
    assert secs(0.1234567891) == 0.123457
    assert secs(12.4) == 12.4
