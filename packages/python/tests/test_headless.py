"""Cells toggled in JupyterLab run headless (nbconvert's CachedExecutePreprocessor, `papermill --engine xetcache`,
`python -m xetcache run`) through the same cache as an interactive kernel that gets them the way the extension
sends them, both ways.

The witness of a real run is an audit hook installed by the plain setup cell: each cached body announces itself
(`sys.audit`) and the hook appends its name to `runs.log` through a file descriptor opened before, outside anything
the cache sees or restores; a hit adds nothing. (A `time.time_ns()` stamp served before: a cell reading the clock now
declines, since a hit would give the stored run's time.)
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import nbformat
import pytest
from conftest import PKG_DIR, manifests, one_event

from xetcache.headless import boot, settings as lab_settings, spec as cellspec

REPO = Path(PKG_DIR).parents[1]
PY = sys.executable
BIN = Path(sys.executable).parent

SOURCES = [
    ("setup", None, "import os, sys, time\nbase = 7\n"
                    "_fd = os.open('runs.log', os.O_WRONLY | os.O_CREAT | os.O_APPEND)\n"
                    "sys.addaudithook(lambda e, a, _fd=_fd: os.write(_fd, a[0].encode() + b' ') "
                    "if e == 'xetcache.test.ran' else None)"),
    ("slow", {"enabled": True}, "sys.audit('xetcache.test.ran', 'slow')\ntime.sleep(0.5)\nresult = base * 6\n"
                                "print('computed', result)"),
    ("quick", {"enabled": True, "always": True, "key": "quick"}, "sys.audit('xetcache.test.ran', 'quick')\n"
                                                                 "quick = result + 1"),
    ("dynamic", {"enabled": True, "always": True}, "exec('dyn = 1')"),
    ("off", {"enabled": False, "always": True}, "plain = base + 1"),
    ("witness", None, "print('witness', result, quick)"),
]
TOGGLED = ["slow", "quick", "dynamic"]


def make_notebook(folder: Path, name: str = "analysis.ipynb") -> Path:
    nb = nbformat.v4.new_notebook()
    for cell_id, meta, source in SOURCES:
        cell = nbformat.v4.new_code_cell(source)
        cell.id = cell_id
        if meta is not None:
            cell.metadata["xetcache"] = meta
        nb.cells.append(cell)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(nb, str(path))
    return path


def env_with_lab_settings(tmp_path: Path, settings_text: str) -> Dict[str, str]:
    """A JupyterLab user-settings folder holding XetCache's settings (the headless runs start from them)."""
    folder = tmp_path / "lab-settings" / "@xetcache" / "labextension"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plugin.jupyterlab-settings").write_text(settings_text)
    env = dict(os.environ, PYTHONPATH=PKG_DIR + os.pathsep + os.environ.get("PYTHONPATH", ""),
               JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "lab-settings"))
    env.pop("JPY_SESSION_NAME", None)
    return env


# what a user may have typed in the lab's settings editor: a comment and a trailing comma
LAB_SETTINGS = '{\n  // stores runs of 0.2 s and more\n  "threshold_s": 0.2,\n}\n'


def run(cmd: List[str], cwd: Path, env: Dict[str, str]) -> subprocess.CompletedProcess:
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"{cmd} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}"
    return r


def nbconvert(path: Path, env: Dict[str, str], *extra: str) -> Tuple[nbformat.NotebookNode, str]:
    out = path.with_name("nbconvert-out.ipynb")
    r = run([PY, "-m", "jupyter", "nbconvert", "--to", "notebook", str(path.name), "--output", out.name,
             "--Exporter.preprocessors=xetcache.headless.CachedExecutePreprocessor", *extra], path.parent, env)
    return nbformat.read(str(out), as_version=4), r.stderr


def papermill(cwd: Path, input_path: str, output_path: str, env: Dict[str, str]) -> Tuple[nbformat.NotebookNode, str]:
    r = run([str(BIN / "papermill"), "-k", "python3", "--engine", "xetcache", input_path, output_path], cwd, env)
    return nbformat.read(str(cwd / output_path), as_version=4), r.stderr


