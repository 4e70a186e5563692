"""`xetcache.jupyter`: activate(settings), the `xetcache` comm and the run events it carries (CONTRACT.md 3)."""

import hashlib
import json
from pathlib import Path

import jsonschema
import re

import pytest
from conftest import manifests, one_event

from xetcache.ipython.jupyter import SettingsError, apply_settings, apply_valid_settings

RUN_EVENT_SCHEMA = json.loads(
    (Path(__file__).resolve().parents[3] / "spec" / "schemas" / "run-event.schema.json").read_text())
# the spec is the contract: every field, always present, but `remote`, which the schema says is there only when
# the team cache did something (no remote is configured here)
EVENT_FIELDS = set(RUN_EVENT_SCHEMA["properties"]) - {"remote"}


def activate(kernel, settings):
    r = kernel.ok(f"import xetcache.ipython.jupyter\nxetcache.ipython.jupyter.activate({json.dumps(json.dumps(settings))})")
    return r.of_type("execute_result")[0]["content"]["data"]["text/plain"]


def test_activate_applies_settings_registers_magics_and_returns_the_version(tmp_path, kernel):
    shown = activate(kernel, {"threshold_s": 0.2, "always": True, "cache_dir": "cache/.xetcache"})
    assert re.match(r"^\{'version': '\d+\.\d+\.\d+.*', 'refused': \[\]\}$", shown)
    kernel.comm_open()
    ev = one_event(kernel.ok("%%xetmemo input= output=q\nq = 1\n"))  # always=True came from the settings
    assert ev["state"] == "stored"
    assert ev["threshold_s"] == 0.2
    assert (tmp_path / "cache" / ".xetcache" / "STORE").is_file()


def test_events_go_on_the_comm_with_every_contract_field_and_no_stderr_line(tmp_path, kernel):
    activate(kernel, {"threshold_s": 0.2})
    kernel.comm_open()
    body = "import time; time.sleep(0.25)\nw = v * 2\n"
    code = "%%xetmemo input=v output=w\n" + body
    kernel.ok("v = 21")
    stored = kernel.ok(code, cell_id="cell-7")
    ev = one_event(stored)
    assert set(ev) == EVENT_FIELDS
    jsonschema.validate(ev, RUN_EVENT_SCHEMA)
    assert ev["type"] == "run" and ev["state"] == "stored"
    assert ev["cell_id"] == "cell-7" and ev["code_sha256"] == hashlib.sha256(code.encode()).hexdigest()
    assert re.match(r"^[0-9a-f]{64}$", ev["key"])
    assert ev["runtime_s"] >= 0.25 and ev["bytes"] > 0 and ev["created"].endswith("Z")
    assert (ev["inputs"], ev["outputs"], ev["changed"]) == (["v"], ["w"], None)
    assert stored.stream("stderr") == ""
    # the comm message belongs to the cell's request, like its outputs
    assert stored.of_type("comm_msg")[0]["parent_header"]["msg_type"] == "execute_request"

    kernel.ok("del w")
    hit = one_event(kernel.ok(code, cell_id="cell-7"))
    assert hit["state"] == "hit" and hit["key"] == ev["key"]
    assert hit["restore_s"] >= 0 and hit["saved_s"] >= 0 and hit["runtime_s"] == ev["runtime_s"]
    assert kernel.value("w") == 42
    hits = (tmp_path / ".xetcache" / "hits.jsonl").read_text().splitlines()
    assert json.loads(hits[-1])["key"] == ev["key"]


def test_events_use_the_most_recent_open_comm(kernel):
    activate(kernel, {"always": True})
    kernel.comm_open()
    second = kernel.comm_open()
    r = kernel.ok("%%xetmemo input= output=a\na = 1\n")
    (msg,) = r.of_type("comm_msg")
    assert msg["content"]["comm_id"] == second


