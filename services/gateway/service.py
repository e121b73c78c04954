"""The gateway (网关): the platform's HTTP front and the enterprise's view of a request.

A thin nameko adapter. The HTTP entrypoints live in ``web/`` (the JSON API in
``web/api/``, the pages in ``web/pages/``), one mixin per concern; this class puts them
together, declares what every worker is given, and holds the entrypoints that are not
HTTP: the event consumers and the timers. Every entrypoint reads its input, calls one
use case in ``handlers/`` with the ports the composition root (``bootstrap.py``) built
for the worker (``self.gateway``) or the domain services' clients (``self.services``),
and renders the answer.
"""

from ..common.composition import Composition
from ..common.config import setting
from ..common.consumer import PermanentFailure, consume_event
from ..common.contracts import StandardEnded
from ..common.contracts.schemas import read
from ..common.mongo import MongoDatabase
from ..common.outbox import OutboxRelay
from ..common.retired import RetiredQueues
from ..common.rpc import ServiceRpcOnDemand
from ..common.secrets import RequiredSecrets
from ..common.telemetry import Telemetry
from ..common.timer import timer
from . import bootstrap
from .adapters.actor import SignedInActor
from .adapters.domain_services import DomainServices
from .exceptions import RequestNotFound, UnknownRequest
from .handlers import enterprise, files, intake, notifications, service_levels

# Modules, not classes: ``nameko run services.gateway.service`` runs every class with
# entrypoints found at the top of this module, and the mixins alone are not services.
from .web.api import (
    attachments,
    auth,
    calendars,
    certification,
    documents,
    enterprise_accounts,
    health,
    instruments,
    lab,
    monitoring,
    ratings,
    standards,
    station,
    verify,
)
from .web.api import intake as intake_api
from .web.api import (
    notifications as notifications_api,
)
from .web.api import service_levels as service_levels_api
from .web.pages import (
    accounts,
    console,
    dashboard,
    docs,
    pages,
    registers,
    registration,
    signin,
    workbench,
)
from .web.pages import documents as document_pages
from .web.pages import enterprise as enterprise_pages
from .web.pages import notifications as notification_pages


def _replayed_confirmed(database, envelope):
    """A retired queue's event, handed on as the relay hands on its confirmed events."""
    bootstrap.hand_on_confirmed(bootstrap.build(database), [envelope])


def _progress_from(domain):
    """The consumer of every event of ``domain``: the request it names records its progress."""

    @consume_event(domain, "#")
    def record_progress(self, envelope):
        gateway = self.gateway
        try:
            intake.record_progress(gateway.event_log, gateway.requests, gateway.catalogue, gateway.calendar.current(),
                                   envelope)
        except UnknownRequest as exc:
            # Retrying cannot make the request exist: keep the event in the dead letters.
            raise PermanentFailure(f"event {envelope['event_id']} names unknown request {exc}") from exc

    return record_progress