def witness(nb: nbformat.NotebookNode) -> List[str]:
    """What the last cell printed: the cached cells' results, restored or computed."""
    cell = next(c for c in nb.cells if c.id == "witness")
    text = "".join(o.get("text", "") for o in cell.outputs if o["output_type"] == "stream")
    words = text.split()
    assert words == ["witness", "42", "43"], text
    return words


def ran(folder: Path) -> List[str]:
    """The cached bodies that ran in ``folder`` so far, in order (the setup cell's audit hook writes them)."""
    return (folder / "runs.log").read_text().split()


def states(nb: nbformat.NotebookNode) -> Dict[str, str]:
    return {c.id: c.metadata["xetcache_run"]["state"] for c in nb.cells if "xetcache_run" in c.metadata}


def assert_sources_untouched(nb: nbformat.NotebookNode) -> None:
    assert [(c.id, c.source, c.metadata.get("xetcache")) for c in nb.cells] == \
        [(i, s, m) for i, m, s in SOURCES]


def no_status_lines(nb: nbformat.NotebookNode) -> None:
    """The engine reported to the headless client (a comm), as to the lab: no `xetcache:` line in any output."""
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            assert not o.get("text", "").startswith("xetcache:"), (cell.id, o)


# ---- the interactive side: a kernel that gets the cells as the lab extension sends them -----------------------------

def extension_code(cell_id: str, meta: dict, source: str, notebook: str) -> str:
    """CONTRACT.md section 3, written out here (not through xetcache.headless): the magic line with the spec."""
    spec = {"cell_id": cell_id, "notebook": notebook, "code_sha256": hashlib.sha256(source.encode()).hexdigest(),
            "inputs": meta.get("inputs"), "outputs": meta.get("outputs"), "always": meta.get("always"),
            "key": meta.get("key")}
    return f"%%xetcache_cell {json.dumps(spec, separators=(',', ':'))}\n{source}"


def interactive(kernel, notebook: str = "analysis.ipynb") -> Dict[str, dict]:
    """Loads the engine (activate with the lab's settings), opens the comm, runs every cell; the run events."""
    kernel.run("import xetcache.ipython.jupyter\nxetcache.ipython.jupyter.activate('{\"threshold_s\": 0.2}')",
               silent=True)
    kernel.comm_open()
    found = {}
    for cell_id, meta, source in SOURCES:
        toggled = bool(meta and meta.get("enabled"))
        r = kernel.ok(extension_code(cell_id, meta, source, notebook) if toggled else source, cell_id=cell_id)
        if toggled:
            found[cell_id] = one_event(r)
    return found


def entries_by_cell(folder: Path) -> Dict[str, dict]:
    return {m["source"]["cell_id"]: m["source"] for m in manifests(folder)}


def expected_sources(notebook: str = "analysis.ipynb") -> Dict[str, dict]:
    return {cell_id: {"cell_id": cell_id, "notebook": notebook, "code_sha256": cellspec.sha256_hex(source)}
            for cell_id, _, source in SOURCES if cell_id in ("slow", "quick")}


def source_fields(entries: Dict[str, dict]) -> Dict[str, dict]:
    return {k: {f: v[f] for f in ("cell_id", "notebook", "code_sha256")} for k, v in entries.items()}


@pytest.fixture
def papermill_engine():
    from importlib.metadata import entry_points

    eps = entry_points()
    group = eps.select(group="papermill.engine") if hasattr(eps, "select") else eps.get("papermill.engine", [])
    if not any(ep.name == "xetcache" for ep in group):
        pytest.fail("the papermill engine `xetcache` is not registered: reinstall the package "
                    "(bash scripts/setup.sh, or pip install --no-build-isolation --no-deps -e packages/python)")


# ---- both directions --------------------------------------------------------------------------------------------------

