"""The certification service's composition root: what each worker's use cases are given.

``build`` makes the ports of one worker (``common/composition.Composition`` calls it):
a repository per collection on the service's database, the certification body named on
certificates, and the clock. ``prepare`` readies the database when the service starts
(indexes). Reference data is read here and nowhere else, and ``utc_now`` is the only
place the service asks the time.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

from pymongo.database import Database

from ..common.outbox import OutboxRelay
from ..common.store import MongoDocumentStore
from .adapters.repository import CertificationRepository, VerificationRepository

# The collections whose writes announce events: the outbox relay publishes them.
COLLECTIONS = ("certifications", "verifications")

Clock = Callable[[], datetime]
StoreFor = Callable[[str], Any]  # a collection's name -> its document store


@dataclass(frozen=True)
class CertificationPorts:
    """The ports of certification's use cases (``Certification`` is the aggregate)."""

    certifications: CertificationRepository  # RZ01/RZ02 applications and their certificates
    verifications: VerificationRepository  # RZ03 answers
    issuer: str  # the certification body named on the certificates it grants
    clock: Clock


def utc_now() -> datetime:
    return datetime.now(UTC)


def build(
    database: Database[Any], relay: OutboxRelay | None = None, clock: Clock = utc_now
) -> CertificationPorts:
    """The ports of one worker on the service's database; every store hands its writes to
    the process's outbox ``relay``."""
    return compose(lambda collection: _store(database, collection, relay), clock)


def compose(store_for: StoreFor, clock: Clock = utc_now) -> CertificationPorts:
    """The ports on the document stores ``store_for(collection)`` makes (the service's
    database in ``build``, in-memory fakes in unit tests)."""
    return CertificationPorts(
        certifications=CertificationRepository(store_for("certifications")),
        verifications=VerificationRepository(store_for("verifications")),
        issuer=certification_body()["name"],
        clock=clock,
    )


def prepare(database: Database[Any]) -> None:
    """The indexes (``MongoDatabase`` runs it once the service has connected)."""
    ports = build(database)
    ports.certifications.ensure_indexes()
    ports.verifications.ensure_indexes()


@cache
def certification_body() -> dict[str, Any]:
    """Who issues the certificates (data, so a deployment sets its own identity)."""
    path = resources.files("services.certification") / "data" / "certification-body.json"
    body: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return body


def _store(database: Database[Any], collection: str, relay: OutboxRelay | None = None) -> Any:
    # Any: the store (common/store.py) has no type hints yet.
    return MongoDocumentStore(database[collection], database.counters, relay)  # type: ignore[no-untyped-call]
