"""The attachments' store in memory (``adapters/files.GridFsFiles``'s contract:
tests/integration/test_file_store.py runs the same tests on both)."""

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from services.gateway.domain.files import StoredFile


class InMemoryFiles:
    def __init__(self):
        self.records: dict[str, StoredFile] = {}
        self.data: dict[str, bytes] = {}

    def ensure_indexes(self) -> None:
        pass

    def put(self, record: StoredFile, data: bytes) -> None:
        self.records[record.id], self.data[record.id] = record, data

    def get(self, file_id: str) -> StoredFile | None:
        return self.records.get(file_id)

    def content(self, file_id: str) -> bytes | None:
        return self.data.get(file_id)

    def claim(self, record: StoredFile, code: str, attached_at: datetime) -> bool:
        current = self.records.get(record.id)
        if current is None or current.request_code != record.request_code:
            return False
        self.records[record.id] = replace(current, request_code=code)
        return True

    def keep(self, file_ids: Iterable[str], code: str) -> None:
        for file_id in file_ids:
            current = self.records.get(file_id)
            if current is not None and current.request_code == code:
                self.records[file_id] = replace(current, expires_at=None)

    def expired(self, now: datetime, limit: int = 500) -> list[StoredFile]:
        due = [record for record in self.records.values() if record.expired(now)]
        return sorted(due, key=lambda record: record.expires_at or "")[:limit]

    def delete(self, file_id: str) -> None:
        self.records.pop(file_id, None)
        self.data.pop(file_id, None)