class GatewayService(
    health.HealthApi,
    auth.AuthApi,
    enterprise_accounts.EnterpriseAccountsApi,
    intake_api.IntakeApi,
    station.StationApi,
    ratings.RatingsApi,
    service_levels_api.ServiceLevelsApi,
    lab.LabApi,
    instruments.InstrumentApi,
    certification.CertificationApi,
    standards.StandardsApi,
    verify.VerifyApi,
    documents.DocumentsApi,
    attachments.AttachmentsApi,
    notifications_api.NotificationsApi,
    pages.Pages,
    console.Console,
    document_pages.DocumentPages,
    accounts.AccountsConsole,
    registration.RegistrationPages,
    workbench.Workbench,
    registers.Registers,
    signin.SignInPages,
    enterprise_pages.EnterprisePages,
    notification_pages.NotificationPages,
    dashboard.Dashboard,
    calendars.CalendarApi,
    docs.ApiDocs,
    monitoring.PrometheusMetrics,
):
    name = "gateway"

    db = MongoDatabase(on_ready=bootstrap.prepare)
    relay = OutboxRelay(bootstrap.COLLECTIONS)
    # Each worker's ports; the relay's confirmed events go into the event log, the read
    # model of service levels and the notifier's deliveries (a batch at a time, not
    # through a consumer).
    gateway = Composition(bootstrap.build, shared=bootstrap.process, on_confirmed=bootstrap.hand_on_confirmed)
    services = DomainServices()  # RPC to the four domain services, bounded by RPC_TIMEOUT
    metrology_rpc = ServiceRpcOnDemand("metrology")  # the clients ``services`` calls through
    standards_rpc = ServiceRpcOnDemand("standards")
    certification_rpc = ServiceRpcOnDemand("certification")
    testing_rpc = ServiceRpcOnDemand("testing")
    # Where the event log, the read model and the notifier took the gateway's events from
    # before the relay handed them on.
    retired = RetiredQueues({
        "evt-gateway-all--gateway.log_gateway_event": (
            "gateway", "#", lambda database, envelope: bootstrap.build(database).event_log.record(envelope)),
        "evt-gateway-all--gateway.project_service_levels": ("gateway", "#", _replayed_confirmed),
        "evt-gateway-all--gateway.notify_of_gateway_event": ("gateway", "#", _replayed_confirmed),
    })
    # the signed-in person (checked against their account), recorded by every service it calls
    acting = SignedInActor(accounts=lambda service: service.gateway.accounts)
    telemetry = Telemetry()
    secrets = RequiredSecrets("SECRET_KEY")  # signs tokens, links and form tokens

    # -- events -----------------------------------------------------------------------------
    @consume_event("gateway", "request_group_submitted")
    def create_group_children(self, envelope):
        """Finish a multi-item submission whose children were not all written (a crash
        right after the parent was stored); normally they all exist already."""
        try:
            intake.complete_group(self.gateway.requests, self.gateway.groups, envelope["request_code"],
                                  self.gateway.catalogue, self.gateway.files)
        except RequestNotFound as exc:
            raise PermanentFailure(f"event {envelope['event_id']} names unknown group") from exc

    # Each domain's events move its requests on; a consumer per domain, each with its queue
    # (named after the attribute: evt-metrology-all--gateway.on_metrology_event).
    on_metrology_event = _progress_from("metrology")
    on_standards_event = _progress_from("standards")
    on_certification_event = _progress_from("certification")
    on_testing_event = _progress_from("testing")

    @consume_event("standards", "standard_superseded")
    def tell_standard_followers(self, envelope):
        """The standards watch: each enterprise following the ended standard gets a notice."""
        enterprise.post_standard_notices(self.gateway.notices, envelope["event_id"], envelope["occurred_at"],
                                         read(StandardEnded, envelope))

    # -- the notifier (handlers/notifications.py): these only write deliveries ---------------
    # The enterprise, the station's staff and the domain's operators are told of a request's
    # steps by the gateway's own events, which the relay hands on with the event log
    # (bootstrap.hand_on_confirmed); the events of other services come through consumers.
    @consume_event("metrology", "calibration_due")
    def notify_of_recall(self, envelope):
        gateway = self.gateway
        notifications.record_recall(gateway.deliveries, gateway.notification_settings, gateway.accounts,
                                    gateway.requests, gateway.links, envelope, gateway.now())

    @consume_event("standards", "standard_superseded")
    def notify_standard_followers(self, envelope):
        gateway = self.gateway
        notifications.record_standard_ended(gateway.deliveries, gateway.notification_settings, gateway.accounts,
                                            gateway.links, envelope["event_id"], read(StandardEnded, envelope),
                                            gateway.now())

    @timer("NOTIFY_SEND_SECONDS")
    def send_notifications(self):
        """Send the deliveries whose time has come (claimed one at a time, so replicas
        share them); a failed send is tried again with back-off."""
        gateway = self.gateway
        notifications.send_due(gateway.deliveries, gateway.notification_settings, gateway.channels, gateway.clock,
                               int(setting("NOTIFY_MAX_ATTEMPTS")))

    # -- timers -----------------------------------------------------------------------------
    @timer("SLA_CHECK_SECONDS")
    def check_service_levels(self):
        """Flag requests whose due day has begun (at risk) or passed (breached), once per
        due date; candidates come from the read model, the request decides."""
        gateway = self.gateway
        service_levels.check_alerts(gateway.service_level_query, gateway.requests, gateway.catalogue,
                                    gateway.calendar.current(), gateway.now())

    @timer("SLA_CHECK_SECONDS")
    def roll_up_ended_months(self):
        """Once a month has ended, write its rollups of the read model: from then on
        queries read the month from one document per station × domain × item."""
        service_levels.roll_up_ended_months(self.gateway.service_levels)

    @timer("UPLOAD_CLEANUP_SECONDS")
    def remove_expired_uploads(self):
        """Delete the uploads no request took within UPLOAD_KEEP_SECONDS (24 h)."""
        files.remove_expired(self.gateway.files, self.gateway.requests, self.gateway.now())
