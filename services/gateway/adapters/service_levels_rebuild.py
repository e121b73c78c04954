"""Rebuilding the read model of service levels from the gateway's event log: a
maintenance job (``python -m services.gateway.cli.service_levels rebuild``) and the
benchmark's bulk loader. It speaks to the store directly, in bulk: the live projection
(``handlers/service_levels.py``) folds one event at a time through the repository.
"""

import copy
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ...common.envelope import Envelope
from ...common.mongo import insert_new
from ...common.repository import Document, VersionConflict
from ..domain import service_levels as metrics
from .service_levels_store import BUCKETS, CLOCKS, LONGEST, META, MONTHS, ServiceLevelRepository

log = logging.getLogger(__name__)


def fold_in_memory(envelopes: Iterable[Envelope],
                   repository: ServiceLevelRepository) -> tuple[dict[str, Document], dict[str, Document]]:
    """Fold events into fresh documents held in memory, with the same fold as the live
    projection: ({bucket id: bucket}, {code: clock}). For a rebuild or a bulk load."""
    buckets: dict[str, Document] = {}
    clocks: dict[str, Document] = {}
    for envelope in envelopes:
        counted = metrics.contribution(envelope)
        if counted is not None:
            key, counts = counted
            bucket = buckets.get(metrics.bucket_id(key)) or buckets.setdefault(
                metrics.bucket_id(key), metrics.new_bucket(key))
            metrics.fold_into_bucket(bucket, envelope["event_id"], counts)
        data = envelope["data"]
        if envelope["type"] in metrics.CLOCK_EVENTS and envelope.get("request_code") \
                and all(data.get(name) for name in metrics.DIMENSIONS):
            code = envelope["request_code"]
            clock = clocks.get(code) or clocks.setdefault(code, metrics.new_clock(code, data))
            repository.fold_clock(clock, envelope)
    return buckets, clocks


def write_fresh(collection: Any, documents: Iterable[Document], batch: int = 1000) -> int:
    """Insert folded documents into an emptied collection, as the store writes them."""
    rows = [{**document, "version": 1} for document in documents]
    for start in range(0, len(rows), batch):
        collection.insert_many(rows[start:start + batch], ordered=False)
    return len(rows)


def load_in_bulk(database: Any, repository: ServiceLevelRepository,
                 envelopes: list[Envelope]) -> tuple[dict[str, Document], dict[str, Document]]:
    """Fold events into an empty read model in memory and write it in bulk (the
    benchmark's loader: the live projection's fold without a round trip per event).
    ``repository``: the read model's repository on ``database``."""
    buckets, clocks = fold_in_memory(envelopes, repository)
    for name in (BUCKETS, MONTHS, CLOCKS, META):
        database[name].delete_many({})
    write_fresh(database[BUCKETS], buckets.values())
    write_fresh(database[MONTHS], metrics.rollups(buckets.values()).values())
    write_fresh(database[CLOCKS], clocks.values())
    write_fresh(database[META], [_longest(buckets.values())])
    repository.mark_rolled_up(metrics.last_month_to_roll_up(repository.clock()))  # every rollup is written
    return buckets, clocks


def _longest(buckets: Iterable[Document]) -> Document:
    return {"_id": LONGEST, "value": max((bucket.get("turnaround_max", 0) for bucket in buckets), default=0)}


GATEWAY_EVENTS = {"source": "gateway",
                  "type": {"$in": sorted(set(metrics.CONTRIBUTIONS) | set(metrics.CLOCK_EVENTS))}}
WITHOUT_LOG_FIELDS = {"_id": 0, "logged_at": 0}


def rebuild(database: Any, repository: ServiceLevelRepository, settle_seconds: float = 2.0,
            batch: int = 2000) -> dict[str, int]:
    """Throw the read model away and fold the gateway's whole event history again
    (``repository``: the read model's repository on ``database``).

    While it runs the figures are incomplete. The live projection keeps folding new
    events meanwhile: a document it created during the rebuild keeps those events (read
    back from the log), and once the history is written the events logged during the
    rebuild are folded through the live path, so none is missed."""
    event_log = database.event_log
    for name in (BUCKETS, MONTHS, CLOCKS):
        database[name].delete_many({})
    seen = set()

    def history() -> Iterator[Envelope]:
        for envelope in event_log.find(GATEWAY_EVENTS, WITHOUT_LOG_FIELDS):
            seen.add(envelope["event_id"])
            yield envelope

    buckets, clocks = fold_in_memory(history(), repository)
    touched = []  # day buckets the live projection wrote meanwhile: their months are recomputed
    for key in _insert_new(database[BUCKETS], buckets, batch):
        _settle(repository.buckets, buckets[key], metrics.fold_event_into_bucket, event_log)
        touched.append(metrics.month_id(key_of(key)))
    for key in _insert_new(database[CLOCKS], clocks, batch):
        _settle(repository.clocks, clocks[key], repository.fold_clock, event_log)
    repository.raise_longest(_longest(buckets.values())["value"])
    touched += _insert_new(database[MONTHS], metrics.rollups(buckets.values()), batch)
    for month in set(touched):
        repository.refresh_month(key_of(month))
    repository.mark_rolled_up(metrics.last_month_to_roll_up(repository.clock()))  # every rollup is written
    # The live projection may fold an event a moment before the relay logs it: let the log catch up.
    time.sleep(settle_seconds)
    late = [envelope for envelope in event_log.find(GATEWAY_EVENTS, WITHOUT_LOG_FIELDS)
            if envelope["event_id"] not in seen]
    for envelope in late:
        repository.fold(envelope)
    counts = {"events": len(seen) + len(late), "buckets": len(buckets), "clocks": len(clocks)}
    log.info("metrics rebuilt: %s", counts)
    return counts


def key_of(document_id: str) -> dict[str, Any]:
    """The key of a month rollup or day bucket from its id."""
    period, station, domain, item = document_id.split("|")
    grain = "month" if len(period) == 6 else "day"
    key = {grain: int(period), "station": station, "domain": domain, "item": item}
    if grain == "day":
        key["month"] = int(period) // 100
    return key


def _insert_new(collection: Any, documents: dict[str, Document], batch: int) -> list[Any]:
    """Insert rebuilt documents; the keys of those the live projection created meanwhile."""
    return insert_new(collection, [{**document, "version": 1} for document in documents.values()], batch)


def _settle(store: Any, rebuilt: Document, fold: Callable[[Document, Envelope], Any], event_log: Any,
            attempts: int = 10) -> None:
    """Replace a document the live projection wrote during the rebuild with the rebuilt
    one plus the events only the live one had."""
    for _ in range(attempts):
        stored = store.load(rebuilt["_id"])
        merged = copy.deepcopy(rebuilt)
        extra = [event_id for event_id in stored["events"] if event_id not in merged["events"]]
        for envelope in event_log.find({"_id": {"$in": extra}}, WITHOUT_LOG_FIELDS):
            fold(merged, envelope)
        merged["version"] = stored["version"]
        try:
            store.replace(merged)
            return
        except VersionConflict:
            continue
    raise VersionConflict(rebuilt["_id"])
