"""A real S3-compatible server for the remote-tier tests and bench: SeaweedFS (`weed server -s3`) on free loopback
ports, with two identities: a read-write key and a read-only one.

The binary is built by scripts/setup.sh (WEED_VERSION there) into ~/.cache/xetcache-tools/seaweedfs-<version>/weed
(XETCACHE_WEED overrides). When it is missing the tests FAIL, saying how to build it: a skipped remote tier would
look like a tested one.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import List, Optional, Tuple

REPO_ROOT = Path(__file__).resolve().parents[3]
RW = ("XETCACHERWKEY0000001", "rw-secret-abcdefghijklmnopqrstuvwxyz0123")
RO = ("XETCACHEROKEY0000001", "ro-secret-abcdefghijklmnopqrstuvwxyz0123")
REGION = "us-east-1"


def weed_version() -> str:
    text = (REPO_ROOT / "scripts" / "setup.sh").read_text()
    m = re.search(r"^WEED_VERSION=(\S+)$", text, re.M)
    assert m, "scripts/setup.sh has no WEED_VERSION= line"
    return m.group(1)


def weed_binary() -> Optional[str]:
    """The weed binary, or None when it is not built."""
    env = os.environ.get("XETCACHE_WEED")
    if env:
        return env if os.access(env, os.X_OK) else None
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = os.path.join(cache, "xetcache-tools", f"seaweedfs-{weed_version()}", "weed")
    return path if os.access(path, os.X_OK) else None


def missing_message() -> str:
    return (f"SeaweedFS (weed {weed_version()}) is not built: run `bash scripts/setup.sh` (it builds weed with Go "
            "into ~/.cache/xetcache-tools/), or point XETCACHE_WEED at a weed binary")


def free_ports(n: int) -> List[int]:
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


class Weed:
    """One `weed server` (master, volume, filer, S3) in ``root``; restartable on the same ports and data."""

    def __init__(self, root: Path, binary: str) -> None:
        self.root, self.binary = Path(root), binary
        (self.root / "data").mkdir(parents=True, exist_ok=True)
        ports = free_ports(8)
        self.master, self.master_grpc, self.volume, self.volume_grpc = ports[:4]
        self.filer, self.filer_grpc, self.s3, self.s3_grpc = ports[4:]
        self.config = self.root / "s3.json"
        self.config.write_text(json.dumps({"identities": [
            {"name": "team-rw", "credentials": [{"accessKey": RW[0], "secretKey": RW[1]}],
             "actions": ["Admin", "Read", "List", "Tagging", "Write"]},
            {"name": "team-ro", "credentials": [{"accessKey": RO[0], "secretKey": RO[1]}],
             "actions": ["Read", "List"]},
        ]}, indent=2))
        self.proc: Optional[subprocess.Popen] = None
        self.log = self.root / "weed.log"

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.s3}"

    def command(self) -> List[str]:
        return [
            self.binary, "server", f"-dir={self.root / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-master.port={self.master}", f"-master.port.grpc={self.master_grpc}", "-master.telemetry=false",
            "-master.volumeSizeLimitMB=256", "-volume.max=100", "-volume.preStopSeconds=0",
            f"-volume.port={self.volume}", f"-volume.port.grpc={self.volume_grpc}",
            "-filer", f"-filer.port={self.filer}", f"-filer.port.grpc={self.filer_grpc}",
            f"-filer.localSocket={self.root / 'filer.sock'}",
            "-s3", f"-s3.port={self.s3}", f"-s3.port.grpc={self.s3_grpc}", "-s3.port.iceberg=0",
            "-s3.port.lance=0", f"-s3.config={self.config}", f"-s3.localSocket={self.root / 's3.sock'}",
        ]

    def start(self, timeout: float = 180.0) -> "Weed":
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT, cwd=self.root,
                                         start_new_session=True)
        self.wait_ready(timeout)
        return self

    def client(self, creds: Tuple[str, str] = RW, retries: int = 2):
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=creds[0],
                            aws_secret_access_key=creds[1], region_name=REGION,
                            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": retries},
                                          connect_timeout=5, read_timeout=60))

    def wait_ready(self, timeout: float) -> None:
        """Until the S3 gateway answers and a bucket can take and give back an object (the volume layer too)."""
        deadline = time.monotonic() + timeout
        last: Exception = RuntimeError("not started")
        c = self.client(retries=1)
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"weed exited with {self.proc.returncode}; log:\n{self.tail()}")
            try:
                self.make_bucket("xetcache-ready", c)
                c.put_object(Bucket="xetcache-ready", Key="probe", Body=b"ok")
                if c.get_object(Bucket="xetcache-ready", Key="probe")["Body"].read() == b"ok":
                    return
            except Exception as e:  # not up yet
                last = e
            time.sleep(0.5)
        raise RuntimeError(f"weed did not become ready in {timeout:g} s ({last}); log:\n{self.tail()}")

    def make_bucket(self, name: str, c=None) -> str:
        c = c or self.client()
        try:
            c.create_bucket(Bucket=name)
        except Exception as e:
            if "BucketAlreadyOwnedByYou" not in str(e) and "BucketAlreadyExists" not in str(e):
                raise
        return name

    def keys(self, bucket: str, prefix: str = "") -> List[str]:
        c = self.client()
        out, token = [], None
        while True:
            kw = {"Bucket": bucket, "Prefix": prefix}
            if token:
                kw["ContinuationToken"] = token
            r = c.list_objects_v2(**kw)
            out += [o["Key"] for o in r.get("Contents", [])]
            if not r.get("IsTruncated"):
                return sorted(out)
            token = r["NextContinuationToken"]

    def tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def kill(self) -> None:
        """SIGKILL the whole server (a crash, or the network gone)."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None
