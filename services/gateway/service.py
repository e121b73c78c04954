"""The gateway (网关): the platform's HTTP front and the enterprise's view of a request.

A thin nameko adapter. The entrypoints live in ``api/`` by concern; this class puts
them together and declares what they use. Each HTTP handler reads input through a
schema, calls a use case in handlers.py and renders a view; errors are mapped in
errors.py.
"""

import logging

import eventlet
from pymongo.errors import PyMongoError

from ..common import metrics
from ..common.config import setting
from ..common.mongo import MongoDatabase
from ..common.outbox import OutboxRelay
from ..common.retired import RetiredQueues
from ..common.rpc import ReplyLost, ServiceRpcOnDemand
from ..common.secrets import RequiredSecrets
from ..common.sequences import SequenceProvider
from ..common.store import MongoDocumentStore, VersionConflict
from ..common.telemetry import Telemetry
from . import service_levels
from .adapters import metrics_store
from .adapters.actor import SignedInActor
from .adapters.counters import MongoCounters
from .adapters.event_log import EventLog, record_confirmed
from .adapters.notices import NoticeBoard
from .adapters.repository import AccountRepository, RequestGroupRepository, RequestRepository

# Modules, not classes: ``nameko run services.gateway.service`` runs every class with
# entrypoints found at the top of this module, and the mixins alone are not services.
from .api import (
    auth,
    calendars,
    certification,
    console,
    dashboard,
    docs,
    events,
    health,
    instruments,
    intake,
    lab,
    monitoring,
    pages,
    ratings,
    sla,
    standards,
    station,
    verify,
)
from .calendars import book_of
from .errors import DocumentNotFound, ServiceUnavailable
from .handlers import RequestNotFound
from .renewals import EnterpriseNotFound, RenewalRepository
from .service_levels import metrics_repository as metrics_read_model
from .throttling import Throttle

log = logging.getLogger(__name__)

# What a public lookup raises when nothing matched: a guess that missed.
LOOKUP_MISSES = (RequestNotFound, EnterpriseNotFound, DocumentNotFound)
# A failure of the store (or of too many concurrent writers): the same batch, published
# again, will go through.
STORE_FAILURES = (PyMongoError, VersionConflict)


def request_store(database):
    return MongoDocumentStore(database.requests, database.counters)


def group_store(database):
    return MongoDocumentStore(database.request_groups, database.counters)


def renewal_store(database):
    return MongoDocumentStore(database.renewals, database.counters)


def account_store(database):
    return MongoDocumentStore(database.accounts, database.counters)


def notice_store(database):
    return MongoDocumentStore(database.notices, database.counters)


def keep_confirmed(database, envelopes):
    """The relay's ``on_confirmed``: the gateway's own events, once the broker has them,
    go into the event log and the metrics read model a batch at a time, a few writes for
    the lot, instead of consumers taking each one back from the broker.

    Both are idempotent on ``event_id``, and a store failure raises: the relay then
    publishes the batch again. An event the metrics cannot fold for any other reason (a
    bug) is logged and counted, and left in the event log for a rebuild once fixed,
    rather than holding up every event behind it."""
    record_confirmed(database, envelopes)
    repository = metrics_read_model(database)
    try:
        service_levels.project_all(repository, envelopes)
        failed = []
    except STORE_FAILURES:
        raise
    except Exception:  # noqa: BLE001 - find the event at fault, fold the others
        failed = [envelope for envelope in envelopes if not _project_alone(repository, envelope)]
    for envelope in envelopes:
        metrics.event_consumed("project_service_levels", envelope["type"],
                               "failed" if envelope in failed else "handled")


def _project_alone(repository, envelope):
    try:
        service_levels.project(repository, envelope)
        return True
    except STORE_FAILURES:
        raise
    except Exception:  # noqa: BLE001
        log.exception("the metrics could not fold event %s (%s); `python -m services.gateway.metrics rebuild` "
                      "folds it once the cause is fixed", envelope["event_id"], envelope["type"])
        return False


