"""Metrology's aggregates in the metrology database, one collection each."""

from ...common.issued import successor_number
from ...common.repository import AggregateRepository
from ..domain.certificates import Certificate
from ..domain.instrument_types import InstrumentType
from ..domain.instruments import Instrument
from ..domain.model import Job
from ..domain.reference_standards import ReferenceStandard


class JobRepository(AggregateRepository):
    """Jobs (collection ``jobs``), keyed by request code."""

    aggregate = Job
    key = "request_code"
    source = "metrology"


class CertificateRepository(AggregateRepository):
    """Issued documents (collection ``certificates``), keyed by number."""

    aggregate = Certificate
    key = "number"
    source = "metrology"

    def request_code_of(self, certificate):
        return certificate.request_code  # so the request's timeline shows it

    def next_sequence(self, year):
        return self.store.next_sequence(f"certificate:{year}")

    def successor(self, number):
        return self.get_or_none(successor_number(number))

    def latest_version(self, certificate):
        """The last of the corrections that followed ``certificate`` (itself if none)."""
        while (following := self.successor(certificate.number)) is not None:
            certificate = following
        return certificate

    def issued_since(self, epoch_seconds):
        return self.find({"issued_epoch": {"$gte": epoch_seconds}})


class InstrumentTypeRepository(AggregateRepository):
    aggregate = InstrumentType
    key = "id"
    source = "metrology"

    def request_code_of(self, instrument_type):
        return None


class ReferenceStandardRepository(AggregateRepository):
    aggregate = ReferenceStandard
    key = "id"
    source = "metrology"

    def request_code_of(self, standard):
        return None


class InstrumentRepository(AggregateRepository):
    """The instrument file (collection ``instruments``), keyed by credit code and serial."""

    aggregate = Instrument
    key = "key"
    source = "metrology"

    def request_code_of(self, instrument):
        # A reminder belongs on the timeline of the request that produced the certificate.
        return (instrument.current or {}).get("request_code")

    def of_enterprise(self, uscc):
        return self.find({"uscc": uscc}, sort=[("serial_number", 1)])

    def due_for_recall(self, epoch_seconds):
        return self.find({"recall_check_at": {"$lte": epoch_seconds}})
