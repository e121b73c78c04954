"""The standards service (标准): thin nameko adapter over handlers.py."""

import json
from datetime import UTC, datetime
from importlib import resources

from nameko.timer import timer

from ..common.acting import ActingPerson
from ..common.commands import DeclineSchema, decline_work
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
from . import handlers
from .adapters.follows import FollowRegistry
from .adapters.repository import CaseRepository, StandardRepository
from .adapters.seed import CatalogueSeeder
from .exceptions import REFUSALS, CaseNotFound
from .schemas import AddStandardSchema, AnswerSchema, EndStandardSchema, ReviewSchema, SearchSchema

# A refusal is an answer, not a fault: logged in one line at INFO (exceptions.REFUSALS).
rpc = rpc_entrypoint(expected_exceptions=REFUSALS)

# Replacements take effect on a date: an hourly look is plenty.
REPLACEMENT_CHECK_SECONDS = 3600


def utc_now():
    """The one place the service reads the time (tests move it)."""
    return datetime.now(UTC)


def seed_entries():
    path = resources.files("services.standards") / "data" / "standards-seed.json"
    return json.loads(path.read_text(encoding="utf-8"))


def case_store(database, relay=None):
    return MongoDocumentStore(database.cases, database.counters, relay)


def standard_store(database, relay=None):
    return MongoDocumentStore(database.standards, database.counters, relay)


def follow_store(database, relay=None):
    return MongoDocumentStore(database.follows, database.counters, relay)


def prepare(database):
    """Indexes, and the shipped catalogue on a fresh database."""
    case_store(database).ensure_indexes()
    standard_store(database).ensure_indexes()
    FollowRegistry(follow_store(database)).ensure_indexes()
    handlers.seed_catalogue(StandardRepository(standard_store(database)), seed_entries())


class StandardsService:
    name = "standards"

    seeder = CatalogueSeeder(prepare)
    db = MongoDatabase()
    relay = OutboxRelay(["cases", "standards"])
    acting = ActingPerson()  # who the work is done for, from the gateway (audit trail)
    telemetry = Telemetry()
    metrics = MetricsEndpoint()  # Prometheus, on METRICS_PORT
    secrets = RequiredSecrets()  # reads none; a secret added later is named here

    @property
    def cases(self):
        return CaseRepository(case_store(self.db, self.relay))

    @property
    def standards(self):
        return StandardRepository(standard_store(self.db, self.relay))

    @property
    def follows(self):
        return FollowRegistry(follow_store(self.db, self.relay))

    @rpc
    def health(self):
        return health_report(self.name, self.db)

    @rpc
    def decline_job(self, request_code, payload):
        """Decline dispatched work before starting on it: it goes back to the station."""
        answer = decline_work(self.cases, request_code, DeclineSchema().load(payload), utc_now(), CaseNotFound)
        return answer

    # -- events and time ------------------------------------------------------------------
    @consume_event("gateway", "request_dispatched", route="standards")
    def on_request_dispatched(self, envelope):
        handlers.receive_dispatched_request(
            self.cases, self.standards, self.follows, read(DispatchedWork, envelope), utc_now()
        )

    @timer(interval=REPLACEMENT_CHECK_SECONDS, eager=True)
    def supersede_replaced_in_force(self):
        handlers.supersede_replaced_in_force(self.standards, self.follows, utc_now())

    # -- the catalogue ------------------------------------------------------------------------
    @rpc
    def search(self, query, limit=20):
        command = SearchSchema().load({"q": query, "limit": limit})
        return handlers.search(self.standards, command["q"], utc_now(), command["limit"])

    @rpc
    def get_standard(self, number):
        return handlers.get_standard(self.standards, number, utc_now())

    @rpc
    def add_standard(self, payload):
        standard = handlers.add_standard(
            self.standards, AddStandardSchema().load(payload or {}), utc_now()
        )
        return handlers.get_standard(self.standards, standard.number, utc_now())

    @rpc
    def end_standard(self, payload):
        command = EndStandardSchema().load(payload or {})
        standard = handlers.end_standard(
            self.standards,
            self.follows,
            command["number"],
            command["status"],
            command["replaced_by"],
            utc_now(),
        )
        return handlers.get_standard(self.standards, standard.number, utc_now())

    # -- cases -----------------------------------------------------------------------------------
    @rpc
    def get_case(self, request_code):
        return _case_view(handlers.get_case(self.cases, request_code))

    @rpc
    def review_declaration(self, request_code, payload=None):
        command = ReviewSchema().load(payload or {})
        case = handlers.review_declaration(
            self.cases, self.standards, request_code, command, utc_now()
        )
        return _case_view(case)

    @rpc
    def answer_question(self, request_code, payload=None):
        command = AnswerSchema().load(payload or {})
        case = handlers.answer_question(self.cases, request_code, command, utc_now())
        return _case_view(case)


def _case_view(case):
    fields = (
        "request_code",
        "item",
        "station",
        "enterprise",
        "details",
        "received_at",
        "status",
        "answer",
        "references",
        "unrecognised",
        "review",
    )
    return {name: getattr(case, name) for name in fields}
