"""Pages saved as one file by a browser: MHTML (`.mht` from Internet Explorer and Word, `.mhtml`
from Chrome and Edge), a MIME message whose first HTML part is the page (quoted-printable or
base64, in the page's own charset), the pictures and frames in the parts after it.

`saved_page` returns that page's bytes (read then as any saved `.html`: its encoding detected
from the bytes, its metadata and text extracted) and the address it was saved from, which the
archive records in its headers (`Snapshot-Content-Location`, the part's `Content-Location`)."""
from __future__ import annotations

import email
import email.policy
import re

MHTML_SUFFIXES = frozenset({".mht", ".mhtml"})
_WEB_ADDRESS = re.compile(r"https?://\S+$", re.IGNORECASE)


def saved_page(data: bytes) -> tuple[bytes, str | None] | None:
    """(the main page's bytes, the address it was saved from or None), or None when the file
    holds no HTML part (not an MHTML archive, or one of pictures only)."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    snapshot = message.get("Snapshot-Content-Location")
    for part in message.walk():
        if part.is_multipart() or part.get_content_type() != "text/html":
            continue
        payload = part.get_payload(decode=True)
        if not payload or not payload.strip():
            continue
        where = (snapshot or part.get("Content-Location") or "").strip()
        return payload, where if _WEB_ADDRESS.match(where) else None
    return None
