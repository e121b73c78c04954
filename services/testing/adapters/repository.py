"""TestJob aggregates in the testing database (collection ``jobs``, keyed by request code)."""

from ...common.repository import AggregateRepository
from ..domain.model import TestJob


class TestJobRepository(AggregateRepository):
    aggregate = TestJob
    key = "request_code"
    source = "testing"
