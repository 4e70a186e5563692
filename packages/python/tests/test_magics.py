"""`%%xetmemo` with the original XetCache semantics, in real kernels; parsing of the magic line and of the spec."""

import json

import pytest
from conftest import manifests, one_event

from xetcache.ipython.magics import MagicLineError, parse_cell_spec, parse_xetmemo_line

# The cell of the original README, with a side effect that proves whether the body ran.
README_CELL = """%%xetmemo input=v1,v2 output=v3,v4
with open("runs.txt", "a") as fh:
    fh.write("ran\\n")
v3 = [v1] * v2
v4 = {"total": v1 * v2}
"""


def runs(path):
    p = path / "runs.txt"
    return p.read_text().count("ran") if p.exists() else 0


# ---- parsing ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "line, expected",
    [
        ("input=v1,v2 output=v3,v4", {"inputs": ["v1", "v2"], "outputs": ["v3", "v4"], "always": None, "key": None}),
        ("input=a, b output=c", {"inputs": ["a", "b"], "outputs": ["c"], "always": None, "key": None}),
        ("output=c always=True key=exp1", {"inputs": None, "outputs": ["c"], "always": True, "key": "exp1"}),
        ("input= output=c always=false", {"inputs": [], "outputs": ["c"], "always": False, "key": None}),
        ("", {"inputs": None, "outputs": None, "always": None, "key": None}),
        ("input=ä output=b", {"inputs": ["ä"], "outputs": ["b"], "always": None, "key": None}),
        ("input=größe,変数 output=Δt", {"inputs": ["größe", "変数"], "outputs": ["Δt"], "always": None, "key": None}),
        ("input=ａ output=match", {"inputs": ["a"], "outputs": ["match"], "always": None, "key": None}),  # as Python
    ],
)
def test_parse_xetmemo_line(line, expected):
    assert parse_xetmemo_line(line) == expected


@pytest.mark.parametrize(
    "line", ["inptu=a", "magic=True", "input=a output", "always=maybe", "input=1x", "key=", "justaword",
             "input=class", "output=a-b", "input=€"]
)
def test_bad_xetmemo_line_is_a_usage_error_naming_the_accepted_keys(line):
    with pytest.raises(MagicLineError) as info:
        parse_xetmemo_line(line)
    assert info.value.code == "EBADMAGIC"
    for key in ("input", "output", "always", "key"):
        assert key in str(info.value)


def test_parse_cell_spec_fills_missing_fields_with_null():
    spec = parse_cell_spec('{"cell_id": "c1", "inputs": null, "outputs": ["y"]}')
    assert spec == {"cell_id": "c1", "notebook": None, "code_sha256": None, "inputs": None, "outputs": ["y"],
                    "always": None, "key": None}


def test_cell_spec_names_are_python_identifiers_in_any_script():
    spec = parse_cell_spec(json.dumps({"inputs": ["ä", "größe"], "outputs": ["変数", "_ß"]}, ensure_ascii=False))
    assert (spec["inputs"], spec["outputs"]) == (["ä", "größe"], ["変数", "_ß"])


@pytest.mark.parametrize("line", ["not json", "[1]", '{"cell": 1}', '{"inputs": "a"}', '{"outputs": ["a b"]}',
                                  '{"always": "yes"}', '{"inputs": ["class"]}', '{"inputs": ["\u20ac"]}',
                                  '{"outputs": ["\uff41"]}'])
def test_bad_cell_spec(line):
    with pytest.raises(MagicLineError) as info:
        parse_cell_spec(line)
    assert info.value.code == "EBADMAGIC"


# ---- the original README, each example in two kernels ----------------------------------------------------------

def test_unicode_variable_names_are_cached_and_restored(tmp_path, kernel_factory):
    cell = "%%xetmemo input=ä output=größe always=True\nopen('runs.txt', 'a').write('ran\\n')\ngröße = ä * 2\n"
    for _ in range(2):
        k = kernel_factory(tmp_path)
        k.load()
        k.ok("ä = 21")
        ev = one_event(k.ok(cell))
        assert k.value("größe") == 42
    assert ev["state"] == "hit" and ev["inputs"] == ["ä"] and ev["outputs"] == ["größe"]
    assert runs(tmp_path) == 1