def test_interactive_stores_then_nbconvert_and_papermill_hit(tmp_path, kernel_factory, papermill_engine):
    work = tmp_path / "work"
    path = make_notebook(work)
    env = env_with_lab_settings(tmp_path, LAB_SETTINGS)
    kernel = kernel_factory(work)
    events = interactive(kernel)
    assert {k: e["state"] for k, e in events.items()} == {"slow": "stored", "quick": "stored", "dynamic": "declined"}
    assert ran(work) == ["slow", "quick"]
    assert source_fields(entries_by_cell(work)) == expected_sources()

    nb, log = nbconvert(path, env, "--execute")
    witness(nb)
    assert ran(work) == ["slow", "quick"]  # both cached cells were restored, neither ran
    assert states(nb) == {"slow": "hit", "quick": "hit", "dynamic": "declined"}
    slow = next(c for c in nb.cells if c.id == "slow")
    assert slow.metadata["xetcache_run"]["saved_s"] > 0.3
    assert slow.metadata["xetcache_run"]["key"] == events["slow"]["key"]
    assert [o.get("text") for o in slow.outputs] == ["computed 42\n"]  # the recorded output, replayed
    assert_sources_untouched(nb)
    no_status_lines(nb)
    assert nb.metadata["xetcache_run"]["hit"] == 2
    assert "xetcache: 3 cached cells in analysis.ipynb: 2 hit" in log
    assert "cell 3 (dynamic): not cached: uses exec" in log

    nb, log = papermill(tmp_path, "work/analysis.ipynb", "work/papermill-out.ipynb", env)
    witness(nb)
    assert ran(work) == ["slow", "quick"]
    assert states(nb) == {"slow": "hit", "quick": "hit", "dynamic": "declined"}
    assert_sources_untouched(nb)
    no_status_lines(nb)
    assert "2 hit" in log
    assert len(manifests(work)) == 2  # nothing new was stored
    assert not (tmp_path / ".xetcache").exists()  # the store is the notebook's, wherever papermill ran


def test_nbconvert_stores_then_an_interactive_kernel_hits(tmp_path, kernel_factory):
    path = make_notebook(tmp_path / "work")
    env = env_with_lab_settings(tmp_path, LAB_SETTINGS)
    nb, log = nbconvert(path, env)
    assert states(nb) == {"slow": "stored", "quick": "stored", "dynamic": "declined"}
    assert "2 stored" in log
    assert_sources_untouched(nb)
    witness(nb)
    assert ran(path.parent) == ["slow", "quick"]
    assert source_fields(entries_by_cell(path.parent)) == expected_sources()

    kernel = kernel_factory(path.parent)
    events = interactive(kernel)
    assert {k: e["state"] for k, e in events.items()} == {"slow": "hit", "quick": "hit", "dynamic": "declined"}
    assert events["slow"]["saved_s"] > 0.3
    assert ran(path.parent) == ["slow", "quick"]  # the interactive kernel restored both, ran neither
    assert kernel.value("[result, quick]") == [42, 43]
    assert len(manifests(path.parent)) == 2


def test_papermill_stores_then_an_interactive_kernel_hits(tmp_path, kernel_factory, papermill_engine):
    work = tmp_path / "work"
    path = make_notebook(work)
    env = env_with_lab_settings(tmp_path, LAB_SETTINGS)
    nb, log = papermill(work, path.name, "out.ipynb", env)
    assert states(nb) == {"slow": "stored", "quick": "stored", "dynamic": "declined"}
    assert_sources_untouched(nb)
    no_status_lines(nb)
    witness(nb)
    assert ran(work) == ["slow", "quick"]
    assert source_fields(entries_by_cell(work)) == expected_sources()

    kernel = kernel_factory(work)
    events = interactive(kernel)
    assert {k: e["state"] for k, e in events.items()} == {"slow": "hit", "quick": "hit", "dynamic": "declined"}
    assert ran(work) == ["slow", "quick"]
    assert kernel.value("[result, quick]") == [42, 43]


