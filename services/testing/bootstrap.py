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

from ..common.clock import Clock, utc_now
from ..common.composition import (
    StoreFor,
    ensure_indexes,
    laboratory_of,
    on_database,
)
from ..common.documents import wiring as documents_wiring
from ..common.documents.issuing import Issuing
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



def compose(store_for: StoreFor, clock: Clock = utc_now, issuing: Issuing | None = None) -> Testing:
    return Testing(
        jobs=TestJobRepository(store_for("jobs"), clock=clock),
        reports=ReportRepository(store_for("reports"), clock=clock),
        laboratory=laboratory_of("services.testing"),
        clock=clock,
        issuing=issuing or documents_wiring.issuing(),
    )


build = on_database(compose, issuing=documents_wiring.issuing)


def prepare(database: Database[Any]) -> None:
    """Indexes (``MongoDatabase`` runs it once the service has connected)."""
    ensure_indexes(build(database))



