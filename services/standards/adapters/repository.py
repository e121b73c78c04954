"""The standards database.

* ``standards``: the catalogue, one document per standard keyed by its number;
* ``cases``: BZ requests, keyed by request code;
* ``follows``: which enterprise follows which standard (see ``follows.py``).
"""

from ...common.envelope import envelopes_for
from ...common.repository import AggregateRepository, AlreadyExists
from ..domain.catalogue import Standard
from ..domain.model import Case


class CaseRepository(AggregateRepository):
    aggregate = Case
    key = "request_code"
    source = "standards"


class StandardRepository(AggregateRepository):
    aggregate = Standard
    key = "number"
    source = "standards"

    def all(self):
        return [self._from_document(document) for document in self.store.find()]

    def add_if_absent(self, standard):
        """False if a standard with this number is already catalogued."""
        try:
            self.add(standard)
            return True
        except AlreadyExists:
            return False

    def _from_document(self, document):
        return self.aggregate(
            **{name: document[name] for name in self._persisted if name in document}
        )

    def _envelopes(self, aggregate):
        # A standard's events are about no one request: the gateway logs them and its
        # standards watch tells the followers they name.
        return envelopes_for(self.source, None, aggregate.new_events)
