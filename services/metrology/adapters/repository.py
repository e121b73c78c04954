"""Metrology jobs in the metrology database (collection ``jobs``, keyed by request code)."""

from ...common.repository import AggregateRepository
from ..domain.model import Job


class JobRepository(AggregateRepository):
    aggregate = Job
    key = "request_code"
    source = "metrology"

    def next_certificate_sequence(self, year):
        return self.store.next_sequence(f"certificate:{year}")
