"""Attachments in the gateway's own database: the bytes in MongoDB GridFS (bucket
``attachment_bytes``, 255 KiB chunks), what the platform knows of each file in the
collection ``attachments``, one document per file keyed by its id: name, size,
sha256, the sniffed content type, who uploaded it and when, the request that holds it
and, while none keeps it, when it expires.

Every change of a file's state is one conditional update of its document, so two
requests claiming the same upload at once cannot both have it. The state is not kept
in GridFS's own file entries because nx-27017 serves those from a table of its own
that takes no updates; GridFS there holds the bytes alone, as it does on MongoDB
(tests/integration/test_file_store.py runs this on nx-27017).

An upload writes its document first and its bytes second: a process that dies in
between leaves a document without bytes, which expires like any unused upload.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import gridfs
from gridfs.errors import NoFile

from ..domain.files import StoredFile

RECORDS = "attachments"
BUCKET = "attachment_bytes"
# A file no request holds: "" rather than null, which nx-27017 does not match by equality.
FREE = ""


class GridFsFiles:
    def __init__(self, database: Any) -> None:
        self.database = database
        self.records = database[RECORDS]

    @property
    def bucket(self) -> gridfs.GridFS:
        # Made when first needed: most workers never touch a file.
        return gridfs.GridFS(self.database, collection=BUCKET)

    def ensure_indexes(self) -> None:
        self.records.create_index("expires_epoch")

    def put(self, record: StoredFile, data: bytes) -> None:
        self.records.insert_one(_document_of(record))
        try:
            self.bucket.put(data, _id=record.id, filename=record.id)
        except Exception:
            self.records.delete_one({"_id": record.id})
            raise

    def get(self, file_id: str) -> StoredFile | None:
        document = self.records.find_one({"_id": file_id})
        return _record_of(document) if document is not None else None

    def content(self, file_id: str) -> bytes | None:
        try:
            return self.bucket.get(file_id).read()
        except NoFile:
            return None

    def claim(self, record: StoredFile, code: str, attached_at: datetime) -> bool:
        """Give the file to request ``code`` if it is still as ``record`` was read (free,
        or held by another code this submission drew): False if someone changed it
        meanwhile. It keeps its expiry until :meth:`keep` says the request was stored."""
        changed = self.records.update_one(
            {"_id": record.id, "request_code": record.request_code or FREE},
            {"$set": {"request_code": code, "attached_at": attached_at.isoformat()}},
        )
        return changed.matched_count == 1

    def keep(self, file_ids: Iterable[str], code: str) -> None:
        """The request ``code`` is stored: its files no longer expire."""
        for file_id in file_ids:
            self.records.update_one({"_id": file_id, "request_code": code},
                                    {"$set": {"expires_at": None, "expires_epoch": None}})

    def expired(self, now: datetime, limit: int = 500) -> list[StoredFile]:
        """Files whose expiry has passed (uploads no request kept), oldest first."""
        # epoch seconds: nx-27017 reads ISO-looking strings in a range query as dates
        found = self.records.find({"expires_epoch": {"$lte": now.timestamp()}},
                                  sort=[("expires_epoch", 1)], limit=limit)
        return [_record_of(document) for document in found if document.get("expires_at")]

    def delete(self, file_id: str) -> None:
        self.bucket.delete(file_id)
        self.records.delete_one({"_id": file_id})


def _document_of(record: StoredFile) -> dict[str, Any]:
    return {"_id": record.id, "name": record.name, "size": record.size, "sha256": record.sha256,
            "content_type": record.content_type, "uploaded_at": record.uploaded_at, "uploader": record.uploader,
            "request_code": record.request_code or FREE, "expires_at": record.expires_at,
            "expires_epoch": datetime.fromisoformat(record.expires_at).timestamp() if record.expires_at else None}


def _record_of(document: dict[str, Any]) -> StoredFile:
    return StoredFile(
        id=document["_id"], name=document["name"], size=int(document["size"]), sha256=document["sha256"],
        content_type=document["content_type"], uploaded_at=document["uploaded_at"],
        uploader=document.get("uploader") or {}, request_code=document.get("request_code") or None,
        expires_at=document.get("expires_at"),
    )
