"""Puts the shipped catalogue in a fresh database before the service takes any work.

nameko starts a container's extensions all at once, so seeding when the database
dependency starts could let a BZ01 be answered from half a catalogue. Every extension's
``setup()`` finishes before any of them starts, so the catalogue is seeded there.

A nameko extension (nameko has no type hints): mypy does not check this module.
"""

from collections.abc import Callable
from typing import Any

from nameko.extensions import DependencyProvider
from pymongo.database import Database

from ...common import tracing
from ...common.config import database_name
from ...common.mongo import connect


class CatalogueSeeder(DependencyProvider):
    def __init__(self, prepare: Callable[[Database[Any]], None]) -> None:
        self.prepare = prepare  # prepare(database): indexes and seed data (bootstrap.prepare)

    def setup(self) -> None:
        client = connect()
        try:
            with tracing.untraced():  # no request's work: no trace per seeded standard
                self.prepare(client[database_name(self.container.service_name)])
        finally:
            client.close()

    def get_dependency(self, worker_ctx: Any) -> None:
        return None
