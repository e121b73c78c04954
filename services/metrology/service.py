"""The metrology service (计量): thin nameko adapter over handlers.py.

RPC methods take plain dicts (validated by schemas.py) and return views; errors are
raised as the exceptions of exceptions.py (the gateway maps them). The service also
consumes its own events to keep the instrument file, and checks for due recalls on a
timer (``RECALL_CHECK_SECONDS``).
"""

import json
from datetime import UTC, datetime
from functools import cache
from importlib import resources

from ..common.acting import ActingPerson
from ..common.commands import DeclineSchema, WithdrawalSchema, decline_work
from ..common.consumer import consume_event
from ..common.contracts import DispatchedWork
from ..common.contracts.schemas import read
from ..common.health import health_report
from ..common.metrics_endpoint import MetricsEndpoint
from ..common.mongo import MongoDatabase
from ..common.outbox import OutboxRelay
from ..common.rpc import rpc as rpc_entrypoint
from ..common.secrets import RequiredSecrets
from ..common.store import MongoDocumentStore
from ..common.telemetry import Telemetry
from ..common.timer import timer
from . import handlers
from .adapters.repository import (
    CertificateRepository,
    InstrumentRepository,
    InstrumentTypeRepository,
    JobRepository,
    ReferenceStandardRepository,
)
from .exceptions import REFUSALS, JobNotFound
from .schemas import (
    CorrectionSchema,
    OperatorSchema,
    ReferenceCheckSchema,
    ReferenceStandardSchema,
    ReviewSchema,
    VerificationPeriodSchema,
    as_dict,
    results_schema,
)

# A refusal is an answer, not a fault: logged in one line at INFO (exceptions.REFUSALS).
rpc = rpc_entrypoint(expected_exceptions=REFUSALS)

COLLECTIONS = ("jobs", "certificates", "instrument_types", "reference_standards", "instruments")


@cache
def _data(name):
    return json.loads((resources.files("services.metrology") / "data" / name).read_text(encoding="utf-8"))


def laboratory():
    lab = _data("laboratory.json")
    return {key: lab[key] for key in ("name", "address", "authorization")}


def store(database, collection, relay=None):
    return MongoDocumentStore(database[collection], database.counters, relay)


def create_indexes(database):
    store(database, "jobs").ensure_indexes()
    store(database, "certificates").ensure_indexes([("issued_epoch", 1)])
    store(database, "instrument_types").ensure_indexes()
    store(database, "reference_standards").ensure_indexes()
    store(database, "instruments").ensure_indexes([("uscc", 1)], [("recall_check_at", 1)])
    handlers.seed_instrument_types(
        InstrumentTypeRepository(store(database, "instrument_types")),
        _data("verification-catalogue-partial.json")["instruments"],
    )


def now():
    return datetime.now(UTC)


