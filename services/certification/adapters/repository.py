"""The certification database.

* ``certifications``: one document per RZ01/RZ02 request (keyed by request code), the
  application and, once granted, its certificate; found by certificate number too.
* ``verifications``: RZ03 verification requests and their answers.
"""

import dataclasses
from typing import Any

from ...common.repository import AggregateRepository
from ..domain.certificate import CURRENT
from ..domain.model import OPEN, Certification
from ..domain.verification import Verification
from ..exceptions import CertificationNotFound


class CertificationRepository(AggregateRepository):
    aggregate = Certification
    key = "request_code"
    source = "certification"
    not_found = CertificationNotFound
    # What the named queries below look by: one index each (a list of keys per index).
    indexes = (
        [("certificate_number", 1)],
        [("next_check_at", 1)],
        [("status", 1)],
        [("certificate_status", 1)],
    )

    def next_certificate_sequence(self, year: int) -> int:
        sequence: int = self.store.next_sequence(f"certificate:{year}")
        return sequence

    def by_certificate_number(self, number: str) -> Certification | None:
        found = self._find({"certificate_number": number}, limit=1)
        return found[0] if found else None

    def due_for_clock(self, epoch: float) -> list[Certification]:
        """Certifications the clock has something to say about at ``epoch``."""
        return self._find({"next_check_at": {"$lte": epoch}})

    def citing(self, number: str) -> list[Certification]:
        """Open applications and standing certificates that cite the standard ``number``."""
        candidates = self._find({"status": {"$in": list(OPEN)}}) + self._find(
            {"certificate_status": {"$in": list(CURRENT)}}
        )
        return [certification for certification in candidates if number in certification.standards]

    def document_of(self, aggregate: Any) -> dict[str, Any]:
        document = super().document_of(aggregate)
        if aggregate.certificate is not None:
            document["certificate"] = dataclasses.asdict(aggregate.certificate)
        return document


class VerificationRepository(AggregateRepository):
    aggregate = Verification
    key = "request_code"
    source = "certification"
