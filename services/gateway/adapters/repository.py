"""The gateway's aggregates in its own database, one collection each, with the named
queries its use cases ask (no query syntax leaves this module)."""

from datetime import date
from typing import Any

from ...common.clock import Clock, utc_now
from ...common.repository import AggregateRepository
from ..domain.access import ENTERPRISE
from ..domain.account import Account
from ..domain.group import RequestGroup
from ..domain.model import ALL_STATUSES, CLOCK_OPEN, ServiceRequest
from ..domain.renewal import Renewal
from ..domain.request_code import new_code
from ..domain.request_search import RequestSearch
from ..exceptions import RequestNotFound

# Where a submission keeps the key it was sent with: unique, so of two submissions sent
# with one key at once only one is stored (the other finds it).
SUBMISSION_KEY = "submission_key.key"


class RequestRepository(AggregateRepository):
    """Service requests (collection ``requests``), keyed by request code. ``codes``, if
    given, draws the codes' sequence numbers a block at a time under a burst of
    submissions (services/common/sequences.py); without it, one at a time."""

    aggregate = ServiceRequest
    key = "code"
    source = "gateway"
    not_found = RequestNotFound

    def __init__(self, store: Any, codes: Any = None, clock: Clock = utc_now) -> None:
        super().__init__(store, clock)
        self.codes = codes

    def next_code(self, station: str, day: date) -> str:
        name = f"request-code:{station}:{day:%Y%m%d}"
        sequence = self.codes.draw(self.store, name) if self.codes else self.store.next_sequence(name)
        return str(new_code(station, day, sequence))

    def at_station(self, station: str | None, statuses: tuple[str, ...], item: str | None = None,
                   domain: str | None = None) -> list[ServiceRequest]:
        """A station's requests (every station's with None) in these statuses, oldest
        first, optionally of one item or domain."""
        query: dict[str, Any] = {"status": {"$in": list(statuses)}}
        if station:
            query["station"] = station
        if item:
            query["item"] = item
        if domain:
            query["domain"] = domain
        return self._find(query, sort=[("submitted_at", 1)])

    def count_by_status(self, station: str | None, domain: str | None = None) -> dict[str, int]:
        """How many of a station's requests (every station's with None), optionally of one
        domain, are in each status."""
        query: dict[str, Any] = {}
        if station:
            query["station"] = station
        if domain:
            query["domain"] = domain
        return {status: self._count({**query, "status": status}) for status in ALL_STATUSES}

    def of_enterprise(self, uscc: str, limit: int = 500) -> list[ServiceRequest]:
        """An enterprise's requests, newest first."""
        return self._find({"enterprise.uscc": uscc}, sort=[("submitted_at", -1)], limit=limit)

    def of_enterprise_matching(self, uscc: str, search: RequestSearch, offset: int = 0,
                               limit: int = 20) -> tuple[list[ServiceRequest], int]:
        """A page of an enterprise's requests that match ``search``, newest first, and how
        many match in all. The credit code's index narrows the scan to the enterprise's own
        requests (nx-27017 indexes no field inside a list, so a serial number is matched
        among them). ``submitted_at`` is kept as UTC ISO text, which MongoDB compares
        as text and nx-27017 as a moment: either way in time order."""
        query: dict[str, Any] = {"enterprise.uscc": uscc}
        if search.statuses:
            query["status"] = {"$in": list(search.statuses)}
        if search.item:
            query["item"] = search.item
        since, before = search.submitted_between()
        if since or before:
            query["submitted_at"] = {**({"$gte": since} if since else {}), **({"$lt": before} if before else {})}
        if search.code:
            query["$or"] = [{"_id": search.code}, {"parent": search.code}]
        if search.serial_number:
            query["details.instruments.serial_number"] = search.serial_number
        page = self._find(query, sort=[("submitted_at", -1), ("_id", -1)], limit=limit, skip=offset)
        return page, self._count(query)

    def with_rectification(self, state: str, station: str | None = None, limit: int = 200) -> list[ServiceRequest]:
        """Requests whose poor rating's rectification is in ``state``, newest rating first."""
        query: dict[str, Any] = {"rectification.state": state}
        if station:
            query["station"] = station
        return self._find(query, sort=[("rating.rated_at", -1)], limit=limit)

    def with_submission_key(self, key: str) -> ServiceRequest | None:
        """The request submitted under this (scoped) key, if any (``domain/idempotency.py``)."""
        found = self._find({SUBMISSION_KEY: key}, limit=1)
        return found[0] if found else None

    def ensure_submission_keys_unique(self) -> None:
        self.store.ensure_unique(SUBMISSION_KEY)

    def by_codes(self, codes: list[str]) -> dict[str, ServiceRequest]:
        """The requests with these codes, by code (those that exist)."""
        return {request.code: request for request in self._find({"_id": {"$in": list(codes)}})}

    def with_open_clock(self) -> list[ServiceRequest]:
        """The requests whose service-level clock runs or is paused after acceptance:
        those whose due date a change of the working-day calendar may move."""
        return [request for request in self._find({"status": {"$in": list(CLOCK_OPEN)}}) if request.accepted_at]


class RequestGroupRepository(AggregateRepository):
    """Multi-item submissions (collection ``request_groups``); codes share the request
    code sequence, so a code names either a request or a group, never both."""

    aggregate = RequestGroup
    key = "code"
    source = "gateway"
    not_found = RequestNotFound

    def with_submission_key(self, key: str) -> RequestGroup | None:
        """The group submitted under this (scoped) key, if any."""
        found = self._find({SUBMISSION_KEY: key}, limit=1)
        return found[0] if found else None

    def ensure_submission_keys_unique(self) -> None:
        self.store.ensure_unique(SUBMISSION_KEY)


class AccountRepository(AggregateRepository):
    """Sign-in accounts (collection ``accounts``), keyed by username."""

    aggregate = Account
    key = "username"
    source = "gateway"

    def all_by_username(self) -> list[Account]:
        return self._find(sort=[("_id", 1)])

    def enterprise_accounts(self, state: str, station: str | None = None, limit: int = 500) -> list[Account]:
        """Enterprise accounts in a state, registered at a station (or anywhere), oldest first."""
        query: dict[str, Any] = {"role": ENTERPRISE, "state": state}
        if station:
            query["registration.station"] = station
        return self._find(query, sort=[("created_at", 1)], limit=limit)


class RenewalRepository(AggregateRepository):
    """Renewal claims (collection ``renewals``), keyed by the certificate renewed."""

    aggregate = Renewal
    key = "certificate_number"
    source = "gateway"

    def request_code_of(self, renewal: Renewal) -> str | None:
        return renewal.request_code

    def of_enterprise(self, uscc: str) -> list[Renewal]:
        return self._find({"uscc": uscc})
