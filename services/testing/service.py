"""The testing service (检验检测): thin nameko adapter over handlers.py."""

import dataclasses
from datetime import UTC, datetime

from nameko.rpc import rpc

from ..common.consumer import consume_event
from ..common.health import health_report
from ..common.mongo import MongoDatabase
from ..common.outbox import OutboxRelay
from ..common.store import MongoDocumentStore
from . import handlers, standards_watch
from .adapters.repository import TestJobRepository


def store(database):
    return MongoDocumentStore(database.jobs, database.counters)


def create_indexes(database):
    store(database).ensure_indexes()


class TestingService:
    name = "testing"

    db = MongoDatabase(on_ready=create_indexes)
    relay = OutboxRelay(["jobs"])

    @property
    def repository(self):
        return TestJobRepository(store(self.db))

    @rpc
    def health(self):
        return health_report(self.name, self.db)

    @consume_event("gateway", "request_dispatched", route="testing")
    def on_request_dispatched(self, envelope):
        if handlers.receive_dispatched_request(self.repository, envelope, datetime.now(UTC)):
            self.relay.notify()

    @consume_event("standards", "standard_superseded")
    def on_standard_superseded(self, envelope):
        if standards_watch.flag_jobs_citing(self.repository, envelope, datetime.now(UTC)):
            self.relay.notify()

    @rpc
    def get(self, request_code):
        found = handlers.get(self.repository, request_code)
        return {k: v for k, v in dataclasses.asdict(found).items() if k != "new_events"}
