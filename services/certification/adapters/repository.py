"""The certification database.

* ``certifications``: one document per RZ01/RZ02 request (keyed by request code), the
  application and, once granted, its certificate; found by certificate number too.
* ``verifications``: RZ03 verification requests and their answers.
"""

import dataclasses

from ...common.repository import AggregateRepository
from ..domain.certificate import CURRENT
from ..domain.model import OPEN, Certification
from ..domain.verification import Verification

# One index each (a list of keys per index).
INDEXES = [
    [("certificate_number", 1)],
    [("next_check_at", 1)],
    [("status", 1)],
    [("certificate_status", 1)],
]


class CertificationRepository(AggregateRepository):
    aggregate = Certification
    key = "request_code"
    source = "certification"

    def next_certificate_sequence(self, year):
        return self.store.next_sequence(f"certificate:{year}")

    def by_certificate_number(self, number):
        found = self._find({"certificate_number": number}, limit=1)
        return found[0] if found else None

    def due_for_clock(self, epoch):
        """Certifications the clock has something to say about at ``epoch``."""
        return self._find({"next_check_at": {"$lte": epoch}})

    def citing(self, number):
        """Open applications and standing certificates that cite the standard ``number``."""
        candidates = self._find({"status": {"$in": list(OPEN)}}) + self._find(
            {"certificate_status": {"$in": list(CURRENT)}}
        )
        return [certification for certification in candidates if number in certification.standards]

    def document_of(self, aggregate):
        document = super().document_of(aggregate)
        if aggregate.certificate is not None:
            document["certificate"] = dataclasses.asdict(aggregate.certificate)
        return document

    def _find(self, query, limit=0):
        return [
            self.aggregate(**{name: document[name] for name in self._persisted if name in document})
            for document in self.store.find(query, limit=limit)
        ]


class VerificationRepository(AggregateRepository):
    aggregate = Verification
    key = "request_code"
    source = "certification"
