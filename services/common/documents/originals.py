"""The signed originals, kept once in the issuing service's own database (GridFS).

An original is stored under ``<number>:<edition>:<format>`` the first time it is made,
and served from there ever after: the signed original never changes. Two workers making
the same original at once both try to store it; the first one stored stands and the
other is thrown away (GridFS refuses a second file under the same ``_id``).
"""

from typing import Any

import gridfs
from gridfs.errors import FileExists, NoFile

BUCKET = "originals"


class GridFsOriginals:
    def __init__(self, database: Any) -> None:
        self.database = database

    @property
    def files(self) -> gridfs.GridFS:
        # Made when a file is first asked for: most workers serve no document.
        return gridfs.GridFS(self.database, collection=BUCKET)

    def get(self, key: str) -> bytes | None:
        try:
            stored: bytes = self.files.get(key).read()
        except NoFile:
            return None
        return stored

    def put(self, key: str, data: bytes, metadata: dict[str, Any]) -> bytes:
        """Store ``data`` under ``key`` unless an original is there already; the one that stands."""
        files = self.files
        try:
            files.put(data, _id=key, filename=key, metadata=metadata)
        except FileExists:
            stored = self.get(key)
            if stored is not None:
                return stored
            files.delete(key)  # chunks of a write that died before its file entry: start over
            files.put(data, _id=key, filename=key, metadata=metadata)
        return data


class MemoryOriginals:
    """Originals kept in memory: the composition roots' default when no database is
    given (unit tests on in-memory stores, tools)."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self.kept.get(key)

    def put(self, key: str, data: bytes, metadata: dict[str, Any]) -> bytes:
        return self.kept.setdefault(key, data)
