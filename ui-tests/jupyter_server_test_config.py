"""Jupyter Server configuration for the Galata UI tests.

Galata's helper turns off auth and XSRF and adds its in-browser helper extension. On top of it:
- a fixed, non-default port (several engineers share this machine; 8888 is the usual dev server),
- a fresh temporary root folder per server start (every test then works in its own sub-folder, galata's
  ``tmpPath``), so cache stores written beside the notebooks never leak between runs,
- ``allow_root`` because the CI and dev containers run as root.
"""

import os
from tempfile import mkdtemp

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # noqa: F821 (injected by traitlets when this file is loaded)

configure_jupyter_server(c)

c.ServerApp.port = int(os.environ.get("XETCACHE_UI_PORT", "8899"))
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.allow_root = True
c.ServerApp.root_dir = os.environ.get("JUPYTERLAB_GALATA_ROOT_DIR") or mkdtemp(prefix="xetcache-ui-")
# A kernel left over by a failed test must not linger: cull idle kernels after a while.
c.MappingKernelManager.cull_idle_timeout = 600
c.MappingKernelManager.cull_interval = 60
