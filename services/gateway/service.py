"""The gateway (网关): the platform's HTTP front and the enterprise's view of a request.

A thin nameko adapter: each HTTP handler reads input through a schema, calls a use
case in handlers.py and renders a view; errors are mapped in errors.py. It also
consumes every service's events, keeping the event log and the tracking projection.
"""

import hmac
import json
import logging
from datetime import UTC, datetime
from functools import cache
from importlib import resources

import eventlet
from kombu import Connection
from nameko.rpc import ServiceRpc
from nameko.web.handlers import http

from ..common.config import secret, setting
from ..common.consumer import PermanentFailure, consume_event
from ..common.mongo import MongoDatabase, ping
from ..common.outbox import OutboxRelay
from ..common.store import MongoDocumentStore
from . import handlers
from .adapters.event_log import EventLog
from .adapters.repository import RequestRepository
from .domain.catalogue import DOMAINS, Catalogue, Stations
from .errors import (
    ApiError,
    ServiceUnavailable,
    Unauthorized,
    json_endpoint,
    read_json_object,
    request_language,
)
from .schemas import CompleteJobSchema, load_request_form
from .views import submitted_view, tracking_view

log = logging.getLogger(__name__)


@cache
def reference_data():
    """The catalogue and the stations, read once from the package's data files."""
    data = resources.files("services.gateway") / "data"
    catalogue = Catalogue(json.loads((data / "catalogue.json").read_text(encoding="utf-8")))
    stations = Stations(json.loads((data / "stations.json").read_text(encoding="utf-8")))
    return catalogue, stations


def request_store(database):
    return MongoDocumentStore(database.requests, database.counters)


def create_indexes(database):
    request_store(database).ensure_indexes([("station", 1), ("status", 1)])
    EventLog(database.event_log).ensure_indexes()


class GatewayService:
    name = "gateway"

    db = MongoDatabase(on_ready=create_indexes)
    relay = OutboxRelay(["requests"])
    metrology_rpc = ServiceRpc("metrology")
    standards_rpc = ServiceRpc("standards")
    certification_rpc = ServiceRpc("certification")
    testing_rpc = ServiceRpc("testing")

    @property
    def requests(self):
        return RequestRepository(request_store(self.db))

    # -- public API -------------------------------------------------------------------
    @http("GET", "/health")
    @json_endpoint
    def health(self, request):
        checks = self._health_checks()
        down = sorted(name for name, ok in checks.items() if not ok)
        body = {"status": "ok" if not down else "unavailable", "checks": checks, "down": down}
        return (200 if not down else 503), body

    @http("GET", "/api/v1/catalogue")
    @json_endpoint
    def catalogue(self, request):
        catalogue, _ = reference_data()
        return catalogue.as_dict()

    @http("POST", "/api/v1/requests")
    @json_endpoint
    def submit(self, request):
        catalogue, stations = reference_data()
        form, item = load_request_form(read_json_object(request), catalogue, stations)
        submitted = handlers.submit_request(self.requests, form, item, datetime.now(UTC))
        self.relay.notify()
        station = stations.get(submitted.station)
        return 201, submitted_view(submitted, item, station, request_language(request))

    @http("GET", "/api/v1/requests/<string:code>")
    @json_endpoint
    def track(self, request, code):
        phone = request.args.get("phone", "")
        if not phone:
            raise ApiError(400, "validation_failed", fields={"phone": ["required"]})
        found = handlers.track_request(self.requests, code, phone)
        catalogue, stations = reference_data()
        return tracking_view(
            found, catalogue.item(found.item), stations.get(found.station), request_language(request)
        )

    # -- operators (until accounts arrive in issue 6, a shared operator key) -----------
    @http("GET", "/api/v1/metrology/jobs/<string:code>")
    @json_endpoint
    def metrology_job(self, request, code):
        self._require_operator(request)
        return self._call("metrology", "get_job", code)

    @http("POST", "/api/v1/metrology/jobs/<string:code>/complete")
    @json_endpoint
    def complete_metrology_job(self, request, code):
        self._require_operator(request)
        command = CompleteJobSchema().load(read_json_object(request) if _has_body(request) else {})
        return self._call("metrology", "issue_certificate", code, command)

    # -- events -----------------------------------------------------------------------
    @consume_event("gateway", "request_submitted")
    def auto_dispatch(self, envelope):
        """TEMPORARY (issue 6 replaces it with station staff): accept and dispatch."""
        self._with_known_request(handlers.auto_accept_and_dispatch, envelope, datetime.now(UTC))
        self.relay.notify()

    @consume_event("gateway", "#")
    def log_gateway_event(self, envelope):
        EventLog(self.db.event_log).record(envelope)

    @consume_event("metrology", "#")
    def on_metrology_event(self, envelope):
        self._record_domain_event(envelope)

    @consume_event("standards", "#")
    def on_standards_event(self, envelope):
        self._record_domain_event(envelope)

    @consume_event("certification", "#")
    def on_certification_event(self, envelope):
        self._record_domain_event(envelope)

    @consume_event("testing", "#")
    def on_testing_event(self, envelope):
        self._record_domain_event(envelope)

    # -- helpers ----------------------------------------------------------------------
    def _record_domain_event(self, envelope):
        EventLog(self.db.event_log).record(envelope)
        if envelope["request_code"]:
            self._with_known_request(handlers.project_domain_event, envelope)

    def _with_known_request(self, handler, envelope, *args):
        try:
            return handler(self.requests, envelope, *args)
        except handlers.UnknownRequest as exc:
            # Retrying cannot make the request exist: keep the event in the dead letters.
            raise PermanentFailure(f"event {envelope['event_id']} names unknown request {exc}") from exc

    def _require_operator(self, request):
        presented = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not presented or not hmac.compare_digest(presented, secret("OPERATOR_API_KEY")):
            raise Unauthorized()

    def _rpc(self, service):
        return getattr(self, f"{service}_rpc")

    def _call(self, service, method, *args):
        """An RPC to a domain service, bounded: no answer in RPC_TIMEOUT seconds is a 503."""
        reply = getattr(self._rpc(service), method).call_async(*args)
        with eventlet.Timeout(float(setting("RPC_TIMEOUT")), ServiceUnavailable(service)):
            return reply.result()

    def _health_checks(self):
        timeout = float(setting("RPC_TIMEOUT"))
        pool = eventlet.GreenPool()
        checks = {
            "rabbitmq": pool.spawn(_broker_answers, setting("AMQP_URI"), timeout),
            "mongodb": pool.spawn(ping, self.db),
            **{service: pool.spawn(self._service_answers, service) for service in DOMAINS},
        }
        return {name: thread.wait() for name, thread in checks.items()}

    def _service_answers(self, service):
        try:
            return self._call(service, "health").get("status") == "ok"
        except Exception:  # noqa: BLE001 - any failure means "not answering"
            return False


def _broker_answers(amqp_uri, timeout):
    try:
        with Connection(amqp_uri, connect_timeout=timeout) as connection:
            connection.connect()
        return True
    except Exception:  # noqa: BLE001 - any failure means "down"
        return False


def _has_body(request):
    return bool(request.content_length) or request.headers.get("Transfer-Encoding") == "chunked"
