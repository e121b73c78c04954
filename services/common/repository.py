"""Repositories for dataclass aggregates: a thin translation to documents and back.

An aggregate is a dataclass with a key field, a ``version`` and a ``new_events`` list
of :class:`~services.common.domain.DomainEvent`. Saving it writes its state and the
envelopes of its new events in one document write (see ``store.py``).
"""

import dataclasses

from .envelope import envelopes_for


class AggregateRepository:
    aggregate = None  # the dataclass
    key = None  # its field that is the document's _id (and the events' request_code)
    source = None  # the service name events are published under

    def __init__(self, store):
        self.store = store
        self._persisted = [
            field.name for field in dataclasses.fields(self.aggregate) if field.name != "new_events"
        ]

    def add(self, aggregate):
        aggregate.version = self.store.insert(self.document_of(aggregate), self._envelopes(aggregate))
        aggregate.new_events.clear()

    def get(self, key):
        return self._from_document(self.store.load(key))

    def find(self, query=None, sort=None, limit=0):
        """The aggregates whose documents match a MongoDB query (equality and ranges)."""
        return [self._from_document(document) for document in self.store.find(query, sort, limit)]

    def _from_document(self, document):
        if document is None:
            return None
        return self.aggregate(**{name: document[name] for name in self._persisted if name in document})

    def save(self, aggregate):
        aggregate.version = self.store.replace(self.document_of(aggregate), self._envelopes(aggregate))
        aggregate.new_events.clear()

    def document_of(self, aggregate):
        """The document an aggregate is stored as (without its outbox)."""
        document = {name: getattr(aggregate, name) for name in self._persisted}
        document["_id"] = getattr(aggregate, self.key)
        return document

    def request_code_of(self, aggregate):
        """The request the aggregate's events are about: its key, for jobs and requests.
        Aggregates that are not one request's (registries, documents) override this."""
        return getattr(aggregate, self.key)

    def _envelopes(self, aggregate):
        return envelopes_for(self.source, self.request_code_of(aggregate), aggregate.new_events)
