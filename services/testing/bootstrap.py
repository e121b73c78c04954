"""The testing service's composition root: what each worker's use cases are given.

``build`` makes the ports of one worker (``common/composition.Composition`` calls it):
a repository per collection on the service's database, the laboratory named on
reports, and the clock. ``prepare`` creates the indexes when the service starts.
Reference data is read here and nowhere else, and ``utc_now`` is the only place the
service asks the time.
"""

from dataclasses import dataclass
from typing import Any

from pymongo.database import Database

from ..common.composition import Clock, StoreFor, shipped_data, stores_on, utc_now
from ..common.documents import wiring as documents_wiring
from ..common.documents.issuing import Issuing
from ..common.outbox import OutboxRelay
from .adapters.repository import ReportRepository, TestJobRepository

# The collections whose writes announce events: the outbox relay publishes them.
COLLECTIONS = ("jobs", "reports")



@dataclass(frozen=True)
class Testing:
    """The ports of testing's use cases."""

    __test__ = False  # not a test class, whatever its name
    jobs: TestJobRepository
    reports: ReportRepository
    laboratory: dict[str, Any]  # who issues the reports (name, address, authorization)
    clock: Clock
    issuing: Issuing  # the reports' files: keys, originals, public address



def build(database: Database[Any], relay: OutboxRelay | None = None, clock: Clock = utc_now) -> Testing:
    """The ports of one worker on the service's database; every store hands its writes to
    the process's outbox ``relay``."""
    return compose(stores_on(database, relay), clock, documents_wiring.issuing(database))


def compose(store_for: StoreFor, clock: Clock = utc_now, issuing: Issuing | None = None) -> Testing:
    """The ports on the document stores ``store_for(collection)`` makes (the service's
    database in ``build``, in-memory fakes in unit tests)."""
    return Testing(
        jobs=TestJobRepository(store_for("jobs")),
        reports=ReportRepository(store_for("reports")),
        laboratory=laboratory(),
        clock=clock,
        issuing=issuing or documents_wiring.issuing(),
    )


def prepare(database: Database[Any]) -> None:
    """Indexes (``MongoDatabase`` runs it once the service has connected)."""
    store = stores_on(database)
    store("jobs").ensure_indexes()
    store("reports").ensure_indexes()


def laboratory() -> dict[str, Any]:
    """The laboratory named on reports: a dict of its own for each worker."""
    lab = shipped_data("services.testing", "laboratory.json")
    return {key: lab[key] for key in ("name", "address", "authorization")}


