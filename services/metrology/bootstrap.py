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

from ..common.composition import Clock, StoreFor, shipped_data, stores_on, utc_now
from ..common.documents import wiring as documents_wiring
from ..common.documents.issuing import Issuing
from ..common.outbox import OutboxRelay
from . import handlers
from .adapters.repository import (
    CertificateRepository,
    InstrumentRepository,
    InstrumentTypeRepository,
    JobRepository,
    ReferenceStandardRepository,
)

# The collections whose writes announce events: the outbox relay publishes them.
COLLECTIONS = ("jobs", "certificates", "instrument_types", "reference_standards", "instruments")



@dataclass(frozen=True)
class Metrology:
    """The ports of metrology's use cases."""

    jobs: JobRepository
    certificates: CertificateRepository
    instrument_types: InstrumentTypeRepository
    reference_standards: ReferenceStandardRepository
    instruments: InstrumentRepository
    laboratory: dict[str, Any]  # who issues the certificates (name, address, authorization)
    clock: Clock
    issuing: Issuing  # the certificates' files: keys, originals, public address



def build(database: Database[Any], relay: OutboxRelay | None = None, clock: Clock = utc_now) -> Metrology:
    """The ports of one worker on the service's database; every store hands its writes to
    the process's outbox ``relay``."""
    return compose(stores_on(database, relay), clock, documents_wiring.issuing(database))


def compose(store_for: StoreFor, clock: Clock = utc_now, issuing: Issuing | None = None) -> Metrology:
    """The ports on the document stores ``store_for(collection)`` makes (the service's
    database in ``build``, in-memory fakes in unit tests)."""
    return Metrology(
        jobs=JobRepository(store_for("jobs")),
        certificates=CertificateRepository(store_for("certificates")),
        instrument_types=InstrumentTypeRepository(store_for("instrument_types")),
        reference_standards=ReferenceStandardRepository(store_for("reference_standards")),
        instruments=InstrumentRepository(store_for("instruments")),
        laboratory=laboratory(),
        clock=clock,
        issuing=issuing or documents_wiring.issuing(),
    )


def prepare(database: Database[Any]) -> None:
    """Indexes, and the shipped instrument types that are not there yet (``MongoDatabase``
    runs it once the service has connected)."""
    store = stores_on(database)
    store("jobs").ensure_indexes()
    store("certificates").ensure_indexes([("issued_epoch", 1)])
    store("instrument_types").ensure_indexes()
    store("reference_standards").ensure_indexes()
    store("instruments").ensure_indexes([("uscc", 1)], [("recall_check_at", 1)])
    handlers.seed_instrument_types(InstrumentTypeRepository(store("instrument_types")), verification_catalogue())


def laboratory() -> dict[str, Any]:
    """The laboratory named on certificates: a dict of its own for each worker."""
    lab = shipped_data("services.metrology", "laboratory.json")
    return {key: lab[key] for key in ("name", "address", "authorization")}


def verification_catalogue() -> list[dict[str, Any]]:
    """The instrument types under compulsory verification that the service ships."""
    entries: list[dict[str, Any]] = shipped_data("services.metrology",
                                                 "verification-catalogue-partial.json")["instruments"]
    return entries


