"""The store's remote: ``<store>/remote.json``, a small committed file that names an S3-compatible bucket.

    {"format": 1, "type": "s3", "bucket": "team-cache", "prefix": "projects/churn",
     "endpoint": "https://minio.example.com", "region": "us-east-1"}

``endpoint`` (omit it for AWS), ``region``, ``addressing`` ("path" or "virtual"; path-style by default with an
endpoint, virtual-hosted on AWS), ``profile`` (an AWS profile name every teammate has) and ``pull_only`` (true: never
push) are optional; other fields are kept and ignored. Credentials never live here: the file is committed, so a
field that looks like a secret makes the whole file refused. ``XETCACHE_REMOTE=off`` in the environment turns the
read-through and write-through off for a process (the CLI still works).
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, Dict, Optional, Tuple

from ..store import atomic, safeio

FILE = "remote.json"
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]")
_SECRETISH = re.compile(r"secret|password|passwd|token|access_?key|key_?id|credential", re.I)
_cache: Dict[str, Tuple[Tuple[int, int, int], Optional["RemoteConfig"]]] = {}


class ConfigError(ValueError):
    code = "EREMOTECONFIG"


class RemoteConfig:
    def __init__(self, doc: Dict[str, Any], path: str = "") -> None:
        self.doc = doc
        self.path = path
        self.bucket: str = doc["bucket"]
        self.prefix: str = doc.get("prefix") or ""
        self.endpoint: Optional[str] = doc.get("endpoint") or None
        self.region: Optional[str] = doc.get("region") or None
        self.addressing: Optional[str] = doc.get("addressing") or None
        self.profile: Optional[str] = doc.get("profile") or None
        self.pull_only: bool = bool(doc.get("pull_only", False))

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"

    def describe(self) -> str:
        where = f" at {self.endpoint}" if self.endpoint else ""
        return f"{self.url}{where}" + (f" ({self.region})" if self.region else "")

    def key(self, *parts: str) -> str:
        """The object key of a store-relative path ('entries/ab/<key>.json')."""
        rel = "/".join(parts)
        return f"{self.prefix}/{rel}" if self.prefix else rel


def check(doc: Any) -> Dict[str, Any]:
    """A valid remote.json document (normalised), or ConfigError saying what is wrong."""
    if not isinstance(doc, dict):
        raise ConfigError("remote.json must hold a JSON object")
    secrets = sorted(k for k in doc if isinstance(k, str) and _SECRETISH.search(k) and k != "profile")
    if secrets:
        raise ConfigError(f"remote.json holds {secrets[0]!r}: credentials never go in the store (it is committed); "
                          "use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or ~/.aws/credentials, and remove the field")
    if doc.get("format", 1) != 1:
        raise ConfigError(f"remote.json format {doc.get('format')!r} is newer than this XetCache understands")
    if doc.get("type", "s3") != "s3":
        raise ConfigError(f"remote type {doc.get('type')!r} is not supported (only s3)")
    bucket = doc.get("bucket")
    if not isinstance(bucket, str) or not _BUCKET.fullmatch(bucket) or ".." in bucket:
        raise ConfigError(f"bucket {bucket!r} is not an S3 bucket name (3-63 of a-z 0-9 . -)")
    out = dict(doc)
    out["format"], out["type"] = 1, "s3"
    prefix = doc.get("prefix", "")
    if not isinstance(prefix, str):
        raise ConfigError("prefix must be a string")
    prefix = prefix.strip("/")
    if any(seg in ("", ".", "..") for seg in prefix.split("/")) and prefix:
        raise ConfigError(f"prefix {doc.get('prefix')!r} has an empty, '.' or '..' segment")
    out["prefix"] = prefix
    endpoint = doc.get("endpoint")
    if endpoint is not None:
        if not isinstance(endpoint, str) or not re.fullmatch(r"https?://[^/\s?#@]+(/[^\s?#]*)?", endpoint):
            raise ConfigError(f"endpoint {endpoint!r} must be an http(s)://host[:port] URL without credentials")
        out["endpoint"] = endpoint.rstrip("/")
    for name in ("region", "profile"):
        if doc.get(name) is not None and (not isinstance(doc[name], str) or not doc[name].strip()):
            raise ConfigError(f"{name} must be a non-empty string")
    if doc.get("addressing") not in (None, "path", "virtual"):
        raise ConfigError("addressing must be 'path' or 'virtual'")
    if not isinstance(doc.get("pull_only", False), bool):
        raise ConfigError("pull_only must be true or false")
    return out


def path_of(store_dir: str) -> str:
    return os.path.join(store_dir, FILE)


def load(store_dir: str) -> Optional[RemoteConfig]:
    """The store's remote, None when it names none. ConfigError for a file that is invalid. Cached by the file's
    stat, so asking on every miss costs one lstat."""
    path = path_of(store_dir)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        _cache.pop(path, None)
        return None
    stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
    hit = _cache.get(path)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    try:
        data = safeio.read_regular(path, 64 * 1024)
    except OSError as e:
        raise ConfigError(f"{path} cannot be read as a regular file: {e}") from None
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise ConfigError(f"{path} is not JSON: {e}") from None
    cfg = RemoteConfig(check(doc), path)
    _cache[path] = (stamp, cfg)
    return cfg


def parse_url(url: str) -> Tuple[str, str]:
    """(bucket, prefix) of s3://bucket[/prefix]."""
    m = re.fullmatch(r"s3://([^/]+)/?(.*)", url.strip())
    if not m:
        raise ConfigError(f"{url!r} is not an s3://bucket[/prefix] URL")
    return m.group(1), m.group(2).strip("/")


def save(store_dir: str, doc: Dict[str, Any]) -> RemoteConfig:
    """Write remote.json (validated first; sorted keys, 2-space indent, so diffs stay small)."""
    doc = check(doc)
    text = json.dumps(doc, indent=2, sort_keys=True) + "\n"
    atomic.write_file(store_dir, path_of(store_dir), text.encode("utf-8"), overwrite=True)
    _cache.pop(path_of(store_dir), None)
    cfg = load(store_dir)
    assert cfg is not None
    return cfg


def disabled() -> bool:
    return os.environ.get("XETCACHE_REMOTE", "").strip().lower() in ("off", "0", "false", "no")
