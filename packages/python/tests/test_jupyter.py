"""`xetcache.jupyter`: activate(settings), the `xetcache` comm and the run events it carries (CONTRACT.md 3)."""

import hashlib
import json
import re

import pytest
from conftest import manifests, one_event

from xetcache.jupyter import SettingsError, apply_settings

EVENT_FIELDS = {"type", "state", "cell_id", "notebook", "code_sha256", "key", "runtime_s", "restore_s", "saved_s",
                "bytes", "created", "threshold_s", "reason", "error_code", "variable", "changed", "inputs", "outputs"}


def activate(kernel, settings):
    r = kernel.ok(f"import xetcache.jupyter\nxetcache.jupyter.activate({json.dumps(json.dumps(settings))})")
    return r.of_type("execute_result")[0]["content"]["data"]["text/plain"]


def test_activate_applies_settings_registers_magics_and_returns_the_version(tmp_path, kernel):
    shown = activate(kernel, {"threshold_s": 0.2, "always": True, "cache_dir": "cache/.xetcache"})
    assert re.match(r"^\{'version': '\d+\.\d+\.\d+.*'\}$", shown)
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


@pytest.mark.parametrize("settings", [{"threshold_s": -1}, {"threshold_s": "3"}, {"always": "yes"},
                                      {"cache_dir": ""}, {"budget": 1}, []])
def test_bad_settings_raise_with_a_code_and_change_nothing(settings):
    from xetcache import config

    before = (config.get_runtime_threshold(), config.get_always_default(), config.get_memo_path())
    with pytest.raises(SettingsError) as info:
        apply_settings(settings)
    assert info.value.code == "EBADSETTINGS"
    assert (config.get_runtime_threshold(), config.get_always_default(), config.get_memo_path()) == before
