"""The standards service's composition root: what each worker's use cases are given.

``build`` makes the ports of one worker (``common/composition.Composition`` calls it):
a repository per collection on the service's database and the clock. ``prepare`` readies
the database before the service takes any work: indexes, and the shipped catalogue.
The seed is read here and nowhere else, and ``utc_now`` is the only place the service
asks the time.
"""

from dataclasses import dataclass
from typing import Any

from pymongo.database import Database

from ..common.clock import Clock, utc_now
from ..common.composition import StoreFor, ensure_indexes, on_database, shipped_data
from . import handlers
from .adapters.follows import FollowRegistry
from .adapters.repository import CaseRepository, StandardRepository

# The collections whose writes announce events: the outbox relay publishes them.
COLLECTIONS = ("cases", "standards")


@dataclass(frozen=True)
class Standards:
    """The ports of the standards service's use cases."""

    cases: CaseRepository  # BZ requests
    catalogue: StandardRepository
    follows: FollowRegistry  # which enterprise follows which standard
    clock: Clock



def compose(store_for: StoreFor, clock: Clock = utc_now) -> Standards:
    return Standards(
        cases=CaseRepository(store_for("cases"), clock=clock),
        catalogue=StandardRepository(store_for("standards"), clock=clock),
        follows=FollowRegistry(store_for("follows")),
        clock=clock,
    )


build = on_database(compose)


def prepare(database: Database[Any]) -> None:
    """Indexes, and the shipped standards not catalogued yet (``CatalogueSeeder`` runs it
    before the service starts taking work)."""
    ports = build(database)
    ensure_indexes(ports)
    handlers.seed_catalogue(ports.catalogue, seed_entries())


def seed_entries() -> list[dict[str, Any]]:
    """The standards the service ships (data/standards-seed.json)."""
    entries: list[dict[str, Any]] = shipped_data("services.standards", "standards-seed.json")
    return entries

