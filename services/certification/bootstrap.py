"""The certification service's composition root: what each worker's use cases are given.

``build`` makes the ports of one worker (``common/composition.Composition`` calls it):
a repository per collection on the service's database, the certification body named on
certificates, and the clock. ``prepare`` readies the database when the service starts
(indexes). Reference data is read here and nowhere else, and ``utc_now`` is the only
place the service asks the time.
"""

from dataclasses import dataclass
from typing import Any

from pymongo.database import Database

from ..common.composition import Clock, StoreFor, ensure_indexes, on_database, shipped_data, utc_now
from .adapters.repository import CertificationRepository, VerificationRepository

# The collections whose writes announce events: the outbox relay publishes them.
COLLECTIONS = ("certifications", "verifications")


@dataclass(frozen=True)
class CertificationPorts:
    """The ports of certification's use cases (``Certification`` is the aggregate)."""

    certifications: CertificationRepository  # RZ01/RZ02 applications and their certificates
    verifications: VerificationRepository  # RZ03 answers
    issuer: str  # the certification body named on the certificates it grants
    clock: Clock



def compose(store_for: StoreFor, clock: Clock = utc_now) -> CertificationPorts:
    return CertificationPorts(
        certifications=CertificationRepository(store_for("certifications")),
        verifications=VerificationRepository(store_for("verifications")),
        issuer=certification_body()["name"],
        clock=clock,
    )


build = on_database(compose)


def prepare(database: Database[Any]) -> None:
    """The indexes (``MongoDatabase`` runs it once the service has connected)."""
    ensure_indexes(build(database))


def certification_body() -> dict[str, Any]:
    """Who issues the certificates (data, so a deployment sets its own identity)."""
    body: dict[str, Any] = shipped_data("services.certification", "certification-body.json")
    return body

