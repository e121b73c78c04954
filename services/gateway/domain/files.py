"""Attachments (issue 28 §4): the files that travel with the work, as pure rules.

A file's type is read from its bytes, never from its name or from what the client
said it was: magic numbers (``filetype``) for the binary formats, the package inside a
ZIP for the office formats (a .docx is a ZIP holding ``word/document.xml``, an OFD one
holding ``OFD.xml``; only the central directory is read, nothing is decompressed),
and UTF-8 without control characters for plain text. Only the types in
:data:`ALLOWED` are taken, and a name whose extension says another type is refused
too (an .exe renamed .pdf is an executable, a PNG named .pdf is a mistake the person
should hear about now, not when the station opens it).

An upload nobody attaches expires (:func:`expiry_of`); once a request holds it, it
stays as long as the request does, readable by whoever may read the request.
"""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import filetype

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
OFD = "application/ofd"  # GB/T 33190-2016, China's fixed-layout document (电子发票, 电子证照)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT = "text/plain"
ZIP = "application/zip"
UNKNOWN = "application/octet-stream"
MACRO_WORD = "application/vnd.ms-word.document.macroEnabled.12"
MACRO_EXCEL = "application/vnd.ms-excel.sheet.macroEnabled.12"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@dataclass(frozen=True)
class FileType:
    media_type: str
    extensions: tuple[str, ...]  # the first is added to a name that has none
    label: str  # how people call it, for messages


# What the platform takes: documents, scans and photos, tables, text.
ALLOWED: dict[str, FileType] = {kind.media_type: kind for kind in (
    FileType(PDF, (".pdf",), "PDF"),
    FileType(OFD, (".ofd",), "OFD"),
    FileType(PNG, (".png",), "PNG"),
    FileType(JPEG, (".jpg", ".jpeg", ".jpe"), "JPEG"),
    FileType(DOCX, (".docx",), "Word (.docx)"),
    FileType(XLSX, (".xlsx",), "Excel (.xlsx)"),
    FileType(TEXT, (".txt", ".csv", ".text"), "TXT/CSV (UTF-8)"),
)}
ALLOWED_EXTENSIONS = tuple(extension for kind in ALLOWED.values() for extension in kind.extensions)

MAX_NAME_LENGTH = 200
ZIP_MAGIC = b"PK\x03\x04"
# A text file may hold tabs, line ends and form feeds; any other control character
# (NUL above all) says it is not text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class FileRefused(ValueError):
    """The file is not taken: ``code`` is the message key, ``params`` what it names."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class AttachmentUnavailable(ValueError):
    """A referenced upload cannot be attached: ``reason`` is ``unknown_file`` (no such
    upload, or it expired) or ``file_attached_elsewhere`` (another request holds it)."""

    def __init__(self, file_id: str, reason: str, index: int = 0) -> None:
        super().__init__(f"{file_id}: {reason}")
        self.file_id = file_id
        self.reason = reason
        self.index = index  # where in the list of references the caller gave


@dataclass(frozen=True)
class StoredFile:
    """An upload as the platform keeps it, beside its bytes."""

    id: str
    name: str
    size: int
    sha256: str
    content_type: str
    uploaded_at: str  # ISO, UTC
    uploader: dict[str, Any]  # {"role", "name", "username"?} or {"role": "anonymous", "client": address}
    request_code: str | None = None  # the request that holds it
    expires_at: str | None = None  # ISO, UTC: an upload no request holds (yet) is deleted then

    def reference(self) -> dict[str, Any]:
        """What a request, a 补正 answer or a consulting answer records of the file."""
        return {"id": self.id, "name": self.name, "size": self.size, "sha256": self.sha256,
                "content_type": self.content_type}

    def attachable_to(self, code: str, now: datetime, replacing: tuple[str, ...] = ()) -> bool:
        """Whether ``code`` may take this file now: it is free and has not expired, or
        it is this request's already (attaching again changes nothing)."""
        if self.request_code in (code, *replacing):
            return True
        return self.request_code is None and not self.expired(now)

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and datetime.fromisoformat(self.expires_at) <= now


def expiry_of(uploaded_at: datetime, keep_unattached: timedelta) -> str:
    """When an upload nobody attached is deleted."""
    return (uploaded_at + keep_unattached).isoformat()


# -- what a file is ---------------------------------------------------------------------------
def sniff(data: bytes) -> str:
    """The media type the bytes say, whatever the file is called."""
    if data.startswith(ZIP_MAGIC):
        return _zip_package(data)
    kind = filetype.guess(data)
    if kind is not None:
        return str(kind.mime)
    return TEXT if _is_text(data) else UNKNOWN


def _zip_package(data: bytes) -> str:
    """What a ZIP holds, from its central directory alone (no entry is decompressed)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return ZIP
    if "OFD.xml" in names:
        return OFD
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return MACRO_WORD if "word/vbaProject.bin" in names else DOCX
        if "xl/workbook.xml" in names:
            return MACRO_EXCEL if "xl/vbaProject.bin" in names else XLSX
        if "ppt/presentation.xml" in names:
            return PPTX
    return ZIP


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not _CONTROL.search(text)


# -- whether it is taken ----------------------------------------------------------------------
def accepted_type(data: bytes, name: str, max_bytes: int) -> tuple[str, str]:
    """(media type, clean name) of a file the platform takes; FileRefused otherwise:
    ``file_empty``, ``file_too_large`` (over ``max_bytes``), ``file_type_not_allowed``
    (the bytes are not an allowed type: ``detected`` says what they are) or
    ``file_type_mismatch`` (an allowed type under a name that says another)."""
    if not data:
        raise FileRefused("file_empty", name=name)
    if len(data) > max_bytes:
        raise FileRefused("file_too_large", name=name, limit=max_bytes)
    media_type = sniff(data)
    kind = ALLOWED.get(media_type)
    if kind is None:
        raise FileRefused("file_type_not_allowed", name=name, detected=media_type,
                          allowed=", ".join(each.label for each in ALLOWED.values()))
    clean = clean_name(name)
    extension = _extension(clean)
    if not extension:
        return media_type, clean + kind.extensions[0]
    if extension not in kind.extensions:
        raise FileRefused("file_type_mismatch", name=clean, detected=kind.label, extension=extension)
    return media_type, clean


def clean_name(name: str) -> str:
    """The file's own name, as a download may carry it: no folders (some browsers send
    the whole path), no control characters, at most 200 characters with the extension kept."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    base = "".join(char for char in base if unicodedata.category(char)[0] != "C").strip().strip(".")
    if len(base) > MAX_NAME_LENGTH:
        extension = _extension(base)
        base = base[:MAX_NAME_LENGTH - len(extension)] + extension
    return base or "file"


def _extension(name: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    # "报告 2024.05" has no extension; "scan.PDF" has .pdf
    meaningful = dot and stem and 0 < len(suffix) <= 10 and any(char.isalpha() for char in suffix)
    return f".{suffix.lower()}" if meaningful else ""
