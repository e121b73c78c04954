"""The standards database.

* ``standards``: the catalogue, one document per standard keyed by its number;
* ``cases``: BZ requests, keyed by request code;
* ``follows``: which enterprise follows which standard (see ``follows.py``).
"""

from typing import Any

from ...common.envelope import envelopes_for
from ...common.repository import AggregateRepository, AlreadyExists
from ..domain.catalogue import Standard
from ..domain.model import Case
from ..exceptions import CaseNotFound, StandardNotFound


class CaseRepository(AggregateRepository):
    aggregate = Case
    key = "request_code"
    source = "standards"
    not_found = CaseNotFound


class StandardRepository(AggregateRepository):
    aggregate = Standard
    key = "number"
    source = "standards"
    not_found = StandardNotFound

    def all(self) -> list[Standard]:
        """The whole catalogue (a few thousand standards: search ranks them in memory)."""
        return self._find()

    def add_if_absent(self, standard: Standard) -> bool:
        """False if a standard with this number is already catalogued."""
        try:
            self.add(standard)
            return True
        except AlreadyExists:
            return False

    def _envelopes(self, aggregate: Any) -> list[dict[str, Any]]:
        # A standard's events are about no one request: the gateway logs them and its
        # standards watch tells the followers they name.
        return envelopes_for(self.source, None, aggregate.new_events, self.clock())
