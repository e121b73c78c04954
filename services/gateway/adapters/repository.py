"""Service requests in the gateway's own database (collection ``requests``)."""

from ...common.repository import AggregateRepository
from ..domain.account import Account
from ..domain.group import RequestGroup
from ..domain.model import CLOCK_OPEN, ServiceRequest
from ..domain.request_code import new_code


class RequestRepository(AggregateRepository):
    """``codes``, if given, draws the codes' sequence numbers a block at a time under a
    burst of submissions (services/common/sequences.py); without it, one at a time."""

    aggregate = ServiceRequest
    key = "code"
    source = "gateway"

    def __init__(self, store, codes=None):
        super().__init__(store)
        self.codes = codes

    def next_code(self, station, day):
        name = f"request-code:{station}:{day:%Y%m%d}"
        sequence = self.codes.draw(self.store, name) if self.codes else self.store.next_sequence(name)
        return str(new_code(station, day, sequence))

    def with_open_clock(self):
        """The requests whose service-level clock runs or is paused after acceptance:
        those whose due date a change of the working-day calendar may move."""
        return [request for request in self.find({"status": {"$in": list(CLOCK_OPEN)}}) if request.accepted_at]


class RequestGroupRepository(AggregateRepository):
    """Multi-item submissions (collection ``request_groups``); codes share the request
    code sequence, so a code names either a request or a group, never both."""

    aggregate = RequestGroup
    key = "code"
    source = "gateway"


class AccountRepository(AggregateRepository):
    """Sign-in accounts (collection ``accounts``), keyed by username."""

    aggregate = Account
    key = "username"
    source = "gateway"
