"""One contract, two file stores: GridFS on a real Mongo-wire server (nx-27017 here,
MongoDB in production) and the in-memory fake the use cases' unit tests run on."""

from dataclasses import replace
from datetime import timedelta

import pytest

from services.gateway.adapters.files import GridFsFiles
from services.gateway.domain.files import StoredFile
from tests.fakes.files import InMemoryFiles

from ..support.data import NOW

pytestmark = pytest.mark.integration

# Larger than one GridFS chunk (255 KiB), so the bytes come back from several.
DATA = bytes(range(256)) * 3000


@pytest.fixture(params=["in_memory", "gridfs"])
def store(request):
    if request.param == "in_memory":
        return InMemoryFiles()
    database = request.getfixturevalue("mongo_client")[f"{request.getfixturevalue('db_prefix')}files"]
    files = GridFsFiles(database)
    files.ensure_indexes()
    return files


def record(file_id="a" * 32, uploaded=NOW, **changes):
    return replace(StoredFile(
        id=file_id, name="营业执照（副本）.pdf", size=len(DATA), sha256="f" * 64, content_type="application/pdf",
        uploaded_at=uploaded.isoformat(), uploader={"role": "anonymous", "client": "203.0.113.7"},
        expires_at=(uploaded + timedelta(hours=24)).isoformat()), **changes)


def test_a_file_comes_back_as_it_was_put(store):
    store.put(record(), DATA)
    assert store.get("a" * 32) == record()
    assert store.content("a" * 32) == DATA
    assert store.get("b" * 32) is None and store.content("b" * 32) is None


def test_a_claim_holds_only_on_the_state_it_was_read_in(store):
    store.put(record(), DATA)
    free = store.get("a" * 32)
    assert store.claim(free, "321322-20261126-00001-8", NOW)
    assert store.get("a" * 32).request_code == "321322-20261126-00001-8"
    assert not store.claim(free, "321322-20261126-00002-6", NOW)  # someone took it since it was read
    assert store.get("a" * 32).request_code == "321322-20261126-00001-8"


def test_kept_files_no_longer_expire_and_expired_ones_are_listed_oldest_first(store):
    store.put(record("a" * 32, NOW - timedelta(hours=30)), DATA)
    store.put(record("b" * 32, NOW - timedelta(hours=26)), b"b")
    store.put(record("c" * 32, NOW - timedelta(hours=1)), b"c")
    store.put(record("d" * 32, NOW - timedelta(hours=40)), b"d")
    store.claim(store.get("d" * 32), "321322-20261126-00001-8", NOW)
    store.keep(["d" * 32], "321322-20261126-00001-8")
    store.keep(["b" * 32], "321322-20261126-00001-8")  # not that request's: nothing changes
    assert store.get("d" * 32).expires_at is None
    assert [each.id for each in store.expired(NOW)] == ["a" * 32, "b" * 32]


def test_a_deleted_file_is_gone_with_its_bytes(store):
    store.put(record(), DATA)
    store.delete("a" * 32)
    assert store.get("a" * 32) is None and store.content("a" * 32) is None
