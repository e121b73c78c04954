"""Attachments (issue 28 §4): uploading a file, giving it to a request, reading it by the
request's rule, and deleting the uploads nobody kept.

A file is uploaded first (``upload``) and then named by its id where it is used: the
one form's application materials, the enterprise's answer to a 补正, an operator's
written answer. Using it is two steps around the write that records the reference:
``claim`` gives the file to the request before (checked first: unknown, expired and
another request's files are refused, nothing changes), ``keep`` stops its expiry once
the reference is stored. Should the process die between the two, the expiry is the
safety net: ``remove_expired`` keeps a claimed file whose request holds it and deletes
any other, so no upload outlives 24 h unless a request refers to it.
"""

import hashlib
import logging
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from ..adapters.repository import RequestRepository
from ..domain.access import Principal
from ..domain.files import AttachmentUnavailable, FileRefused, StoredFile, accepted_type, expiry_of

log = logging.getLogger(__name__)

FILE_ID = re.compile(r"^[0-9a-f]{32}$")
T = TypeVar("T")


class FileStore(Protocol):
    """Where files are kept (``adapters/files.GridFsFiles``; a fake in the unit tests)."""

    def put(self, record: StoredFile, data: bytes) -> None: ...
    def get(self, file_id: str) -> StoredFile | None: ...
    def content(self, file_id: str) -> bytes | None: ...
    def claim(self, record: StoredFile, code: str, attached_at: datetime) -> bool: ...
    def keep(self, file_ids: Iterable[str], code: str) -> None: ...
    def expired(self, now: datetime, limit: int = 500) -> list[StoredFile]: ...
    def delete(self, file_id: str) -> None: ...


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int  # per file
    max_files: int  # per upload call
    keep_unattached: timedelta  # how long an upload no request holds is kept


@dataclass(frozen=True)
class Upload:
    name: str  # as the client called it
    data: bytes


def new_file_id() -> str:
    return secrets.token_hex(16)


# -- uploading --------------------------------------------------------------------------------
def upload(files: FileStore, uploads: Sequence[Upload], uploader: dict[str, Any], limits: UploadLimits,
           now: datetime) -> list[StoredFile]:
    """Store uploaded files, each until a request takes it or it expires. Every file is
    checked before any is stored: one refused (FileRefused, with its ``index``), none kept."""
    records = []
    for index, each in enumerate(uploads):
        try:
            media_type, name = accepted_type(each.data, each.name, limits.max_bytes)
        except FileRefused as refused:
            refused.params["index"] = index
            raise
        records.append(StoredFile(
            id=new_file_id(), name=name, size=len(each.data), sha256=hashlib.sha256(each.data).hexdigest(),
            content_type=media_type, uploaded_at=now.isoformat(), uploader=uploader,
            expires_at=expiry_of(now, limits.keep_unattached)))
    for record, each in zip(records, uploads, strict=True):
        files.put(record, each.data)
    return records


def uploader_of(principal: Principal | None, client: str) -> dict[str, Any]:
    """Who uploaded: the signed-in person, or the anonymous client's address."""
    if principal is not None:
        return dict(principal.actor())
    return {"role": "anonymous", "client": client}


# -- attaching --------------------------------------------------------------------------------
def claim(files: FileStore, file_ids: Sequence[str], code: str, now: datetime,
          replacing: tuple[str, ...] = ()) -> list[StoredFile]:
    """Give these uploads to request ``code`` (or keep them there): AttachmentUnavailable
    (with the ``index`` of the first) for an unknown or expired upload or another
    request's file; all are checked before any is claimed. ``replacing``: codes this
    submission drew before, whose claims move to ``code``."""
    records = [_attachable(files, file_id, index, code, now, replacing) for index, file_id in enumerate(file_ids)]
    for index, record in enumerate(records):
        if record.request_code != code and not files.claim(record, code, now):
            raise AttachmentUnavailable(record.id, "file_attached_elsewhere", index)
    return records


def _attachable(files: FileStore, file_id: str, index: int, code: str, now: datetime,
                replacing: tuple[str, ...]) -> StoredFile:
    record = files.get(file_id) if FILE_ID.match(file_id) else None
    if record is None or (record.request_code is None and record.expired(now)):
        raise AttachmentUnavailable(file_id, "unknown_file", index)
    if not record.attachable_to(code, now, replacing):
        raise AttachmentUnavailable(file_id, "file_attached_elsewhere", index)
    return record


def attachable(files: FileStore, file_ids: Sequence[str], code: str, now: datetime) -> list[StoredFile]:
    """The uploads named, each one request ``code`` may take (what ``claim`` checks
    first), so a change can be made in memory before anything is claimed."""
    return [_attachable(files, file_id, index, code, now, ()) for index, file_id in enumerate(file_ids)]


def check_free(files: FileStore, file_ids: Sequence[str], now: datetime) -> list[StoredFile]:
    """The uploads named, each free to be attached, for a submission that has no code yet."""
    return attachable(files, file_ids, "", now)


def keep(files: FileStore, file_ids: Iterable[str], code: str) -> None:
    """The request ``code`` stored its reference to these files: they stay."""
    files.keep(list(file_ids), code)


def answer_with_files(files: FileStore, requests: RequestRepository, code: str, command: dict[str, Any],
                      now: datetime, answer: Callable[[dict[str, Any]], T]) -> T:
    """An operator's written answer naming uploads (``command["attachments"]``: their
    ids): the files go to the request it answers (which must exist), the answer carries
    what is known of each (id, name, size, sha256, content type) to the domain service
    (``answer``) and, with its event, to the enterprise; once it is given they stay."""
    file_ids = [each["id"] for each in command.get("attachments") or []]
    if file_ids:
        requests.get(code)
    references = [record.reference() for record in claim(files, file_ids, code, now)]
    answered = answer({**command, "attachments": references})
    keep(files, file_ids, code)
    return answered


# -- expiry -----------------------------------------------------------------------------------
def remove_expired(files: FileStore, requests: RequestRepository, now: datetime) -> int:
    """Delete the uploads whose time ran out; a file a stored request refers to (its
    ``keep`` did not happen: the process died first) is kept instead. How many went."""
    removed = 0
    for record in files.expired(now):
        held = requests.get_or_none(record.request_code) if record.request_code else None
        if held is not None and record.id in held.file_ids():
            files.keep([record.id], held.code)
            continue
        files.delete(record.id)
        removed += 1
    if removed:
        log.info("deleted %d expired uploads", removed)
    return removed
