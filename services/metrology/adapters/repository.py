"""Metrology's aggregates in the metrology database, one collection each.

Each repository's ``get`` raises metrology's own NotFound for its aggregate; the named
queries below are the only questions the use cases ask of a collection.
"""

from ...common.issued_documents import IssuedDocumentRepository
from ...common.repository import AggregateRepository, RegistryRepository
from ..domain.certificates import Certificate
from ..domain.instrument_types import InstrumentType
from ..domain.instruments import Instrument
from ..domain.model import Job
from ..domain.reference_standards import ReferenceStandard
from ..domain.standard_certificates import StandardCertificate
from ..exceptions import (
    CertificateNotFound,
    InstrumentNotFound,
    InstrumentTypeNotFound,
    JobNotFound,
    ReferenceStandardNotFound,
)


class JobRepository(AggregateRepository):
    """Jobs (collection ``jobs``), keyed by request code."""

    aggregate = Job
    key = "request_code"
    source = "metrology"
    not_found = JobNotFound


class CertificateRepository(IssuedDocumentRepository[Certificate]):
    """Issued documents (collection ``certificates``), keyed by number."""

    aggregate = Certificate
    source = "metrology"
    sequence = "certificate"
    not_found = CertificateNotFound
    indexes = ([("issued_epoch", 1)],)

    def issued_since(self, epoch_seconds: float) -> list[Certificate]:
        return self._find({"issued_epoch": {"$gte": epoch_seconds}})


class StandardCertificateRepository(IssuedDocumentRepository[StandardCertificate]):
    """计量标准考核证书 (collection ``standard_certificates``), keyed by number (SQBK-…)."""

    aggregate = StandardCertificate
    source = "metrology"
    sequence = "standard_certificate"
    not_found = CertificateNotFound


class InstrumentTypeRepository(RegistryRepository[InstrumentType]):
    aggregate = InstrumentType
    source = "metrology"
    not_found = InstrumentTypeNotFound


class ReferenceStandardRepository(RegistryRepository[ReferenceStandard]):
    aggregate = ReferenceStandard
    source = "metrology"
    not_found = ReferenceStandardNotFound


class InstrumentRepository(AggregateRepository):
    """The instrument file (collection ``instruments``), keyed by credit code and serial."""

    aggregate = Instrument
    key = "key"
    source = "metrology"
    not_found = InstrumentNotFound
    indexes = ([("uscc", 1)], [("recall_check_at", 1)])

    def request_code_of(self, instrument: Instrument) -> str | None:
        # A reminder belongs on the timeline of the request that produced the certificate.
        code: str | None = (instrument.current or {}).get("request_code")
        return code

    def of_enterprise(self, uscc: str) -> list[Instrument]:
        return self._find({"uscc": uscc}, sort=[("serial_number", 1)])

    def due_for_recall(self, epoch_seconds: float) -> list[Instrument]:
        return self._find({"recall_check_at": {"$lte": epoch_seconds}})
