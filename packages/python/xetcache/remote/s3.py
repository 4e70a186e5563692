"""A small S3 client on the standard library: AWS Signature Version 4 over http.client, keep-alive connections
per thread, the calls the remote tier needs (HEAD, ranged GET, PUT, LIST, DELETE, multipart upload) and errors
with a code a person and a program can act on.

Why not boto3: this module runs inside arbitrary user kernels (the engine is injected into them), and those may not
have boto3; headless runs must work there too. boto3/botocore, when importable, only resolves credentials it alone
knows how to get (SSO, roles, instance metadata: credentials.py). Payloads are sent UNSIGNED-PAYLOAD: every byte is
verified against its sha256 name by whoever reads it, which is a stronger check than a signed payload.

The signing is in sigv4.py, RemoteError and its reason codes in remoteerror.py (with s3xml.py to read answers),
the multipart calls in s3multipart.py.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from datetime import datetime, timezone
from typing import Any, Dict, Iterator, Optional, Sequence, Tuple
from urllib.parse import urlsplit
from xml.etree import ElementTree

from .remoteerror import DOWN, NOBUCKET, OTHER, SLOW, RemoteError, from_response
from .s3multipart import Body, MultipartCalls
from .s3xml import child, xml_all, xml_text
from .sigv4 import EMPTY_SHA256, UNSIGNED, Credentials, sign, uri_encode


class Response:
    def __init__(self, status: int, headers: Dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body


class Client(MultipartCalls):
    """One bucket at one endpoint. Thread-safe: every thread keeps its own keep-alive connection."""

    def __init__(self, bucket: str, region: str, endpoint: Optional[str], credentials: Any,
                 addressing: Optional[str] = None, timeout: float = 30.0, retries: int = 3) -> None:
        self.bucket, self.region = bucket, region
        self._creds = credentials  # Credentials or a callable returning them (refreshing sources)
        if endpoint:
            parts = urlsplit(endpoint)
            self.scheme, self.host_name, self.port = parts.scheme, parts.hostname or "", parts.port
            self.base_path = parts.path.rstrip("/")
            self.addressing = addressing or "path"
        else:
            self.scheme, self.port, self.base_path = "https", None, ""
            self.addressing = addressing or "virtual"
            self.host_name = f"s3.{region}.amazonaws.com"
        if self.addressing == "virtual":
            self.host_name = f"{bucket}.{self.host_name}"
        default_port = 443 if self.scheme == "https" else 80
        self.host = self.host_name if self.port in (None, default_port) else f"{self.host_name}:{self.port}"
        self.timeout, self.retries = timeout, retries
        self._local = threading.local()
        self._ssl = ssl.create_default_context() if self.scheme == "https" else None

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}{self.base_path}"

    def credentials(self) -> Credentials:
        return self._creds() if callable(self._creds) else self._creds

    # ---- connections -----------------------------------------------------------------------------------------
    def _conn(self, timeout: float) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self.scheme == "https":
                conn = http.client.HTTPSConnection(self.host_name, self.port, timeout=timeout, context=self._ssl)
            else:
                conn = http.client.HTTPConnection(self.host_name, self.port, timeout=timeout)
            self._local.conn = conn
            self._local.fresh = True
        conn.timeout = timeout
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        return conn

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            try:
                conn.close()
            except Exception:
                pass

    def close(self) -> None:
        self._drop()

    # ---- one request -----------------------------------------------------------------------------------------
    def _path(self, key: str) -> str:
        if self.addressing == "virtual":
            return f"{self.base_path}/{key}"
        return f"{self.base_path}/{self.bucket}/{key}" if key else f"{self.base_path}/{self.bucket}"

    def _send(self, method: str, key: str, query: Dict[str, str], headers: Dict[str, str], body: Body,
              payload_hash: str, timeout: float, into: Optional[memoryview]) -> Response:
        creds = self.credentials()
        path = self._path(key)
        amz_date = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        signed = {"host": self.host, "x-amz-date": amz_date, "x-amz-content-sha256": payload_hash}
        if creds.token:
            signed["x-amz-security-token"] = creds.token
        all_headers = dict(headers)
        all_headers.update(signed)
        all_headers["Authorization"] = sign(method, path, query, signed, payload_hash, creds, self.region, amz_date)
        if body is not None:
            # A memoryview, never the object itself: http.client reads anything with a .read() (an mmap has one)
            # as a file from its current position, so a retried request would send nothing after the first try.
            body = memoryview(body).cast("B")
            all_headers["Content-Length"] = str(body.nbytes)
        elif method in ("PUT", "POST"):
            all_headers["Content-Length"] = "0"
        target = uri_encode(path, True)
        if query:
            target += "?" + "&".join(f"{uri_encode(k, False)}={uri_encode(v, False)}" if v != "" else uri_encode(k, False)
                                     for k, v in sorted(query.items()))
        conn = self._conn(timeout)
        reused = conn.sock is not None
        try:
            conn.request(method, target, body=body, headers=all_headers)
            resp = conn.getresponse()
            status = resp.status
            rheaders = {k.lower(): v for k, v in resp.getheaders()}
            if into is not None and 200 <= status < 300:
                n, view = 0, into
                while n < len(view):
                    got = resp.readinto(view[n:])
                    if not got:
                        break
                    n += got
                rest = resp.read()  # a server that sent more than asked: keep the connection usable
                if n != len(view) or rest:
                    self._drop()
                    raise RemoteError(f"{method} {key}: expected {len(view)} bytes, got {n + len(rest)}",
                                      OTHER, status, transient=True)
                data = b""
            else:
                data = resp.read()  # also for HEAD (b""): the response must be finished to reuse the connection
            if rheaders.get("connection", "").lower() == "close":
                self._drop()
            return Response(status, rheaders, data)
        except RemoteError:
            raise
        except (socket.timeout, TimeoutError) as e:
            self._drop()
            raise RemoteError(f"no answer from {self.url} within {timeout:g} s ({method} {key or '/'})", SLOW,
                              transient=True) from e
        except ConnectionRefusedError as e:
            self._drop()
            raise RemoteError(f"connection refused by {self.url}", DOWN, transient=True) from e
        except socket.gaierror as e:
            self._drop()
            raise RemoteError(f"cannot resolve {self.host_name}: {e.strerror or e}", DOWN, transient=True) from e
        except ssl.SSLError as e:
            self._drop()
            raise RemoteError(f"TLS error with {self.url}: {e}", OTHER) from e
        except (http.client.HTTPException, OSError) as e:
            self._drop()
            # a keep-alive connection the server closed while idle: one silent retry with a new one
            err = RemoteError(f"connection to {self.url} failed: {type(e).__name__}: {e}", DOWN, transient=True)
            err.stale = reused  # type: ignore[attr-defined]
            raise err from e

    def request(self, method: str, key: str = "", *, query: Optional[Dict[str, str]] = None,
                headers: Optional[Dict[str, str]] = None, body: Body = None, payload_hash: Optional[str] = None,
                ok: Sequence[int] = (200,), timeout: Optional[float] = None, retries: Optional[int] = None,
                into: Optional[memoryview] = None) -> Response:
        """Send a signed request, retrying transient failures with backoff. A status outside ``ok`` raises
        RemoteError (404 included, unless listed in ``ok``)."""
        if payload_hash is None:
            payload_hash = EMPTY_SHA256 if body is None else UNSIGNED
        attempts = 1 + (self.retries if retries is None else retries)
        delay = 0.25
        for attempt in range(attempts):
            try:
                resp = self._send(method, key, query or {}, headers or {}, body, payload_hash,
                                  self.timeout if timeout is None else timeout, into)
            except RemoteError as e:
                e.method = method
                if getattr(e, "stale", False) and attempt == 0:
                    continue  # a reused connection was closed by the server: not a failure
                if not e.transient or attempt == attempts - 1:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 4.0)
                continue
            if resp.status in ok:
                return resp
            err = self._error(method, key, resp)
            err.method = method
            if not err.transient or attempt == attempts - 1:
                raise err
            time.sleep(delay)
            delay = min(delay * 2, 4.0)
        raise AssertionError("unreachable")

    def _error(self, method: str, key: str, resp: Response) -> RemoteError:
        return from_response(method, key, resp.status, resp.body, self.bucket, self.url)

    # ---- the calls -------------------------------------------------------------------------------------------
    def head(self, key: str, timeout: Optional[float] = None, retries: Optional[int] = None) -> Optional[int]:
        """The size of ``key``, or None when it does not exist."""
        r = self.request("HEAD", key, ok=(200, 404), timeout=timeout, retries=retries)
        return int(r.headers.get("content-length", "0")) if r.status == 200 else None

    def head_bucket(self, timeout: Optional[float] = None) -> None:
        self.request("HEAD", "", timeout=timeout, retries=0)

    def get(self, key: str, timeout: Optional[float] = None, retries: Optional[int] = None) -> Optional[bytes]:
        """The whole (small) object, or None when it does not exist."""
        r = self.request("GET", key, ok=(200, 404), timeout=timeout, retries=retries)
        if r.status == 404:
            if self._error("GET", key, r).reason_code == NOBUCKET:
                raise self._error("GET", key, r)
            return None
        return r.body

    def get_first(self, key: str, n: int) -> Optional[Tuple[int, bytes]]:
        """(object size, its first ``n`` bytes or fewer) in one request; None when ``key`` does not exist."""
        r = self.request("GET", key, headers={"Range": f"bytes=0-{n - 1}"}, ok=(200, 206, 404, 416))
        if r.status == 404:
            if self._error("GET", key, r).reason_code == NOBUCKET:
                raise self._error("GET", key, r)
            return None
        if r.status == 416:  # a range of an empty object
            return 0, b""
        cr = r.headers.get("content-range", "")
        if r.status == 206 and "/" in cr and cr.rsplit("/", 1)[1].isdigit():
            return int(cr.rsplit("/", 1)[1]), r.body
        return len(r.body), r.body[:n]  # 200: the server sent the whole object

    def get_range_into(self, key: str, start: int, into: memoryview) -> None:
        """Exactly len(into) bytes of ``key`` from ``start`` into ``into`` (streamed, no copy)."""
        self.request("GET", key, headers={"Range": f"bytes={start}-{start + len(into) - 1}"}, ok=(206,), into=into)

    def put(self, key: str, body: Body, content_type: Optional[str] = None) -> str:
        headers = {"Content-Type": content_type} if content_type else {}
        r = self.request("PUT", key, body=body if body is not None else b"", headers=headers)
        return r.headers.get("etag", "")

    def delete(self, key: str) -> None:
        self.request("DELETE", key, ok=(200, 204, 404))

    def list(self, prefix: str, start_after: Optional[str] = None) -> Iterator[Tuple[str, int]]:
        """(key, size) of every object under ``prefix``, in key order."""
        token: Optional[str] = None
        while True:
            query = {"list-type": "2", "prefix": prefix, "max-keys": "1000"}
            if token:
                query["continuation-token"] = token
            elif start_after:
                query["start-after"] = start_after
            root = ElementTree.fromstring(self.request("GET", "", query=query).body)
            for item in xml_all(root, "Contents"):
                k = child(item, "Key") or ""
                yield k, int(child(item, "Size") or 0)
            if (xml_text(root, "IsTruncated") or "").lower() != "true":
                return
            token = xml_text(root, "NextContinuationToken")
            if not token:
                return