def create_indexes(database):
    request_store(database).ensure_indexes([("station", 1), ("status", 1)], [("enterprise.uscc", 1)],
                                           [("rectification.state", 1)])
    group_store(database).ensure_indexes()
    renewal_store(database).ensure_indexes([("uscc", 1)])
    EventLog(database.event_log).ensure_indexes()
    NoticeBoard(notice_store(database)).ensure_indexes()
    metrics_store.create_indexes(database)
    MongoCounters(database.throttle).ensure_indexes()


class GatewayService(
    health.HealthApi,
    auth.AuthApi,
    intake.IntakeApi,
    station.StationApi,
    ratings.RatingsApi,
    sla.ServiceLevelsApi,
    lab.LabApi,
    instruments.InstrumentApi,
    certification.CertificationApi,
    standards.StandardsApi,
    verify.VerifyApi,
    pages.Pages,
    console.Console,
    dashboard.Dashboard,
    calendars.CalendarApi,
    docs.ApiDocs,
    events.EventConsumers,
    monitoring.PrometheusMetrics,
):
    name = "gateway"

    db = MongoDatabase(on_ready=create_indexes)
    # The relay also keeps the gateway's own events in the event log and the metrics.
    relay = OutboxRelay(["requests", "request_groups"], on_confirmed=keep_confirmed)
    # Where the event log and the metrics took the gateway's events from before the relay
    # wrote them.
    retired = RetiredQueues({
        "evt-gateway-all--gateway.log_gateway_event": (
            "gateway", "#", lambda database, envelope: EventLog(database.event_log).record(envelope)),
        "evt-gateway-all--gateway.project_service_levels": (
            "gateway", "#", lambda database, envelope: keep_confirmed(database, [envelope])),
    })
    acting = SignedInActor()  # the signed-in person, recorded by every service it calls
    telemetry = Telemetry()
    request_codes = SequenceProvider()  # a block of codes at a time under a burst
    secrets = RequiredSecrets("SECRET_KEY")  # signs tokens, links and form tokens
    metrology_rpc = ServiceRpcOnDemand("metrology")
    standards_rpc = ServiceRpcOnDemand("standards")
    certification_rpc = ServiceRpcOnDemand("certification")
    testing_rpc = ServiceRpcOnDemand("testing")

    @property
    def requests(self):
        return RequestRepository(request_store(self.db), codes=self.request_codes)

    @property
    def groups(self):
        return RequestGroupRepository(group_store(self.db))

    @property
    def renewals(self):
        return RenewalRepository(renewal_store(self.db))

    @property
    def accounts(self):
        return AccountRepository(account_store(self.db))

    @property
    def notices(self):
        return NoticeBoard(notice_store(self.db))

    @property
    def metrics_repository(self):
        return metrics_read_model(self.db)

    @property
    def calendar_book(self):
        """The working-day calendar's book: official schedules (shipped and loaded) and
        provisional years, read again from the store every little while (calendars.py)."""
        return book_of(self.db)

    def current_calendar(self):
        return self.calendar_book.current()

    @property
    def throttle(self):
        """Rate limits on public lookups and sign-in, counted in the store so that every
        replica sees the same counts."""
        return Throttle(MongoCounters(self.db.throttle), failures=LOOKUP_MISSES)

    def call_service(self, service, method, *args):
        """An RPC to a domain service, bounded: no answer in RPC_TIMEOUT seconds is a 503,
        and so is a reply lost with the gateway's reply queue (answered at once)."""
        reply = getattr(getattr(self, f"{service}_rpc"), method).call_async(*args)
        with eventlet.Timeout(float(setting("RPC_TIMEOUT")), ServiceUnavailable(service)):
            try:
                return reply.result()
            except ReplyLost:
                raise ServiceUnavailable(service) from None
