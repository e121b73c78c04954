"""The files of issued documents, through the gateway: a certificate's or report's signed
PDF (and a calibration certificate's DCC and signed DCC) for whoever may read the
request it was issued for, and the check of an uploaded file; and the files a request
holds (its attachments, ``handlers/files``) for the same readers.

The issuing service renders, signs and keeps the file (DESIGN §6: documents have one
owner); the gateway decides who may have it, with the same rule as tracking
(``intake.track_request``: the contact phone, or a sign-in that may see the request),
and passes it on. Checking a file needs no service: the signature says whether the file
is the platform's and unaltered, and which document it is; the issuing service then
says where that document stands today.
"""

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...common.documents.keys import Generation
from ...common.documents.kinds import KINDS
from ...common.documents.signing import check_file
from ..adapters.domain_services import DomainServiceCalls
from ..adapters.repository import RequestGroupRepository, RequestRepository
from ..domain.access import Principal
from ..domain.files import StoredFile
from ..exceptions import DocumentNotFound, FileNotFound
from .files import FILE_ID, FileStore
from .intake import track_request
from .operators import verify

# The domain services that issue documents (a request of any other domain has none).
ISSUING_DOMAINS = ("metrology", "testing", "certification")
# Rendering and signing a document the first time is CPU work in the issuing service.
DOCUMENT_RPC_SECONDS = 20.0


@dataclass(frozen=True)
class DocumentDownload:
    filename: str
    media_type: str
    content: bytes
    state: str  # where the document stands today (a copy of one that does not is stamped)


def document_file(services: DomainServiceCalls, requests: RequestRepository, groups: RequestGroupRepository,
                  code: str, phone: str | None, principal: Principal | None, number: str,
                  fmt: str) -> DocumentDownload:
    """The file of a document issued for this request, for whoever may track the request."""
    found, _ = track_request(requests, groups, code, phone, principal)
    domain = getattr(found, "domain", None)
    if domain not in ISSUING_DOMAINS:
        raise DocumentNotFound(number)
    answer = services.call(domain, "document_file", "".join(number.split()).upper(), fmt, found.code,
                           not_found=DocumentNotFound, timeout=DOCUMENT_RPC_SECONDS)
    return DocumentDownload(answer["filename"], answer["media_type"], base64.b64decode(answer["content_base64"]),
                            answer["state"])


def check_uploaded(services: DomainServiceCalls, trusted: Sequence[Generation], data: bytes) -> dict[str, Any]:
    """Whether an uploaded file is a document the platform signed, unaltered; which one;
    and where it stands today (its issuer's public answer, nothing private)."""
    verdict = check_file(data, trusted)
    answer: dict[str, Any] = {"genuine": False, "format": verdict.format, "reason": verdict.reason}
    if not verdict.genuine:
        return answer
    number = str(verdict.identity.get("number") or "")
    try:
        standing = verify(services, number)
    except DocumentNotFound:
        return {**answer, "reason": "unknown_document"}
    kind = str(verdict.identity.get("kind") or standing.get("kind") or "")
    file_edition = int(verdict.identity.get("edition") or 0)
    current_edition = standing.get("edition")
    return {
        **standing, "genuine": True, "format": verdict.format, "reason": None, "number": number, "kind": kind,
        "title": KINDS[kind].title if kind in KINDS else standing.get("title"),
        "signed_by": verdict.signed_by, "signed_at": verdict.signed_at, "file_edition": file_edition,
        "edition_current": current_edition is None or current_edition == file_edition,
    }


def request_file(files: FileStore, requests: RequestRepository, groups: RequestGroupRepository, code: str,
                 phone: str | None, principal: Principal | None, file_id: str) -> tuple[StoredFile, bytes]:
    """A file the request holds, for whoever may read the request (the tracking rule,
    ``intake.track_request``: the contact phone, or a sign-in that may see it)."""
    found, _ = track_request(requests, groups, code, phone, principal)
    record = files.get(file_id) if FILE_ID.match(file_id) else None
    if record is None or record.request_code != found.code:
        raise FileNotFound(file_id)
    data = files.content(file_id)
    if data is None:
        raise FileNotFound(file_id)
    return record, data
