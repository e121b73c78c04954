"""Service requests in the gateway's own database (collection ``requests``)."""

from ...common.repository import AggregateRepository
from ..domain.account import Account
from ..domain.group import RequestGroup
from ..domain.model import ServiceRequest
from ..domain.request_code import new_code


class RequestRepository(AggregateRepository):
    aggregate = ServiceRequest
    key = "code"
    source = "gateway"

    def next_code(self, station, day):
        sequence = self.store.next_sequence(f"request-code:{station}:{day:%Y%m%d}")
        return str(new_code(station, day, sequence))


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
