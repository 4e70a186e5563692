"""Headless runs (`jupyter nbconvert --execute`) and interactive kernels share one cache, both ways."""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
from conftest import PKG_DIR, one_event

SETUP = "%load_ext xetcache\nimport xetcache\nxetcache.config.set_runtime_threshold(0.2)\nn = 6"
CACHED = ("%%xetmemo input=n output=sq always=True\n"
          "open('runs.txt', 'a').write('ran\\n')\n"
          "from IPython.display import HTML, display\n"
          "print('squaring', n)\n"
          "display(HTML('<i>square</i>'))\n"
          "sq = n * n\n"
          "sq")


def make_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SETUP), nbformat.v4.new_code_cell(CACHED)]
    nb.cells[0].id, nb.cells[1].id = "setup", "square"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "analysis.ipynb"
    nbformat.write(nb, str(path))
    return path


def execute_headless(path: Path) -> nbformat.NotebookNode:
    env = dict(os.environ, PYTHONPATH=PKG_DIR + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = path.with_name("executed.ipynb")
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", str(path),
                    "--output", out.name, "--ExecutePreprocessor.timeout=120"],
                   cwd=path.parent, env=env, check=True, capture_output=True)
    return nbformat.read(str(out), as_version=4)


def runs(folder: Path) -> int:
    p = folder / "runs.txt"
    return p.read_text().count("ran") if p.exists() else 0


def summarize(outputs):
    """What a reader of the notebook sees, without our one-line status on stderr."""
    seen = []
    for o in outputs:
        if o["output_type"] == "stream":
            if not o["text"].startswith("xetcache:"):
                seen.append(("stream", o["name"], o["text"]))
        else:
            seen.append((o["output_type"], dict(o["data"])))
    return seen


EXPECTED = [("stream", "stdout", "squaring 6\n"), ("display_data", {"text/html": "<i>square</i>",
            "text/plain": "<IPython.core.display.HTML object>"}), ("execute_result", {"text/plain": "36"})]


def test_headless_run_hits_what_an_interactive_kernel_stored(tmp_path, kernel):
    path = make_notebook(tmp_path)
    kernel.ok(SETUP)
    kernel.comm_open()
    assert one_event(kernel.ok(CACHED, cell_id="square"))["state"] == "stored"
    executed = execute_headless(path)
    assert runs(tmp_path) == 1  # the headless run did not execute the body
    cell = executed.cells[1]
    assert summarize(cell.outputs) == EXPECTED
    assert any(o.get("name") == "stderr" and o["text"].startswith("xetcache: hit") for o in cell.outputs)
    assert [o["execution_count"] for o in cell.outputs if o["output_type"] == "execute_result"] == [2]


def test_interactive_kernel_hits_what_a_headless_run_stored(tmp_path, kernel):
    path = make_notebook(tmp_path)
    executed = execute_headless(path)
    assert summarize(executed.cells[1].outputs) == EXPECTED
    assert runs(tmp_path) == 1
    kernel.ok(SETUP)
    kernel.comm_open()
    r = kernel.ok(CACHED, cell_id="square")
    ev = one_event(r)
    assert ev["state"] == "hit"
    assert runs(tmp_path) == 1
    assert kernel.value("sq") == 36
    assert r.stream() == "squaring 6\n"
