"""The metrology service (计量): thin nameko adapter over handlers.py."""

from datetime import UTC, datetime

from nameko.rpc import rpc

from ..common.consumer import consume_event
from ..common.health import health_report
from ..common.mongo import MongoDatabase
from ..common.outbox import OutboxRelay
from ..common.store import MongoDocumentStore
from . import handlers
from .adapters.repository import JobRepository
from .schemas import IssueCertificateSchema, JobSchema


def job_store(database):
    return MongoDocumentStore(database.jobs, database.counters)


def create_indexes(database):
    job_store(database).ensure_indexes()


class MetrologyService:
    name = "metrology"

    db = MongoDatabase(on_ready=create_indexes)
    relay = OutboxRelay(["jobs"])

    @property
    def jobs(self):
        return JobRepository(job_store(self.db))

    @rpc
    def health(self):
        return health_report(self.name, self.db)

    @consume_event("gateway", "request_dispatched", route="metrology")
    def on_request_dispatched(self, envelope):
        if handlers.receive_dispatched_request(self.jobs, envelope, datetime.now(UTC)):
            self.relay.notify()

    @rpc
    def issue_certificate(self, request_code, payload=None):
        command = IssueCertificateSchema().load(payload or {})
        job = handlers.issue_certificate(self.jobs, request_code, datetime.now(UTC), command["summary"])
        self.relay.notify()
        return JobSchema().dump(job)

    @rpc
    def get_job(self, request_code):
        return JobSchema().dump(handlers.get_job(self.jobs, request_code))