def test_papermill_from_python_takes_the_options_and_the_engine_module_may_be_imported_first(tmp_path,
                                                                                             papermill_engine):
    """papermill imports its engines' entry points while it is itself imported: importing ours first must work."""
    make_notebook(tmp_path)  # analysis.ipynb, run by the script below
    env = env_with_lab_settings(tmp_path, '{"threshold_s": 60}')
    script = (
        "import json, sys\n"
        "import xetcache.headless.papermill_engine as ours\n"
        "import papermill\n"
        "from papermill.engines import papermill_engines\n"
        "assert papermill_engines.get_engine('xetcache') is ours.XetCacheEngine\n"
        "nb = papermill.execute_notebook('analysis.ipynb', 'out.ipynb', engine_name='xetcache', kernel_name='python3',"
        " progress_bar=False, threshold_s=0.2)\n"
        "print(json.dumps({c.id: c.metadata.get('xetcache_run', {}).get('state') for c in nb.cells}))\n")
    r = run([PY, "-c", script], tmp_path, env)
    found = json.loads(r.stdout.strip().splitlines()[-1])
    assert {k: v for k, v in found.items() if v} == {"slow": "stored", "quick": "stored", "dynamic": "declined"}


def test_the_run_command_prints_a_summary_and_a_second_run_hits(tmp_path):
    path = make_notebook(tmp_path)
    env = env_with_lab_settings(tmp_path, '{"threshold_s": 60}')  # the command line's --threshold wins
    first = run([PY, "-m", "xetcache", "run", path.name, "-o", "out.ipynb", "--threshold", "0.2"], tmp_path, env)
    lines = first.stdout.splitlines()
    assert lines[0].startswith("xetcache: 3 cached cells in analysis.ipynb: 2 stored (")
    assert lines[0].endswith(" bytes), 1 declined")
    assert lines[1].startswith("  cell 1 (slow): stored, ran 0.5")
    assert lines[3] == "  cell 3 (dynamic): not cached: uses exec"
    assert lines[-1] == "xetcache: wrote out.ipynb"
    witness(nbformat.read(str(tmp_path / "out.ipynb"), as_version=4))
    assert ran(tmp_path) == ["slow", "quick"]

    second = run([PY, "-m", "xetcache", "run", path.name, "--inplace", "--json", "--threshold", "0.2"], tmp_path, env)
    report = json.loads(second.stdout)
    assert report["totals"]["hit"] == 2 and report["totals"]["saved_s"] > 0.3
    assert [(c["cell_id"], c["state"]) for c in report["cells"]] == [
        ("slow", "hit"), ("quick", "hit"), ("dynamic", "declined")]
    assert report["engine"]["ok"] is True
    executed = nbformat.read(str(path), as_version=4)  # --inplace: the input now holds the outputs
    witness(executed)
    assert ran(tmp_path) == ["slow", "quick"]  # the second run restored both
    assert_sources_untouched(executed)


