"""jupyter-server-proxy entry point: JupyterLab starts the XetCache index server (Node) behind `/xetcache/`.

The server listens on a Unix socket that jupyter-server-proxy creates, so no TCP port is open to other local users,
and every browser request is authenticated by Jupyter first. The server refuses paths outside the Jupyter root.
"""

import os
import shutil
from pathlib import Path

BUNDLE = Path(__file__).parent / "server_dist" / "xetcache-server.js"


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
    node = os.environ.get("XETCACHE_NODE") or shutil.which("node") or "node"
    return {
        "command": [node, str(BUNDLE), "serve", "--root", _root_dir(), "--socket", "{unix_socket}"],
        "unix_socket": True,
        "timeout": 30,
        "absolute_url": False,
        "new_browser_tab": False,
        "launcher_entry": {"enabled": False},
    }