def test_without_a_comm_one_line_goes_to_stderr(tmp_path, kernel):
    activate(kernel, {"always": True})
    r = kernel.ok("%%xetmemo input= output=a\na = 1\n")
    lines = r.stream("stderr").splitlines()
    assert len(lines) == 1 and lines[0].startswith("xetcache: stored")
    assert len(manifests(tmp_path)) == 1


def _config():
    from xetcache import config

    return (config.get_runtime_threshold(), config.get_always_default(), config.get_memo_path(),
            config.get_byte_budget())


@pytest.mark.parametrize("settings", [{"threshold_s": -1}, {"threshold_s": "3"}, {"always": "yes"},
                                      {"cache_dir": ""}, {"budget": 1}, {"max_bytes": -1}, {"max_bytes": True},
                                      {"max_bytes": 1.5}, {"max_bytes": "1 GB"}, {"threshold_s": 1, "max_bytes": -1},
                                      []])
def test_bad_settings_raise_with_a_code_and_change_nothing(settings):
    before = _config()
    with pytest.raises(SettingsError) as info:
        apply_settings(settings)
    assert info.value.code == "EBADSETTINGS"
    assert _config() == before


def test_max_bytes_sets_the_byte_budget_and_null_removes_it():
    from xetcache import config

    try:
        apply_settings({"max_bytes": 1000})
        assert config.get_byte_budget() == 1000
        apply_settings({"threshold_s": 2})  # absent: unchanged
        assert config.get_byte_budget() == 1000
        apply_settings({"max_bytes": None})
        assert config.get_byte_budget() is None
    finally:
        config.reset()


def test_valid_settings_apply_even_next_to_bad_or_unknown_ones():
    from xetcache import config

    try:
        refused = apply_valid_settings({"threshold_s": 0.7, "always": "yes", "newer_key": 1, "max_bytes": 5000})
        assert sorted(r["key"] for r in refused) == ["always", "newer_key"]
        assert {r["code"] for r in refused} == {"EBADSETTINGS"}
        assert all(r["message"] for r in refused)
        assert (config.get_runtime_threshold(), config.get_always_default(), config.get_byte_budget()) == (
            0.7, False, 5000)
        assert [r["key"] for r in apply_valid_settings([1])] == [None]
    finally:
        config.reset()


def test_activate_reports_refused_settings_and_still_loads_the_engine(tmp_path, kernel):
    settings = json.dumps({"threshold_s": 0.2, "always": "yes", "budget": 1})
    result = kernel.value(f"__import__('xetcache.ipython.jupyter').ipython.jupyter.activate({json.dumps(settings)})")
    assert sorted(r["key"] for r in result["refused"]) == ["always", "budget"]
    assert kernel.value("__import__('xetcache.ipython.jupyter').ipython.jupyter.activate('not json')")["refused"][0]["key"] is None
    kernel.comm_open()
    ev = one_event(kernel.ok("%%xetmemo input= output=q always=True\nq = 1\n"))  # magics registered anyway
    assert ev["state"] == "stored" and ev["threshold_s"] == 0.2  # the valid setting was applied


def test_a_store_over_the_max_bytes_budget_is_an_estorefull_event_and_the_cell_still_ran(tmp_path, kernel):
    activate(kernel, {"always": True, "max_bytes": 1000})
    kernel.comm_open()
    r = kernel.ok("%%xetmemo input= output=big\nbig = list(range(5000))\nprint('made', len(big))\n")
    ev = one_event(r)
    assert (ev["state"], ev["error_code"]) == ("error", "ESTOREFULL")
    assert "budget" in ev["reason"]
    assert "made 5000" in r.stream()
    assert kernel.value("len(big)") == 5000
    assert manifests(tmp_path) == []

    activate(kernel, {"max_bytes": None})  # null = no budget
    ev = one_event(kernel.ok("%%xetmemo input= output=big\nbig = list(range(5000))\n"))
    assert ev["state"] == "stored"
    assert len(manifests(tmp_path)) == 1
