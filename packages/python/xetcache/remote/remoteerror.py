"""What can go wrong talking to the team cache: RemoteError with a reason code a person and a program can act
on, and the mapping of an object store's error answers to those codes."""

from __future__ import annotations

from typing import Optional
from xml.etree import ElementTree

from .s3xml import xml_text

# Reason codes (RemoteError.reason_code): what went wrong, so the badge, the CLI and tests branch on it.
DOWN, SLOW, AUTH, DENIED, NOBUCKET, NOCREDS, OTHER = (
    "EREMOTEDOWN", "EREMOTESLOW", "EREMOTEAUTH", "EREMOTEDENIED", "ENOBUCKET", "ENOCREDENTIALS", "EREMOTE")
_AUTH_CODES = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken", "TokenRefreshRequired",
               "AuthorizationHeaderMalformed", "InvalidSecurity"}


class RemoteError(Exception):
    """A request to the object store failed. ``reason_code`` is one of the codes above, ``status`` the HTTP status
    (None when no answer came), ``s3_code`` the store's own error code (``AccessDenied``, ``NoSuchKey``, ...)."""

    def __init__(self, message: str, reason_code: str = OTHER, status: Optional[int] = None,
                 s3_code: Optional[str] = None, transient: bool = False) -> None:
        super().__init__(message)
        self.reason_code = reason_code
        self.status = status
        self.s3_code = s3_code
        self.transient = transient  # worth retrying (a dropped connection, 500, 503 SlowDown)
        self.method: Optional[str] = None  # the HTTP method that failed (a refused PUT means: read-only)


def from_response(method: str, key: str, status: int, body: bytes, bucket: str, url: str) -> RemoteError:
    """What a failed answer (``status``, its ``body``) to ``method`` on ``key`` means: the reason code, whether to
    retry, and a message that names the bucket or server."""
    s3_code, message = None, None
    if body:
        try:
            root = ElementTree.fromstring(body)
            s3_code, message = xml_text(root, "Code"), xml_text(root, "Message")
        except ElementTree.ParseError:
            message = body[:200].decode("utf-8", "replace")
    where = f"s3://{bucket}/{key}" if key else f"s3://{bucket}"
    detail = f"{s3_code or status}{': ' + message if message else ''}"
    if s3_code in _AUTH_CODES or status == 401:
        return RemoteError(f"the credentials were refused by {url} ({detail})", AUTH, status, s3_code)
    if s3_code == "NoSuchBucket":
        return RemoteError(f"no bucket '{bucket}' at {url}", NOBUCKET, status, s3_code)
    if status == 403:
        return RemoteError(f"access denied: {method} {where} ({detail})", DENIED, status, s3_code)
    if status == 404 and method == "HEAD" and not key:
        return RemoteError(f"no bucket '{bucket}' at {url}", NOBUCKET, status, s3_code)
    transient = status >= 500 or status in (408, 429) or s3_code in ("SlowDown", "RequestTimeout")
    return RemoteError(f"{method} {where} failed: HTTP {status} {detail}", OTHER, status, s3_code, transient)
