"""Repositories for dataclass aggregates: a thin translation to documents and back.

An aggregate is a dataclass with a key field, a ``version`` and a ``new_events`` list
of :class:`~services.common.domain.DomainEvent`. Saving it writes its state and the
envelopes of its new events in one document write (see ``store.py``).

The errors a repository raises are defined here, not in the store, so that use cases
can handle them without importing anything that speaks to a database:

* :class:`NotFound` — ``get(key)`` found nothing (each service raises its own subclass);
* :class:`AlreadyExists` — ``add`` of a key that is taken;
* :class:`VersionConflict` — ``save`` of an aggregate someone else saved since it was read.

:func:`retry_on_conflict` is the one way a use case redoes a change after a conflict.
"""

import dataclasses
import functools
import logging
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from .applied_commands import (
    APPLIED_ATTRIBUTE,
    APPLIED_FIELD,
    note_written,
    refuse_if_applied,
    with_running_command,
)
from .clock import Clock, utc_now
from .envelope import envelopes_for

log = logging.getLogger(__name__)

A = TypeVar("A")
Document = dict[str, Any]  # an aggregate as the store keeps it
Query = dict[str, Any]  # a store query: for the named queries of repositories only
Sort = list[tuple[str, int]]


class NotFound(Exception):
    """No aggregate with this key."""


class AlreadyExists(Exception):
    """An aggregate with this key is stored already."""


class VersionConflict(Exception):
    """The document changed since it was read. ``current`` is the stored document."""

    def __init__(self, key: Any, current: Any = None) -> None:
        super().__init__(f"{key} was changed by someone else")
        self.key = key
        self.current = current


@functools.cache
def persisted_fields(aggregate: type) -> tuple[str, ...]:
    """The fields of an aggregate's class a document keeps (all but its new events): read
    once per class, not for each repository a worker is given."""
    return tuple(field.name for field in dataclasses.fields(aggregate) if field.name != "new_events")


class AggregateRepository:
    aggregate: Any = None  # the dataclass
    key: str = ""  # its field that is the document's _id (and the events' request_code)
    source: str = ""  # the service name events are published under
    not_found: type[NotFound] = NotFound  # what get() raises: the service's own NotFound
    indexes: tuple[Any, ...] = ()  # the named queries' keys, beside the store's own index

    def __init__(self, store: Any, clock: Clock = utc_now) -> None:
        self.store = store
        self.clock = clock  # the moment its events are written (their envelopes' occurred_at)
        self._persisted = persisted_fields(self.aggregate)

    def ensure_indexes(self) -> None:
        self.store.ensure_indexes(*self.indexes)

    def add(self, aggregate: Any) -> None:
        self._write(aggregate, self.store.insert)

    def get(self, key: Any) -> Any:
        """The aggregate with this key; the repository's ``not_found`` if there is none."""
        found = self.get_or_none(key)
        if found is None:
            raise self.not_found(key)
        return found

    def get_or_none(self, key: Any) -> Any:
        return self._from_document(self.store.load(key))

    def _find(self, query: Query | None = None, sort: Sort | None = None, limit: int = 0,
              skip: int = 0) -> list[Any]:
        """The aggregates whose documents match a query (a page of them, with ``skip``):
        for the named queries of subclasses only, so that no query syntax leaves ``adapters/``."""
        return [self._from_document(document) for document in self.store.find(query, sort, limit, skip)]

    def _count(self, query: Query | None = None) -> int:
        return int(self.store.count(query))

    def _from_document(self, document: Document | None) -> Any:
        if document is None:
            return None
        aggregate = self.aggregate(**{name: document[name] for name in self._persisted if name in document})
        applied = document.get(APPLIED_FIELD)
        if applied:  # the commands that wrote it (applied_commands.py), kept until it is written back
            refuse_if_applied(document["_id"], applied)
            setattr(aggregate, APPLIED_ATTRIBUTE, applied)
        return aggregate

    def save(self, aggregate: Any) -> None:
        self._write(aggregate, self.store.replace)

    def _write(self, aggregate: Any, write: Callable[[Document, list[dict[str, Any]]], int]) -> None:
        """Insert (``add``) or replace (``save``) the aggregate's document with the
        envelopes of its new events, in one write; the aggregate then has the stored version."""
        document = self.document_of(aggregate)
        aggregate.version = write(document, self._envelopes(aggregate))
        aggregate.new_events.clear()
        note_written(document["_id"])

    def document_of(self, aggregate: Any) -> Document:
        """The document an aggregate is stored as (without its outbox), with the key of
        the command being run, if any, among those that wrote it."""
        document = {name: getattr(aggregate, name) for name in self._persisted}
        document["_id"] = getattr(aggregate, self.key)
        applied = with_running_command(getattr(aggregate, APPLIED_ATTRIBUTE, None))
        if applied:
            document[APPLIED_FIELD] = applied
            setattr(aggregate, APPLIED_ATTRIBUTE, applied)
        return document

    def request_code_of(self, aggregate: Any) -> str | None:
        """The request the aggregate's events are about: its key, for jobs and requests.
        Aggregates that are not one request's (registries, documents) override this."""
        code: str | None = getattr(aggregate, self.key)
        return code

    def _envelopes(self, aggregate: Any) -> list[dict[str, Any]]:
        return envelopes_for(self.source, self.request_code_of(aggregate), aggregate.new_events, self.clock())


Item = TypeVar("Item")


class RegistryRepository(AggregateRepository, Generic[Item]):
    """A registry kept by id (instrument types, reference standards): its entries'
    events concern no request, and its screens list it whole, in id order."""

    key = "id"

    def request_code_of(self, entry: Item) -> None:
        return None

    def all_by_id(self) -> list[Item]:
        return self._find(sort=[("id", 1)])


def retry_on_conflict(
    repository: Any,
    key: Any,
    change: Callable[[A], bool],
    *,
    create: Callable[[], A] | None = None,
    attempts: int = 5,
) -> bool:
    """Load the aggregate ``key``, apply ``change(aggregate)`` and save it; if someone
    wrote it meanwhile, load it again and redo the change (a system step, unlike a
    person's, can simply be redone on what is there now).

    ``change`` returns False when there is nothing to do (nothing is written). With
    ``create``, a missing aggregate is made by it and added; without, it is the
    repository's NotFound. True if a change was written; VersionConflict if every
    attempt met another writer."""
    for _ in range(attempts):
        aggregate = repository.get_or_none(key)
        is_new = aggregate is None
        if is_new:
            if create is None:
                raise repository.not_found(key)
            aggregate = create()
        if not change(aggregate):
            return False
        try:
            if is_new:
                repository.add(aggregate)
            else:
                repository.save(aggregate)
            return True
        except (AlreadyExists, VersionConflict):
            log.debug("%s was written meanwhile; redoing the change", key)
    raise VersionConflict(key)
