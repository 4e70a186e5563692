"""The multipart-upload calls of the S3 client (create, upload a part, list the parts of an unfinished upload so a
push resumes, complete, abort): what a pack upload uses (packupload.py)."""

from __future__ import annotations

import hashlib
from typing import Any, Dict, List, Optional, Tuple, Union
from xml.etree import ElementTree

from .remoteerror import OTHER, RemoteError
from .s3xml import child, xml_all, xml_text

Body = Union[bytes, bytearray, memoryview, None]  # what a request sends (s3.Client takes the same)


class MultipartCalls:
    """Mixed into s3.Client, whose ``request`` sends each call (signed, retried)."""

    request: Any

    def create_multipart(self, key: str) -> str:
        r = self.request("POST", key, query={"uploads": ""})
        upload_id = xml_text(ElementTree.fromstring(r.body), "UploadId")
        if not upload_id:
            raise RemoteError(f"no UploadId in the answer to creating a multipart upload of {key}")
        return upload_id

    def upload_part(self, key: str, upload_id: str, number: int, body: Body) -> str:
        r = self.request("PUT", key, query={"partNumber": str(number), "uploadId": upload_id}, body=body)
        return r.headers.get("etag", "")

    def list_parts(self, key: str, upload_id: str) -> Optional[Dict[int, Tuple[str, int]]]:
        """{part number: (etag, size)} of an unfinished upload; None when the upload is gone (completed, aborted,
        expired)."""
        parts: Dict[int, Tuple[str, int]] = {}
        marker = None
        while True:
            query = {"uploadId": upload_id, "max-parts": "1000"}
            if marker:
                query["part-number-marker"] = marker
            r = self.request("GET", key, query=query, ok=(200, 404))
            if r.status == 404:
                return None
            root = ElementTree.fromstring(r.body)
            for p in xml_all(root, "Part"):
                parts[int(child(p, "PartNumber") or 0)] = (child(p, "ETag") or "", int(child(p, "Size") or 0))
            if (xml_text(root, "IsTruncated") or "").lower() != "true":
                return parts
            marker = xml_text(root, "NextPartNumberMarker")
            if not marker:
                return parts

    def complete_multipart(self, key: str, upload_id: str, etags: List[str]) -> None:
        body = ("<CompleteMultipartUpload>" + "".join(
            f"<Part><PartNumber>{i}</PartNumber><ETag>{e}</ETag></Part>" for i, e in enumerate(etags, 1))
            + "</CompleteMultipartUpload>").encode()
        r = self.request("POST", key, query={"uploadId": upload_id}, body=body,
                         payload_hash=hashlib.sha256(body).hexdigest(), headers={"Content-Type": "application/xml"})
        if b"<Error>" in r.body[:200]:  # S3 may answer 200 and fail in the body
            root = ElementTree.fromstring(r.body)
            raise RemoteError(f"completing the upload of {key} failed: {xml_text(root, 'Code')}: "
                              f"{xml_text(root, 'Message')}", OTHER, 200, xml_text(root, "Code"), transient=True)

    def abort_multipart(self, key: str, upload_id: str) -> None:
        self.request("DELETE", key, query={"uploadId": upload_id}, ok=(200, 204, 404))