def test_a_failing_toggled_cell_stops_the_run_says_so_and_the_output_is_written(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("raise ValueError('boom')"),
                nbformat.v4.new_code_cell("y = 2")]
    nb.cells[1].metadata["xetcache"] = {"enabled": True}
    for i, c in enumerate(nb.cells):
        c.id = f"c{i}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(tmp_path / "fails.ipynb"))
    env = env_with_lab_settings(tmp_path, "{}")
    r = subprocess.run([PY, "-m", "xetcache", "run", "fails.ipynb", "-o", "out.ipynb"], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 1, r.stderr
    assert "cell 1 (c1): not cached: the cell raised an error (nothing stored)" in r.stdout
    assert "CellExecutionError" in r.stderr and "boom" in r.stderr
    out = nbformat.read(str(tmp_path / "out.ipynb"), as_version=4)
    assert out.cells[1].outputs[0]["ename"] == "ValueError"
    assert out.cells[1].source == "raise ValueError('boom')"
    assert "outputs" in out.cells[2] and out.cells[2].outputs == []


def test_with_execute_the_plain_execute_preprocessor_does_not_run_the_cells_a_second_time(tmp_path):
    path = make_notebook(tmp_path)
    nb = nbformat.read(str(path), as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell("open('kernels.txt', 'a').write('k')"))  # a plain cell: untraced
    nb.cells[0].id = "count"
    nbformat.write(nb, str(path))
    env = env_with_lab_settings(tmp_path, LAB_SETTINGS)
    nbconvert(path, env, "--execute")
    assert (tmp_path / "kernels.txt").read_text() == "k"


# ---- the pieces -------------------------------------------------------------------------------------------------------

CASES = [  # (notebook path under the Jupyter root, cache_dir, cell metadata, source)
    ("analysis.ipynb", ".xetcache", {"enabled": True}, "x = 1\n"),
    ("work/sub/a.ipynb", "../.xetcache", {"enabled": True, "always": True, "key": "v2"}, "print('é ✓')\ny = x"),
    ("work/a.ipynb", "./cache/", {"enabled": True, "inputs": ["a", "b"], "outputs": ["c"], "always": False},
     "c = a + b"),
    ("work/a.ipynb", "../other/.xetcache", {"enabled": True, "inputs": [], "outputs": ["", 3], "always": "yes",
                                            "key": ""}, "z = 'quote \" and \\\\ backslash\\n'\t\n"),
    ("a.ipynb", ".xetcache", {"enabled": True, "key": "line\nbreak\u2028sep\x1fctl"}, "q = '\x1f'"),
]


def test_toggled_cells_are_sent_as_the_extensions_own_typescript_sends_them(tmp_path):
    """The code sent for a toggled cell, compared with spec.ts/metadata.ts/storepath.ts run by node."""
    node, tsx = shutil.which("node"), REPO / "node_modules" / "tsx"
    if not node or not tsx.exists():
        pytest.skip("needs node and the repository's npm packages (tsx): bash scripts/setup.sh")
    src = REPO / "packages" / "labextension" / "src"
    script = tmp_path / "spec.ts"
    script.write_text(
        f"import {{ buildCode, buildSpec }} from {json.dumps(str(src / 'spec.ts'))};\n"
        f"import {{ readCellConfig }} from {json.dumps(str(src / 'metadata.ts'))};\n"
        f"import {{ notebookInStore, storeForNotebook }} from {json.dumps(str(src / 'storepath.ts'))};\n"
        "import { readFileSync } from 'node:fs';\n"
        f"const cases = JSON.parse(readFileSync({json.dumps(str(tmp_path / 'cases.json'))}, 'utf8'));\n"
        "const out = cases.map(([path, cacheDir, meta, source]) => {\n"
        "  const nb = notebookInStore(path, storeForNotebook(path, cacheDir));\n"
        "  return buildCode(buildSpec('cell-1', nb, source, readCellConfig(meta)), source);\n"
        "});\n"
        "process.stdout.write(JSON.stringify(out));\n")
    (tmp_path / "cases.json").write_text(json.dumps(CASES))
    r = subprocess.run([node, "--import", "tsx", str(script)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    theirs = json.loads(r.stdout)
    root = tmp_path / "root"
    ours = []
    for path, cache_dir, meta, source in CASES:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["xetcache"] = meta
        assert cellspec.is_toggled(cell)
        notebook = cellspec.notebook_name(str(root / path), cache_dir)
        assert notebook == cellspec.notebook_in_store(path, cellspec.store_for_notebook(path, cache_dir))
        spec = cellspec.build_spec("cell-1", notebook, source, cellspec.cell_config(cell))
        ours.append(cellspec.build_code(spec, source))
    assert ours == theirs


def test_which_cells_count_as_toggled():
    def cell(meta, source="x = 1", kind="code"):
        c = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
        if meta is not None:
            c.metadata["xetcache"] = meta
        return c

    assert cellspec.is_toggled(cell({"enabled": True}))
    assert not cellspec.is_toggled(cell({"enabled": "true"}))  # hand-edited: not the boolean the toggle writes
    assert not cellspec.is_toggled(cell({"enabled": False, "always": True}))  # toggled off, options kept
    assert not cellspec.is_toggled(cell({"enabled": True}, source="  \n"))  # blank: the default runCell's job
    assert not cellspec.is_toggled(cell({"enabled": True}, kind="markdown"))
    assert not cellspec.is_toggled(cell(None))
    assert not cellspec.is_toggled(cell(["enabled"]))


def test_lab_settings_are_read_leniently(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTERLAB_SETTINGS_DIR", str(tmp_path))
    path = Path(lab_settings.lab_settings_file())
    assert path == tmp_path / "@xetcache" / "labextension" / "plugin.jupyterlab-settings"
    assert lab_settings.read_lab_settings() == ({}, None)  # no file: engine defaults, no warning
    path.parent.mkdir(parents=True)
    path.write_text('{\n  /* the lab\'s "store" */ "cache_dir": "../cache // not a comment",\n'
                    '  "threshold_s": 1, // fast\n  "unknown": 1,\n  "max_bytes": null,\n}')
    assert lab_settings.read_lab_settings() == (
        {"cache_dir": "../cache // not a comment", "threshold_s": 1, "max_bytes": None}, None)
    path.write_text("{ not json")
    settings, warning = lab_settings.read_lab_settings()
    assert settings == {} and "ignoring the JupyterLab settings" in warning


def test_run_options_override_the_lab_settings_and_the_store_is_the_notebooks():
    lab = {"threshold_s": 1, "cache_dir": "../cache", "max_bytes": 100}
    merged = lab_settings.merge(lab, {"threshold_s": 0.5, "always": None, "cache_dir": None, "max_bytes": -1})
    assert merged == {"threshold_s": 0.5, "cache_dir": "../cache", "max_bytes": None}
    nb = os.path.join(os.sep, "r", "work", "sub", "a.ipynb")
    assert lab_settings.for_kernel(merged, nb)["cache_dir"] == os.path.join(os.sep, "r", "work", "cache")
    assert lab_settings.for_kernel({}, nb)["cache_dir"] == os.path.join(os.sep, "r", "work", "sub", ".xetcache")
    assert lab_settings.for_kernel({"cache_dir": ""}, nb) == {"cache_dir": ""}  # refused by the engine, reported
    assert lab_settings.for_kernel({"threshold_s": 2}, None) == {"threshold_s": 2}  # no file: the kernel's cwd


def test_a_kernel_without_xetcache_gets_the_bundled_sources(tmp_path):
    """The boot code outside a kernel, with the installed package hidden: it writes this package's sources to a
    temp dir and activates them, as the extension's loader does."""
    code = boot.build_load_code(boot.engine_sources(), {"threshold_s": 0.5, "bogus": 1})
    probe = (
        "import importlib.machinery, sys, base64, json\n"
        "class Hide:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'xetcache':\n"
        "            spec = importlib.machinery.PathFinder.find_spec(name, path)\n"
        "            if spec is not None and 'xetcache-engine-' not in (spec.origin or ''):\n"
        "                raise ImportError('hidden')\n"
        "        return None\n"
        "sys.meta_path.insert(0, Hide())\n"
        + code +
        "import xetcache, xetcache.config\n"
        "print(json.dumps([json.loads(base64.b64decode(_xetcache_boot_result)), xetcache.__file__,"
        " xetcache.config.get_runtime_threshold()]))\n")
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    (tmp_path / "probe.py").write_text(probe)
    r = subprocess.run([PY, "probe.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    result, where, threshold = json.loads(r.stdout.strip().splitlines()[-1])
    assert result["ok"] is True and result["origin"] == "bundled", result
    assert [x["key"] for x in result["refused"]] == ["bogus"]
    assert "xetcache-engine-" in where and threshold == 0.5
    parsed = boot.parse_load_result({"status": "ok", "data": {"text/plain": repr(
        __import__("base64").b64encode(json.dumps(result).encode()).decode())}})
    assert parsed["ok"] is True and parsed["origin"] == "bundled"
    assert boot.parse_load_result({"status": "error", "ename": "NameError", "evalue": "x"}) == {
        "ok": False, "error": "NameError: x"}
