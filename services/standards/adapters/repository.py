"""Case aggregates in the standards database (collection ``cases``, keyed by request code)."""

from ...common.repository import AggregateRepository
from ..domain.model import Case


class CaseRepository(AggregateRepository):
    aggregate = Case
    key = "request_code"
    source = "standards"
