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

from ..common.clock import Clock, utc_now
from ..common.composition import StoreFor, ensure_indexes, on_database, shipped_data
from ..common.documents import wiring as documents_wiring
from ..common.documents.issuing import Issuing
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
    body: dict[str, Any]  # the body's name, address and approval, as printed
    issuing: Issuing  # the certificates' files: keys, originals, public address



def compose(store_for: StoreFor, clock: Clock = utc_now, issuing: Issuing | None = None) -> CertificationPorts:
    return CertificationPorts(
        certifications=CertificationRepository(store_for("certifications"), clock=clock),
        verifications=VerificationRepository(store_for("verifications"), clock=clock),
        issuer=certification_body()["name"],
        clock=clock,
        body={key: certification_body().get(key) for key in ("name", "address", "approval")},
        issuing=issuing or documents_wiring.issuing(),
    )


build = on_database(compose, issuing=documents_wiring.issuing)


def prepare(database: Database[Any]) -> None:
    """The indexes (``MongoDatabase`` runs it once the service has connected)."""
    ensure_indexes(build(database))


def certification_body() -> dict[str, Any]:
    """Who issues the certificates (data, so a deployment sets its own identity)."""
    body: dict[str, Any] = shipped_data("services.certification", "certification-body.json")
    return body

