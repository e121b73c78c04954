"""The gateway's composition root: what each worker's use cases are given, built once.

Reference data (the service catalogue, the stations, the shipped holiday schedules) is
read from ``data/`` once per process. Each gateway process keeps one
:class:`GatewayProcess`: the working-day calendar book (stored schedules read again
every little while, so a schedule an admin loads reaches every replica without a
restart) and the request-code blocks drawn under a burst. Each worker gets a
:class:`Gateway`: its repositories over one store per collection (each store keeps the
outbox it loaded for the write that follows, and hands its writes to the relay of this
process), the read model of service levels, the throttle, the reference data, the
calendar and the clock.

``python -m services.gateway.cli.*`` and the tests build the same ports with
:func:`build`; the nameko service gets them through ``Composition(build, process)``.
Nothing else in the gateway reads the data files, the clock or the store's wiring.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from pymongo.errors import PyMongoError

from ..common import metrics
from ..common.clock import utc_now
from ..common.composition import shipped_data
from ..common.config import setting
from ..common.repository import VersionConflict
from ..common.sequences import SequenceBlocks
from ..common.store import MongoDocumentStore
from .adapters.calendars import CalendarRepository
from .adapters.channels import AliyunSms, Channel, SmtpMailer, Unconfigured
from .adapters.counters import MongoCounters
from .adapters.event_log import EventLog
from .adapters.files import GridFsFiles
from .adapters.identities import VerifiedEnterpriseDirectory
from .adapters.notices import NoticeBoard
from .adapters.notifications import MongoDeliveries, MongoNotificationSettings
from .adapters.passwords import PASSWORDS, Passwords
from .adapters.phone_migration import normalise_stored_phones
from .adapters.replays import MongoReplays
from .adapters.repository import (
    AccountRepository,
    RenewalRepository,
    RequestGroupRepository,
    RequestRepository,
)
from .adapters.service_levels_store import ServiceLevelQuery, ServiceLevelRepository, create_indexes
from .adapters.sessions import MongoSessions
from .adapters.statutory_holidays import provisional_year
from .domain.calendar import WorkingCalendar, YearSchedule, schedules_from_file
from .domain.catalogue import Catalogue, Stations
from .exceptions import LOOKUP_MISSES
from .handlers.calendar import CalendarBook
from .handlers.files import UploadLimits
from .handlers.intake_limits import IntakeLimits
from .handlers.notifications import Links, Told, record_in_chunks
from .handlers.service_levels import keep_confirmed
from .handlers.throttling import Throttle

# The collections whose documents carry events: the outbox relay publishes them.
COLLECTIONS = ("requests", "request_groups")
# A due date kept in the read model's clocks is derived on a calendar at most this old:
# a view computes its due date on every read, a clock keeps it until the request's next event.
CLOCK_CALENDAR_SECONDS = 1.0
SHIPPED_CALENDAR = "builtin"
# Files one upload call may carry (each within UPLOAD_MAX_BYTES).
FILES_PER_UPLOAD = 5


# -- reference data -------------------------------------------------------------------------
def _load(name: str) -> Any:
    return shipped_data("services.gateway", name)


@cache
def reference_data() -> tuple[Catalogue, Stations]:
    """The service catalogue and the stations (data, not code), read once."""
    return Catalogue(_load("catalogue.json")), Stations(_load("stations.json"))


def holiday_schedule(source: str) -> Any:
    if source == SHIPPED_CALENDAR:
        return _load("cn-public-holidays.json")
    return json.loads(Path(source).read_text(encoding="utf-8"))


@cache
def builtin_schedules() -> tuple[YearSchedule, ...]:
    """The official year schedules that come with the release (or WORKING_CALENDAR's file)."""
    return tuple(schedules_from_file(holiday_schedule(setting("WORKING_CALENDAR"))))


@cache
def shipped_calendar() -> WorkingCalendar:
    """The built-in official years and provisional ones for the rest, without any schedule
    loaded into a database: for tests, benchmarks and scripts that have no store."""
    return WorkingCalendar(builtin_schedules(), provisional_year)


# -- the ports ------------------------------------------------------------------------------
@dataclass(frozen=True)
class GatewayProcess:
    """What the workers of one gateway process share."""

    calendar: CalendarBook
    codes: SequenceBlocks
    identities: VerifiedEnterpriseDirectory  # which credit codes have a verified account
    intake_limits: IntakeLimits  # per process, in memory (handlers/intake_limits.py)
    channels: dict[str, Channel]  # the notifier's senders, with their connections


@dataclass(frozen=True)
class Gateway:
    """The ports of one worker: everything the gateway's use cases take."""

    requests: RequestRepository
    groups: RequestGroupRepository
    renewals: RenewalRepository
    accounts: AccountRepository
    identities: VerifiedEnterpriseDirectory
    sessions: MongoSessions
    notices: NoticeBoard
    event_log: EventLog
    service_levels: ServiceLevelRepository
    service_level_query: ServiceLevelQuery
    throttle: Throttle
    intake_limits: IntakeLimits
    replays: MongoReplays
    passwords: Passwords
    calendar: CalendarBook
    catalogue: Catalogue
    stations: Stations
    files: GridFsFiles
    uploads: UploadLimits
    # the notifier: delivery records, the enterprises' settings, the channels that send
    deliveries: MongoDeliveries
    notification_settings: MongoNotificationSettings
    channels: dict[str, Channel]
    links: Links  # where a message's link leads (PUBLIC_BASE_URL)
    clock: Callable[[], datetime]

    def now(self) -> datetime:
        return self.clock()


def upload_limits() -> UploadLimits:
    """How large a file may be, how many one call may carry, how long an unused one stays."""
    return UploadLimits(max_bytes=int(setting("UPLOAD_MAX_BYTES")), max_files=FILES_PER_UPLOAD,
                        keep_unattached=timedelta(seconds=float(setting("UPLOAD_KEEP_SECONDS"))))


def process(database: Any) -> GatewayProcess:
    """What a gateway process shares, made when it starts."""
    calendars = CalendarRepository(MongoDocumentStore(database.calendars, database.counters))
    limits = IntakeLimits(float(setting("INTAKE_RATE_PER_MINUTE")), float(setting("INTAKE_RATE_PER_MINUTE_SIGNED_IN")))
    return GatewayProcess(CalendarBook(calendars, builtin_schedules()), SequenceBlocks(),
                          VerifiedEnterpriseDirectory(database), limits, notification_channels())


def build(database: Any, relay: Any = None, shared: GatewayProcess | None = None,
          clock: Callable[[], datetime] = utc_now) -> Gateway:
    """A worker's ports on the gateway's database. ``shared`` is its process's; without
    one (a command, a test), a process of its own."""
    shared = shared or process(database)
    catalogue, stations = reference_data()

    def store(name: str) -> MongoDocumentStore:
        return MongoDocumentStore(database[name], database.counters, relay)

    return Gateway(
        requests=RequestRepository(store("requests"), codes=shared.codes, clock=clock),
        groups=RequestGroupRepository(store("request_groups"), clock=clock),
        renewals=RenewalRepository(store("renewals"), clock=clock),
        accounts=AccountRepository(store("accounts"), clock=clock),
        identities=shared.identities,
        sessions=MongoSessions(database.sessions),
        notices=NoticeBoard(store("notices")),
        event_log=EventLog(database.event_log, clock),
        service_levels=service_level_repository(database, shared.calendar, catalogue, clock),
        service_level_query=ServiceLevelQuery(database),
        throttle=Throttle(MongoCounters(database.throttle), failures=LOOKUP_MISSES),
        intake_limits=shared.intake_limits,
        replays=MongoReplays(database.replayed_answers),
        passwords=PASSWORDS,
        calendar=shared.calendar,
        catalogue=catalogue,
        stations=stations,
        files=GridFsFiles(database),
        uploads=upload_limits(),
        deliveries=MongoDeliveries(database.notifications),
        notification_settings=MongoNotificationSettings(database.notification_settings),
        channels=shared.channels,
        links=Links(setting("PUBLIC_BASE_URL").rstrip("/")),
        clock=clock,
    )


def notification_channels() -> dict[str, Channel]:
    """SMS (Alibaba Cloud SMS) and e-mail (SMTP) as the settings configure them; one
    left unset fails its sends, which staff then see as failed deliveries."""
    sms: Channel = Unconfigured("SMS (SMS_ACCESS_KEY_ID)")
    if setting("SMS_ACCESS_KEY_ID"):
        sms = AliyunSms(setting("SMS_ENDPOINT"), setting("SMS_ACCESS_KEY_ID"), setting("SMS_ACCESS_KEY_SECRET"),
                        setting("SMS_SIGN_NAME"), setting("SMS_TEMPLATE_CODE"), clock=utc_now)
    email: Channel = Unconfigured("e-mail (SMTP_HOST)")
    if setting("SMTP_HOST"):
        email = SmtpMailer(setting("SMTP_HOST"), int(setting("SMTP_PORT")), setting("SMTP_FROM"),
                           setting("SMTP_USERNAME"), setting("SMTP_PASSWORD"),
                           starttls=setting("SMTP_STARTTLS") not in ("", "0", "false", "no"),
                           ca_file=setting("SMTP_CA_FILE"))
    return {"sms": sms, "email": email}


def service_level_repository(database: Any, calendar: CalendarBook, catalogue: Catalogue,
                             clock: Callable[[], datetime] = utc_now) -> ServiceLevelRepository:
    """The read model of service levels, folding on a calendar at most a second old."""
    def store(name: str) -> MongoDocumentStore:
        return MongoDocumentStore(database[name], database.counters)

    return ServiceLevelRepository.on(store, catalogue.committed_days,
                                     calendar.current(max_age=CLOCK_CALENDAR_SECONDS), clock)


def prepare(database: Any) -> None:
    """The gateway database's indexes, made once when a process starts."""
    def store(name: str) -> MongoDocumentStore:
        return MongoDocumentStore(database[name], database.counters)

    store("requests").ensure_indexes([("station", 1), ("status", 1)], [("enterprise.uscc", 1)],
                                     [("rectification.state", 1)])
    store("request_groups").ensure_indexes()
    RequestRepository(store("requests")).ensure_submission_keys_unique()
    RequestGroupRepository(store("request_groups")).ensure_submission_keys_unique()
    MongoReplays(database.replayed_answers).ensure_indexes()
    store("renewals").ensure_indexes([("uscc", 1)])
    store("accounts").ensure_indexes([("state", 1)])  # the stations' lists of accounts to verify
    EventLog(database.event_log, utc_now).ensure_indexes()
    NoticeBoard(store("notices")).ensure_indexes()
    create_indexes(database)
    MongoCounters(database.throttle).ensure_indexes()
    MongoSessions(database.sessions).ensure_indexes()
    GridFsFiles(database).ensure_indexes()
    MongoDeliveries(database.notifications).ensure_indexes()
    normalise_stored_phones(database)  # once: phones kept as typed before issue 29


# -- the relay's confirmed events -----------------------------------------------------------
# A failure of the store (or of too many concurrent writers): the same batch, published
# again, will go through.
STORE_FAILURES = (PyMongoError, VersionConflict)


def hand_on_confirmed(gateway: Gateway, envelopes: list[dict[str, Any]]) -> None:
    """The relay's confirmed batch of the gateway's own events, into the event log and the
    read model of service levels (``handlers/service_levels.keep_confirmed``), and the
    deliveries they call for (:func:`tell_of_gateway_events`)."""
    failed = keep_confirmed(gateway.event_log, gateway.service_levels, envelopes, STORE_FAILURES)
    not_told = tell_of_gateway_events(gateway, envelopes).not_planned
    for envelope in envelopes:
        metrics.event_consumed("project_service_levels", envelope["type"],
                               "failed" if envelope in failed else "handled")
        metrics.event_consumed("notify_of_gateway_event", envelope["type"],
                               "failed" if envelope in not_told else "handled")


def tell_of_gateway_events(gateway: Gateway, envelopes: Iterable[dict[str, Any]]) -> Told:
    """The deliveries the gateway's events call for, written once each
    (``handlers/notifications.record_in_chunks``): the relay's confirmed batch, or the
    event log read again (``cli/notifications.py``)."""
    return record_in_chunks(gateway.deliveries, gateway.notification_settings, gateway.accounts, gateway.requests,
                            gateway.catalogue, gateway.calendar.current(), gateway.links, envelopes, gateway.now(),
                            STORE_FAILURES)
