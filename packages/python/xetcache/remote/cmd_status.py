"""The team-cache half of `xetcache status`: after the TypeScript CLI's LFS status of each entry, the push queue
(with progress) and what differs between the store and its remote."""

from __future__ import annotations

import json
import subprocess
import time
from typing import Any, Dict, List, TextIO

from ..store.units import format_bytes
from . import pushqueue, sync
from .cliout import Out, config_of
from .remoteerror import RemoteError
from .transfer import Remote


def remote_status(store: str, list_remote: bool = True) -> Dict[str, Any]:
    """The team-cache half of `xetcache status`: the queue (with progress), and what differs from the remote."""
    cfg = config_of(store)
    queue = pushqueue.pending(store)
    now = time.time()
    for q in queue:
        q["age_s"] = round(now - float(q.get("queued") or now), 1)
    info: Dict[str, Any] = {"url": cfg.url, "endpoint": cfg.endpoint, "pull_only": cfg.pull_only, "queue": queue,
                            "reachable": None, "error": None}
    if list_remote:
        try:
            remote = Remote(store, cfg, timeout=10.0)
            remote_keys = set(remote.remote_keys())
            local = set(sync.local_keys(store))
            info.update(reachable=True, remote_entries=len(remote_keys), local_not_remote=sorted(local - remote_keys),
                        remote_not_local=sorted(remote_keys - local))
        except RemoteError as e:
            info.update(reachable=False, error={"reason_code": e.reason_code, "message": str(e)})
    return info


def status(argv: List[str], store: str, o: Out, out: TextIO) -> int:
    """The TypeScript `status` (LFS state of each entry), then the team cache's. With --json: one object, the
    TypeScript one plus a "remote" field."""
    from ..proxy import server_command

    ts_args = [a for a in argv]
    code = 0
    if o.json:
        r = subprocess.run(server_command(ts_args), stdout=subprocess.PIPE, text=True)
        try:
            doc = json.loads(r.stdout) if r.stdout.strip() else {}
        except ValueError:
            doc = {"status_output": r.stdout}
        doc["remote"] = remote_status(store)
        out.write(json.dumps(doc) + "\n")
        return r.returncode
    out.flush()
    code = subprocess.call(server_command(ts_args))
    info = remote_status(store)
    lines = [f"team cache {info['url']}" + (f" at {info['endpoint']}" if info["endpoint"] else "")
             + (" (pull-only)" if info["pull_only"] else "")]
    if info["reachable"] is False:
        lines.append(f"  not reachable: {info['error']['message']} ({info['error']['reason_code']})")
    elif info["reachable"]:
        lines.append(f"  {info['remote_entries']} entries there; {len(info['remote_not_local'])} not here "
                     f"(`xetcache pull`), {len(info['local_not_remote'])} here not there"
                     + (" (`xetcache push --all`)" if info["local_not_remote"] else ""))
    if info["queue"]:
        lines.append(f"  waiting to be pushed: {len(info['queue'])} entr{'y' if len(info['queue']) == 1 else 'ies'}")
        for q in info["queue"]:
            state = q.get("state", "waiting")
            what = f"    {q['key'][:12]}  {state}"
            if q.get("bytes"):
                what += f"  {format_bytes(int(q.get('bytes_done') or 0) + int(q.get('resumed_bytes') or 0))} of " \
                        f"{format_bytes(int(q['bytes']))}"
            if q.get("error"):
                what += f"  {q['error'].get('reason_code')}: {q['error'].get('message')}"
            if q.get("pid") and state == "pushing":
                what += f"  (pid {q['pid']})"
            lines.append(what)
    else:
        lines.append("  nothing waiting to be pushed")
    out.write("\n".join(lines) + "\n")
    return code