def test_readme_cell_second_kernel_hits_without_running(tmp_path, kernel_factory):
    k1 = kernel_factory(tmp_path)
    k1.load(threshold=0)  # the README cell is fast; a zero threshold stores it without always=True
    k1.ok("v1, v2 = 7, 3")
    ev = one_event(k1.ok(README_CELL, cell_id="cell-a"))
    assert ev["state"] == "stored"
    assert runs(tmp_path) == 1
    expected = k1.value("[v3, v4]")

    k2 = kernel_factory(tmp_path)
    k2.load(threshold=0)
    k2.ok("v1, v2 = 7, 3")
    ev = one_event(k2.ok(README_CELL, cell_id="cell-a"))
    assert ev["state"] == "hit"
    assert runs(tmp_path) == 1  # the body did not run
    assert k2.value("[v3, v4]") == expected


def test_changed_input_is_a_miss_naming_it(tmp_path, kernel):
    kernel.load(threshold=0)
    kernel.ok("v1, v2 = 7, 3")
    first = one_event(kernel.ok(README_CELL, cell_id="cell-a"))
    kernel.ok("v2 = 4")
    ev = one_event(kernel.ok(README_CELL, cell_id="cell-a"))
    assert ev["state"] == "stored"
    assert ev["changed"] == {"code": False, "inputs": ["v2"], "previous_key": first["key"]}
    assert kernel.value("v4") == {"total": 28}
    assert runs(tmp_path) == 2


def test_threshold_fast_cell_is_not_stored_unless_always(tmp_path, kernel_factory):
    fast = "%%xetmemo input=v1 output=w\nopen('runs.txt', 'a').write('ran\\n')\nw = v1 + 1\n"
    k1 = kernel_factory(tmp_path)
    k1.load(threshold=0.2)
    k1.ok("v1 = 1")
    ev = one_event(k1.ok(fast))
    assert ev["state"] == "skipped"
    assert ev["threshold_s"] == 0.2
    assert "threshold" in ev["reason"]
    assert manifests(tmp_path) == []

    slow = "%%xetmemo input=v1 output=w\nimport time; time.sleep(0.25)\nopen('runs.txt', 'a').write('ran\\n')\nw = v1 + 1\n"
    assert one_event(k1.ok(slow))["state"] == "stored"
    # (always= is not part of the key: the same body with always=True would store what `fast` then hits)
    always = fast.replace("output=w", "output=w always=True").replace("v1 + 1", "v1 + 2")
    assert one_event(k1.ok(always))["state"] == "stored"
    assert runs(tmp_path) == 3

    k2 = kernel_factory(tmp_path)
    k2.load(threshold=0.2)
    k2.ok("v1 = 1")
    assert one_event(k2.ok(fast))["state"] == "skipped"  # never stored: runs again
    assert one_event(k2.ok(slow))["state"] == "hit"
    assert one_event(k2.ok(always))["state"] == "hit"
    assert runs(tmp_path) == 4


def test_key_namespaces_separate_entries(tmp_path, kernel_factory):
    cell = "%%xetmemo input=v1 output=w always=True key={ns}\nopen('runs.txt', 'a').write('ran\\n')\nw = v1 * 10\n"
    k1 = kernel_factory(tmp_path)
    k1.load()
    k1.ok("v1 = 2")
    a = one_event(k1.ok(cell.format(ns="exp-a")))
    b = one_event(k1.ok(cell.format(ns="exp-b")))
    assert a["key"] != b["key"]
    assert sorted(m["namespace"] for m in manifests(tmp_path)) == ["exp-a", "exp-b"]

    k2 = kernel_factory(tmp_path)
    k2.load()
    k2.ok("v1 = 2")
    assert one_event(k2.ok(cell.format(ns="exp-a")))["state"] == "hit"
    assert one_event(k2.ok(cell.format(ns="exp-c")))["state"] == "stored"
    assert runs(tmp_path) == 3


def test_malformed_line_in_a_kernel_is_a_usage_error(kernel):
    kernel.load()
    r = kernel.run("%%xetmemo inptu=a\nx = 1")
    assert not r.ok
    assert r.reply["content"]["ename"] == "MagicLineError"  # a UsageError: IPython shows it without a traceback
    assert r.comm_events() == []
    assert kernel.value("'x' in globals()") is False


def test_xetmemo_cell_identity_comes_from_the_request(tmp_path, kernel):
    import hashlib

    kernel.load(threshold=0)
    kernel.ok("v1, v2 = 1, 2")
    ev = one_event(kernel.ok(README_CELL, cell_id="the-cell-id"))
    assert ev["cell_id"] == "the-cell-id"
    assert ev["code_sha256"] == hashlib.sha256(README_CELL.encode()).hexdigest()
    (m,) = manifests(tmp_path)
    assert m["source"]["cell_id"] == "the-cell-id"
    assert m["source"]["code_sha256"] == ev["code_sha256"]
    assert json.dumps(m["outputs_names"]) == '["v3", "v4"]'
