"""Real kernels for the cell-side tests: an ipykernel started through jupyter_client in a fresh folder.

`kernel_factory(cwd)` starts a kernel whose working directory is `cwd` (so its store is `<cwd>/.xetcache`);
`k.run(code, cell_id=...)` sends an execute request the way JupyterLab does (cell id in the request metadata) and
returns the reply and every iopub message of that request.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

PKG_DIR = str(Path(__file__).resolve().parents[1])  # packages/python: the source tree the kernel imports


class RunResult:
    def __init__(self, reply: dict, msgs: List[dict]) -> None:
        self.reply, self.msgs = reply, msgs

    @property
    def ok(self) -> bool:
        return self.reply["content"]["status"] == "ok"

    def of_type(self, *types: str) -> List[dict]:
        return [m for m in self.msgs if m["msg_type"] in types]

    def stream(self, name: str = "stdout") -> str:
        return "".join(m["content"]["text"] for m in self.of_type("stream") if m["content"]["name"] == name)

    def outputs(self) -> List[dict]:
        """Output-producing messages (what a frontend would show), comm traffic excluded."""
        return self.of_type("stream", "display_data", "execute_result", "error")

    def comm_events(self) -> List[dict]:
        """Run events the engine sent on the comm (notices, e.g. LFS progress, are separate: notices())."""
        return [d for d in (m["content"]["data"] for m in self.of_type("comm_msg")) if d.get("type") != "notice"]

    def notices(self) -> List[str]:
        return [d["text"] for d in (m["content"]["data"] for m in self.of_type("comm_msg"))
                if d.get("type") == "notice"]


class Kernel:
    def __init__(self, cwd: Path, env: Optional[Dict[str, str]] = None) -> None:
        from jupyter_client.manager import KernelManager

        self.cwd = cwd
        kernel_env = dict(os.environ)
        kernel_env["PYTHONPATH"] = PKG_DIR + os.pathsep + kernel_env.get("PYTHONPATH", "")
        kernel_env.pop("JPY_SESSION_NAME", None)
        kernel_env.update(env or {})
        self.km = KernelManager(kernel_name="python3")
        self.km.start_kernel(cwd=str(cwd), env=kernel_env)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)

    def send(self, code: str, cell_id: Optional[str] = None, silent: bool = False) -> str:
        """Send an execute request without waiting (for concurrent runs); returns its msg_id for `collect`."""
        content = {"code": code, "silent": silent, "store_history": not silent, "user_expressions": {},
                   "allow_stdin": False, "stop_on_error": True}
        msg = self.kc.session.msg("execute_request", content, metadata={"cellId": cell_id} if cell_id else {})
        self.kc.shell_channel.send(msg)
        return msg["header"]["msg_id"]

    def collect(self, msg_id: str, timeout: float = 60) -> RunResult:
        msgs: List[dict] = []
        deadline = time.monotonic() + timeout
        while True:
            m = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break
            msgs.append(m)
        while True:
            reply = self.kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == msg_id:
                return RunResult(reply, msgs)

    def run(self, code: str, cell_id: Optional[str] = None, timeout: float = 60, silent: bool = False) -> RunResult:
        return self.collect(self.send(code, cell_id, silent), timeout)

    def load(self, threshold: float = 0.2, comm: bool = True) -> None:
        """`%load_ext xetcache`, a small threshold (tests stay fast), and optionally a frontend comm for events."""
        self.ok(f"%load_ext xetcache\nimport xetcache\nxetcache.config.set_runtime_threshold({threshold})")
        if comm:
            self.comm_open()

    def ok(self, code: str, **kw: Any) -> RunResult:
        """Run and require success, showing the kernel's traceback otherwise."""
        r = self.run(code, **kw)
        if not r.ok:
            err = r.reply["content"]
            raise AssertionError(f"{err.get('ename')}: {err.get('evalue')}\n" + "\n".join(err.get("traceback", [])))
        return r

    def value(self, expr: str) -> Any:
        """A JSON-able value from the kernel."""
        import json

        r = self.ok(f"import json as _j; print(_j.dumps({expr}))")
        return json.loads(r.stream().strip().splitlines()[-1])

    def comm_open(self, target: str = "xetcache") -> str:
        import uuid

        comm_id = uuid.uuid4().hex
        msg = self.kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": target, "data": {}})
        self.kc.shell_channel.send(msg)
        return comm_id

    def shutdown(self) -> None:
        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=True)


@pytest.fixture
def kernel_factory():
    started: List[Kernel] = []

    def start(cwd: Path, env: Optional[Dict[str, str]] = None) -> Kernel:
        k = Kernel(cwd, env)
        started.append(k)
        return k

    yield start
    for k in started:
        k.shutdown()


@pytest.fixture
def kernel(tmp_path, kernel_factory) -> Kernel:
    return kernel_factory(tmp_path)


def one_event(r: RunResult) -> dict:
    """The single run event a cached cell sent on the comm."""
    evs = r.comm_events()
    assert len(evs) == 1, evs
    return evs[0]


def manifests(cwd: Path) -> List[dict]:
    import json

    return [json.loads(p.read_text()) for p in sorted((cwd / ".xetcache" / "entries").glob("*/*.json"))]


# ---- a fresh store of values (tests of the store's objects, chunks and loader) ---------------------------------
SHA = "c" * 64


@pytest.fixture
def store(tmp_path):
    """A new Storage in the test's own temp dir, with the engine's config reset around it (modules that need
    another kind of store define their own `store`)."""
    from xetcache import Storage, config

    config.reset()
    yield Storage(str(tmp_path / ".xetcache"))
    config.reset()


def save_value(store, value, key="a" * 64):
    """Store ``value`` as a function's return value under ``key`` (the shape @xetmemo stores)."""
    return store.save(key=key, kind="function", variables={"return": value}, outputs=None, runtime_s=2.0,
                      source={"code_sha256": SHA, "preview": "f()"}, inputs={}, outputs_names=["return"],
                      namespace=None)
