"""AWS Signature Version 4 for S3 requests: the canonical request, the signing key (cached per secret, day and
region), the Authorization header. Payloads are sent UNSIGNED-PAYLOAD (see s3.py for why)."""

from __future__ import annotations

import hashlib
import hmac
from typing import Dict, Optional, Tuple
from urllib.parse import quote

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED = "UNSIGNED-PAYLOAD"


class Credentials:
    __slots__ = ("access_key", "secret_key", "token", "source")

    def __init__(self, access_key: str, secret_key: str, token: Optional[str] = None, source: str = "") -> None:
        self.access_key, self.secret_key, self.token, self.source = access_key, secret_key, token, source

    def __repr__(self) -> str:  # never the secret
        return f"Credentials({self.access_key[:4]}…{self.access_key[-3:]}, from {self.source})"


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def uri_encode(text: str, keep_slash: bool) -> str:
    """RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ (and '/' in paths)."""
    return quote(text, safe="/~" if keep_slash else "~")


_key_cache: Dict[Tuple[str, str, str], bytes] = {}


def signing_key(secret: str, day: str, region: str, service: str = "s3") -> bytes:
    k = (secret, day, region)
    got = _key_cache.get(k)
    if got is None:
        got = _hmac(_hmac(_hmac(_hmac(("AWS4" + secret).encode("utf-8"), day), region), service), "aws4_request")
        if len(_key_cache) > 64:
            _key_cache.clear()
        _key_cache[k] = got
    return got


def sign(method: str, path: str, query: Dict[str, str], headers: Dict[str, str], payload_hash: str,
         creds: Credentials, region: str, amz_date: str) -> str:
    """The Authorization header of a request. ``headers`` must already hold host, x-amz-date, x-amz-content-sha256
    (and x-amz-security-token): every header given here is signed."""
    names = sorted(h.lower() for h in headers)
    lowered = {k.lower(): " ".join(str(v).strip().split()) for k, v in headers.items()}
    canonical_headers = "".join(f"{n}:{lowered[n]}\n" for n in names)
    signed = ";".join(names)
    canonical_query = "&".join(f"{uri_encode(k, False)}={uri_encode(v, False)}"
                               for k, v in sorted(query.items()))
    canonical = "\n".join([method, uri_encode(path, True), canonical_query, canonical_headers, signed, payload_hash])
    day = amz_date[:8]
    scope = f"{day}/{region}/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()])
    signature = hmac.new(signing_key(creds.secret_key, day, region), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"AWS4-HMAC-SHA256 Credential={creds.access_key}/{scope}, SignedHeaders={signed}, Signature={signature}"
