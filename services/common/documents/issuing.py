"""The use case a domain service serves a document's file with (PDF, DCC, signed DCC).

The issuing service renders and signs what it issued, and keeps the signed original
(DESIGN §6: documents have one owner). The first request for a file makes it from the
document's record and stores it (``originals``); every later one gets those very bytes.
A document that no longer stands (superseded, withdrawn, suspended, expired) is served
as a fresh copy with its state of today stamped across every page, signed anew; its
original stays as it was. Rendering and signing are CPU work: they happen here, in the
issuing service, when a file is first asked for, never on the gateway's intake path.
"""

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ..clock import china_date
from ..repository import NotFound
from .content import DocumentContent
from .dcc import DccContent, write_dcc
from .keys import IssuingKeys
from .kinds import DCC, MEDIA_TYPES, PDF, SIGNED_DCC, STAMPS, STANDING, issued_as
from .pdf import render_pdf
from .signing import sign_pdf, sign_xml


class DocumentFileNotFound(NotFound):
    """No such file: the document is not issued in that format (or not for that request)."""


class Originals(Protocol):
    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, data: bytes, metadata: dict[str, Any]) -> bytes: ...


@dataclass(frozen=True)
class Issuing:
    """What serving a document's files takes: the issuing keys (read when needed, so a
    new generation signs from the next document on), where originals are kept, and the
    public address the QR code points to."""

    keys: Callable[[], IssuingKeys]
    originals: Originals
    public_base_url: str
    place: str = "中国 宿迁 Suqian, China"

    def verification_url(self, number: str) -> str:
        return f"{self.public_base_url.rstrip('/')}/verify/{number}"


@dataclass(frozen=True)
class DocumentFile:
    filename: str
    media_type: str
    content: bytes
    state: str

    def as_rpc(self) -> dict[str, str]:
        return {"filename": self.filename, "media_type": self.media_type, "state": self.state,
                "content_base64": base64.b64encode(self.content).decode("ascii")}


def document_file(issuing: Issuing, content: DocumentContent, state: str, fmt: str, now: datetime,
                  dcc: Callable[[], DccContent] | None = None) -> DocumentFile:
    """The file of an issued document in ``fmt`` (``kinds.FORMATS``), given where it stands today."""
    if not issued_as(content.kind, fmt) or (fmt != PDF and dcc is None):
        raise DocumentFileNotFound(f"{content.number}.{fmt}")
    filename = f"{content.number}.{fmt}"
    if fmt == PDF and state not in STANDING:
        return DocumentFile(filename, MEDIA_TYPES[PDF], _stamped_copy(issuing, content, state, now), state)
    if fmt == PDF:
        data = _original(issuing, content, PDF, lambda: _signed_pdf(issuing, content, None))
    elif fmt == DCC:
        assert dcc is not None
        data = _original(issuing, content, DCC, lambda: write_dcc(dcc()))
    else:
        assert dcc is not None
        plain = _original(issuing, content, DCC, lambda: write_dcc(dcc()))
        data = _original(issuing, content, SIGNED_DCC, lambda: sign_xml(plain, issuing.keys().signing()))
    return DocumentFile(filename, MEDIA_TYPES[fmt], data, state)


def _original(issuing: Issuing, content: DocumentContent, fmt: str, make: Callable[[], bytes]) -> bytes:
    key = f"{content.number}:{content.edition}:{fmt}"
    stored = issuing.originals.get(key)
    if stored is not None:
        return stored
    return issuing.originals.put(key, make(), {"number": content.number, "kind": content.kind,
                                               "edition": content.edition, "format": fmt})


def _signed_pdf(issuing: Issuing, content: DocumentContent, stamp: tuple[str, str] | None) -> bytes:
    pdf = render_pdf(content, issuing.verification_url(content.number), stamp)
    return sign_pdf(pdf, issuing.keys().signing(), reason=f"签发 {content.title} {content.number}",
                    location=issuing.place)


def _stamped_copy(issuing: Issuing, content: DocumentContent, state: str, now: datetime) -> bytes:
    if state not in STAMPS:
        raise DocumentFileNotFound(f"{content.number} ({state})")
    return _signed_pdf(issuing, content, (state, china_date(now).isoformat()))
