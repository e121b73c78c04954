"""Service levels (DESIGN §5) as use cases: keep the metrics read model, answer the
managers' questions from it, rebuild it from the event history.

Plain functions over the read model's repository and query (``adapters/metrics_store.py``)
and the gateway's event log; no nameko, no HTTP.
"""

import copy
import logging
import time
from datetime import date, timedelta

from ...common.clock import start_of_day_epoch
from ...common.mongo import insert_new
from ...common.repository import VersionConflict
from ..adapters.service_levels_store import (
    BUCKETS,
    CLOCKS,
    LONGEST,
    META,
    MONTHS,
    MetricsRepository,
    bucket_store,
    clock_store,
    meta_store,
    month_store,
)
from ..bootstrap import reference_data, working_calendar
from ..domain import service_levels as metrics
from ..domain import sla
from .calendar import CLOCK_CALENDAR_SECONDS, book_of

log = logging.getLogger(__name__)

DEFAULT_DAYS = 30
GROUPS = (*metrics.TIME_GRAINS, *metrics.DIMENSIONS)


def metrics_repository(database, buckets=None, clocks=None, calendar=None):
    """The read model's repository on the gateway's database, on its current working-day
    calendar (or, for unit tests, on the given bucket and clock stores and calendar,
    without month rollups)."""
    catalogue, _ = reference_data()
    if database is None:
        return MetricsRepository(buckets, clocks, lambda item: catalogue.item(item).committed_days,
                                 calendar or working_calendar())
    return MetricsRepository(bucket_store(database), clock_store(database),
                             lambda item: catalogue.item(item).committed_days,
                             book_of(database).current(max_age=CLOCK_CALENDAR_SECONDS),
                             months=month_store(database), meta=meta_store(database))


# -- the figures ------------------------------------------------------------------------------
def period(filters, today):
    """The first and last day asked for; the last 30 days by default."""
    last = filters.get("to") or today
    first = filters.get("from") or last - timedelta(days=DEFAULT_DAYS - 1)
    return first, last


def where(filters):
    """The station, domain and item filters as a query."""
    return {name: filters[name] for name in metrics.DIMENSIONS if filters.get(name)}


def report(query, filters, today):
    """Figures for a period by one grouping (or none): flows from the day buckets, and
    the backlog and requests overdue now from the open clocks (present tense, so they
    are given for the totals and per station, domain or item, not per day)."""
    first, last = period(filters, today)
    group_by = filters.get("group_by")
    by_group = query.period_sums(where(filters), first, last, group_by)
    totals = {}
    for sums in by_group.values():
        metrics.add_sums(totals, sums)
    by_dimension = group_by if group_by in metrics.DIMENSIONS else None
    present = query.open_counts(where(filters), by_dimension, start_of_day_epoch(today))
    present_totals = {"backlog": sum(counts["backlog"] for counts in present.values()),
                      "overdue_now": sum(counts["overdue_now"] for counts in present.values())}
    result = {
        "from": first.isoformat(), "to": last.isoformat(), "as_of": today.isoformat(), "group_by": group_by,
        "filters": where(filters), "totals": {**metrics.figures(totals), **present_totals}, "groups": [],
    }
    if group_by:
        for key in sorted(set(by_group) | (set(present) if by_dimension else set()), key=str):
            group = {"key": _key_text(group_by, key), **metrics.figures(by_group.get(key, {}))}
            if by_dimension:
                group.update(present.get(key, {"backlog": 0, "overdue_now": 0}))
            result["groups"].append(group)
    return result


def _key_text(group_by, key):
    if group_by == "day":
        return metrics.day_from_number(int(key)).isoformat()
    if group_by == "month":
        return f"{int(key) // 100:04d}-{int(key) % 100:02d}"
    return key


