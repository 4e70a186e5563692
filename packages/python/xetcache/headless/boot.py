"""Loading the engine into a headless kernel, as the lab extension does (labextension/src/engine/inject.ts): an
installed `xetcache` in the kernel wins; otherwise this package's own sources are written to a fresh temp dir that
goes on the kernel's sys.path. Then `xetcache.ipython.jupyter.activate(settings_json)`. The outcome comes back as
a user expression (base64 JSON) and the load never raises in the kernel.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any, Dict

RESULT_NAME = "_xetcache_boot_result"  # the extension's name: the kernel ends up in the same state
PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def engine_sources(package_dir: str = PACKAGE_DIR) -> Dict[str, str]:
    """Every .py of the package by its '/'-separated path (sub-packages with an __init__.py; none starting with '_'
    or '.'): the selection of labextension/scripts/gen-engine-sources.mjs."""
    sources: Dict[str, str] = {}

    def collect(folder: str, prefix: str) -> None:
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.is_dir():
                if not entry.name.startswith(("_", ".")) and os.path.exists(os.path.join(entry.path, "__init__.py")):
                    collect(entry.path, f"{prefix}{entry.name}/")
            elif entry.is_file() and entry.name.endswith(".py"):
                with open(entry.path, encoding="utf-8") as f:
                    sources[prefix + entry.name] = f.read()

    collect(package_dir, "")
    return sources


def _b64(value: Any) -> str:
    return base64.b64encode(json.dumps(value).encode("utf-8")).decode("ascii")


def build_load_code(sources: Dict[str, str], settings: Dict[str, Any]) -> str:
    """inject.ts buildLoadCode, line for line."""
    return f'''def _xetcache_boot(files_b64, settings_b64):
    import base64, importlib, json, os, sys, tempfile
    out = {{"ok": False}}
    try:
        settings_json = base64.b64decode(settings_b64).decode("utf-8")
        try:
            import xetcache.ipython.jupyter
            out["origin"] = "installed"
        except ImportError:
            files = json.loads(base64.b64decode(files_b64).decode("utf-8"))
            if "__init__.py" not in files:
                raise
            root = tempfile.mkdtemp(prefix="xetcache-engine-")
            pkg = os.path.join(root, "xetcache")
            os.mkdir(pkg)
            for name, text in files.items():
                parts = name.split("/")
                if not all(p.isidentifier() or (p.endswith(".py") and p[:-3].isidentifier()) for p in parts):
                    continue  # only plain module paths: nothing is written outside the temp dir
                target = os.path.join(pkg, *parts)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "w", encoding="utf-8") as f:
                    f.write(text)
            # Forget a half-imported copy so the bundled one loads cleanly.
            for mod in [m for m in sys.modules if m == "xetcache" or m.startswith("xetcache.")]:
                del sys.modules[mod]
            sys.path.insert(0, root)
            importlib.invalidate_caches()
            import xetcache.ipython.jupyter
            out["origin"] = "bundled"
        res = xetcache.ipython.jupyter.activate(settings_json)
        res = res if isinstance(res, dict) else {{}}
        out["version"] = str(res.get("version", ""))
        out["refused"] = res.get("refused") or []
        out["ok"] = True
    except BaseException as e:
        out["error"] = "%s: %s" % (type(e).__name__, e)
    return base64.b64encode(json.dumps(out).encode("utf-8")).decode("ascii")
{RESULT_NAME} = _xetcache_boot({json.dumps(_b64(sources))}, {json.dumps(_b64(settings))})
del _xetcache_boot
'''


def parse_load_result(expr: Any) -> Dict[str, Any]:
    """inject.ts parseLoadResult: the user expression `'<base64>'` → {ok, origin, version, error, refused}."""
    if not isinstance(expr, dict) or expr.get("status") != "ok":
        ename = expr.get("ename") if isinstance(expr, dict) else None
        return {"ok": False, "error": f"{ename}: {expr.get('evalue', '')}" if ename else "no result from the kernel"}
    text = str((expr.get("data") or {}).get("text/plain", ""))
    if len(text) < 2 or text[0] != "'" or text[-1] != "'":
        return {"ok": False, "error": f"unexpected result {text[:80]}"}
    try:
        result = json.loads(base64.b64decode(text[1:-1], validate=True).decode("utf-8"))
    except ValueError:
        return {"ok": False, "error": "unreadable result from the kernel"}
    refused = [r for r in result.get("refused") or [] if isinstance(r, dict)]
    return {"ok": result.get("ok") is True, "origin": result.get("origin"), "version": result.get("version"),
            "error": result.get("error"), "refused": refused}
