"""The metrology service's composition root: what each worker's use cases are given.

``build`` makes the ports of one worker (``common/composition.Composition`` calls it):
a repository per collection on the service's database, the laboratory named on
certificates, and the clock. ``prepare`` readies the database when the service starts:
indexes, and the instrument types of the shipped verification catalogue. Reference data
is read here and nowhere else, and ``utc_now`` is the only place the service asks the time.
"""

from dataclasses import dataclass
from typing import Any

from pymongo.database import Database

from ..common.clock import Clock, utc_now
from ..common.composition import (
    StoreFor,
    ensure_indexes,
    laboratory_of,
    on_database,
    shipped_data,
)
from ..common.documents import wiring as documents_wiring
from ..common.documents.issuing import Issuing
from . import handlers
from .adapters import repository

# The collections whose writes announce events: the outbox relay publishes them.
COLLECTIONS = ("jobs", "certificates", "standard_certificates", "instrument_types", "reference_standards",
               "instruments")


@dataclass(frozen=True)
class Metrology:
    """The ports of metrology's use cases."""

    jobs: repository.JobRepository
    certificates: repository.CertificateRepository
    standard_certificates: repository.StandardCertificateRepository  # 计量标准考核证书 (JL03)
    instrument_types: repository.InstrumentTypeRepository
    reference_standards: repository.ReferenceStandardRepository
    instruments: repository.InstrumentRepository
    laboratory: dict[str, Any]  # who issues the certificates (name, address, authorization)
    assessment_authority: dict[str, Any]  # who assesses measurement standards and issues their certificates
    clock: Clock
    issuing: Issuing  # the certificates' files: keys, originals, public address



def compose(store_for: StoreFor, clock: Clock = utc_now, issuing: Issuing | None = None) -> Metrology:
    return Metrology(
        jobs=repository.JobRepository(store_for("jobs"), clock=clock),
        certificates=repository.CertificateRepository(store_for("certificates"), clock=clock),
        standard_certificates=repository.StandardCertificateRepository(store_for("standard_certificates"), clock=clock),
        instrument_types=repository.InstrumentTypeRepository(store_for("instrument_types"), clock=clock),
        reference_standards=repository.ReferenceStandardRepository(store_for("reference_standards"), clock=clock),
        instruments=repository.InstrumentRepository(store_for("instruments"), clock=clock),
        laboratory=laboratory_of("services.metrology"),
        assessment_authority=assessment_authority(),
        clock=clock,
        issuing=issuing or documents_wiring.issuing(),
    )


build = on_database(compose, issuing=documents_wiring.issuing)


def prepare(database: Database[Any]) -> None:
    """Indexes, and the shipped instrument types that are not there yet (``MongoDatabase``
    runs it once the service has connected)."""
    ports = build(database)
    ensure_indexes(ports)
    handlers.seed_instrument_types(ports.instrument_types, verification_catalogue())



def assessment_authority() -> dict[str, Any]:
    """The authority named on the 计量标准考核证书 it issues (``data/laboratory.json``)."""
    authority: dict[str, Any] = dict(shipped_data("services.metrology", "laboratory.json")["assessment_authority"])
    return {key: authority.get(key) for key in ("name", "address", "authorization")}


def verification_catalogue() -> list[dict[str, Any]]:
    """The instrument types under compulsory verification that the service ships."""
    entries: list[dict[str, Any]] = shipped_data("services.metrology",
                                                 "verification-catalogue-partial.json")["instruments"]
    return entries