class MetrologyService:
    name = "metrology"

    db = MongoDatabase(on_ready=create_indexes)
    relay = OutboxRelay(COLLECTIONS)
    acting = ActingPerson()  # who the work is done for, from the gateway (audit trail)
    telemetry = Telemetry()
    metrics = MetricsEndpoint()  # Prometheus, on METRICS_PORT
    secrets = RequiredSecrets()  # reads none; a secret added later is named here

    @property
    def jobs(self):
        return JobRepository(store(self.db, "jobs", self.relay))

    @property
    def certificates(self):
        return CertificateRepository(store(self.db, "certificates", self.relay))

    @property
    def types(self):
        return InstrumentTypeRepository(store(self.db, "instrument_types", self.relay))

    @property
    def standards(self):
        return ReferenceStandardRepository(store(self.db, "reference_standards", self.relay))

    @property
    def instruments(self):
        return InstrumentRepository(store(self.db, "instruments", self.relay))

    @rpc
    def health(self):
        return health_report(self.name, self.db)

    @rpc
    def decline_job(self, request_code, payload):
        """Decline dispatched work before starting on it: it goes back to the station."""
        answer = decline_work(self.jobs, request_code, DeclineSchema().load(payload), now(), JobNotFound)
        return answer

    # -- events -----------------------------------------------------------------------------
    @consume_event("gateway", "request_dispatched", route="metrology")
    def on_request_dispatched(self, envelope):
        handlers.receive_dispatched_request(self.jobs, read(DispatchedWork, envelope), now())

    @consume_event("metrology", "#")
    def keep_instrument_file(self, envelope):
        handlers.file_instruments(self.instruments, envelope)

    @timer("RECALL_CHECK_SECONDS")
    def send_due_reminders(self):
        handlers.send_due_reminders(self.instruments, now())

    # -- jobs -------------------------------------------------------------------------------
    @rpc
    def get_job(self, request_code):
        return as_dict(handlers.get_job(self.jobs, request_code))

    @rpc
    def start_job(self, request_code, payload):
        return self._job_step(handlers.start_job, request_code, OperatorSchema().load(payload))

    @rpc
    def record_results(self, request_code, payload):
        job = handlers.get_job(self.jobs, request_code)
        job.ensure_can_record()  # a wrong state is a 409 before any field is judged
        command = results_schema(job.item).load(payload)
        job = handlers.record_results(self.jobs, self.standards, self.types, request_code, command, now())
        return as_dict(job)

    @rpc
    def review_results(self, request_code, payload):
        return self._job_step(handlers.review_results, request_code, ReviewSchema().load(payload))

    @rpc
    def issue_documents(self, request_code, payload):
        command = OperatorSchema().load(payload)
        job = handlers.issue_documents(self.jobs, self.certificates, self.types, request_code, command,
                                       laboratory(), now())
        return as_dict(job)

    def _job_step(self, handler, request_code, command):
        job = handler(self.jobs, request_code, command, now())
        return as_dict(job)

    # -- certificates -------------------------------------------------------------------------
    @rpc
    def get_certificate(self, number):
        certificate = handlers.get_certificate(self.certificates, number)
        status, superseded_by = handlers.certificate_status(self.certificates, certificate)
        return {**as_dict(certificate), "status": status, "superseded_by": superseded_by}

    @rpc
    def correct_certificate(self, number, payload):
        replacement = handlers.correct_certificate(self.certificates, number, CorrectionSchema().load(payload), now())
        return self.get_certificate(replacement.number)

    @rpc
    def withdraw_certificate(self, number, payload):
        handlers.withdraw_certificate(self.certificates, number, WithdrawalSchema().load(payload), now())
        return self.get_certificate(number)

    @rpc
    def verify(self, number):
        return handlers.verify_certificate(self.certificates, number, now())

    # -- instrument types ---------------------------------------------------------------------
    @rpc
    def list_instrument_types(self):
        return [each.view() for each in self.types.find(sort=[("id", 1)])]

    @rpc
    def set_verification_period(self, type_id, payload):
        command = VerificationPeriodSchema().load(payload)
        instrument_type = handlers.set_verification_period(self.types, type_id, command, now())
        return instrument_type.view()

    # -- reference standards ------------------------------------------------------------------
    @rpc
    def list_reference_standards(self):
        return [as_dict(each) for each in self.standards.find(sort=[("id", 1)])]

    @rpc
    def register_reference_standard(self, payload):
        command = ReferenceStandardSchema().load(payload)
        standard = handlers.register_reference_standard(self.standards, command, now())
        return as_dict(standard)

    @rpc
    def get_reference_standard(self, standard_id):
        return as_dict(handlers.get_reference_standard(self.standards, standard_id))

    @rpc
    def record_reference_check(self, standard_id, payload):
        command = ReferenceCheckSchema().load(payload)
        standard = handlers.record_reference_check(self.standards, self.certificates, standard_id, command, now())
        return as_dict(standard)

    # -- the instrument file --------------------------------------------------------------------
    @rpc
    def enterprise_instruments(self, uscc):
        return [each.view() for each in handlers.enterprise_instruments(self.instruments, uscc)]

    @rpc
    def get_instrument(self, uscc, serial_number):
        return handlers.get_instrument(self.instruments, uscc, serial_number).view()