def overdue(query, filters, today, calendar=None, limit=500):
    """Open requests past their due day: (rows, how many in all). Each row: the request
    code, where it is, its item, due date (and whether a provisional year counts in it)
    and the working days it is late."""
    calendar = calendar or working_calendar()
    clocks, total = query.overdue(where(filters), start_of_day_epoch(today), limit)
    rows = []
    for clock in clocks:
        due = date.fromisoformat(clock["due_date"])
        rows.append({"code": clock["_id"], "station": clock["station"], "domain": clock["domain"],
                     "item": clock["item"], "due_date": clock["due_date"],
                     "due_date_provisional": sla.is_provisional(clock.get("accepted_at"), due, calendar),
                     "paused": bool(clock.get("paused")),
                     "working_days_late": calendar.working_days_between(due, today)})
    return rows, total


# -- the projection and its rebuild -------------------------------------------------------------
def project(repository, envelope):
    """Keep the read model up to date with one of the gateway's events."""
    return repository.fold(envelope)


def project_all(repository, envelopes):
    """The same for a batch of them (the relay's confirmed events): a few writes for the lot."""
    return repository.fold_all(envelopes)


def fold_in_memory(envelopes, repository):
    """Fold events into fresh documents held in memory, with the same fold as the live
    projection: ({bucket id: bucket}, {code: clock}). For a rebuild or a bulk load."""
    buckets, clocks = {}, {}
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


def write_fresh(collection, documents, batch=1000):
    """Insert folded documents into an emptied collection, as the store writes them."""
    rows = [{**document, "version": 1} for document in documents]
    for start in range(0, len(rows), batch):
        collection.insert_many(rows[start:start + batch], ordered=False)
    return len(rows)


def load_in_bulk(database, envelopes):
    """Fold events into an empty read model in memory and write it in bulk (the
    benchmark's loader: the live projection's fold without a round trip per event)."""
    repository = metrics_repository(database)
    buckets, clocks = fold_in_memory(envelopes, repository)
    for name in (BUCKETS, MONTHS, CLOCKS, META):
        database[name].delete_many({})
    write_fresh(database[BUCKETS], buckets.values())
    write_fresh(database[MONTHS], metrics.rollups(buckets.values()).values())
    write_fresh(database[CLOCKS], clocks.values())
    write_fresh(database[META], [_longest(buckets.values())])
    repository.mark_rolled_up(metrics.last_month_to_roll_up(repository.clock()))  # every rollup is written
    return buckets, clocks


def _longest(buckets):
    return {"_id": LONGEST, "value": max((bucket.get("turnaround_max", 0) for bucket in buckets), default=0)}


GATEWAY_EVENTS = {"source": "gateway",
                  "type": {"$in": sorted(set(metrics.CONTRIBUTIONS) | set(metrics.CLOCK_EVENTS))}}
WITHOUT_LOG_FIELDS = {"_id": 0, "logged_at": 0}


def rebuild(database, settle_seconds=2.0, batch=2000):
    """Throw the read model away and fold the gateway's whole event history again.

    While it runs the figures are incomplete. The live projection keeps folding new
    events meanwhile: a document it created during the rebuild keeps those events (read
    back from the log), and once the history is written the events logged during the
    rebuild are folded through the live path, so none is missed."""
    repository = metrics_repository(database)
    event_log = database.event_log
    for name in (BUCKETS, MONTHS, CLOCKS):
        database[name].delete_many({})
    seen = set()

    def history():
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


def key_of(document_id):
    """The key of a month rollup or day bucket from its id."""
    period, station, domain, item = document_id.split("|")
    grain = "month" if len(period) == 6 else "day"
    key = {grain: int(period), "station": station, "domain": domain, "item": item}
    if grain == "day":
        key["month"] = int(period) // 100
    return key


def _insert_new(collection, documents, batch):
    """Insert rebuilt documents; the keys of those the live projection created meanwhile."""
    return insert_new(collection, [{**document, "version": 1} for document in documents.values()], batch)


def _settle(store, rebuilt, fold, event_log, attempts=10):
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
