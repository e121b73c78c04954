"""Application aggregates in the certification database (collection ``applications``, keyed by request code)."""

from ...common.repository import AggregateRepository
from ..domain.model import Application


class ApplicationRepository(AggregateRepository):
    aggregate = Application
    key = "request_code"
    source = "certification"
