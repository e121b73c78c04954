"""Where the read model of service levels lives, in the gateway's database: day buckets
(``metrics_days``), month rollups (``metrics_months``), request clocks (``sla_clocks``) and
the longest turnaround seen and the last month rolled up (``metrics_meta``, so a query
knows its histogram's width and which months it may read from rollups).

:class:`ServiceLevelRepository` folds events into documents through the document-store
contract (a day bucket by one conditional increment per event; clocks, rollups and meta
as whole documents with optimistic concurrency on ``version``), so it runs on the
in-memory store in unit tests. :class:`ServiceLevelQuery` sums documents on the server with
one ``$group`` per source (nx-27017 runs a ``$group`` on a single field in SQLite; it
does not group on compound keys, so a query groups by at most one dimension).
"""

import logging
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import partial
from typing import Any

from ...common.clock import china_date
from ...common.envelope import Envelope
from ...common.repository import AlreadyExists, Document, VersionConflict
from ...common.store import MongoDocumentStore
from ..domain import service_levels as metrics
from ..domain.calendar import WorkingCalendar

log = logging.getLogger(__name__)

BUCKETS = "metrics_days"
MONTHS = "metrics_months"
CLOCKS = "sla_clocks"
META = "metrics_meta"
LONGEST = "turnaround_max"
ROLLED_UP = "months_rolled_up"  # the latest month whose rollups are written: queries read them
# Fields of the read model's documents that are never read back by a query.
BOOKKEEPING = {"events": 0, "outbox": 0, "pause_marks": 0}


def create_indexes(database: Any) -> None:
    # One index each, on what every query narrows by: nx-27017 takes the first index a
    # query can use, and a station or item index would make it scan a whole year.
    MongoDocumentStore(database[BUCKETS], database.counters).ensure_indexes([("day", 1)])
    MongoDocumentStore(database[MONTHS], database.counters).ensure_indexes([("month", 1)])
    MongoDocumentStore(database[CLOCKS], database.counters).ensure_indexes([("open", 1), ("due_epoch", 1)])


class ServiceLevelRepository:
    """Folds events into the read model's documents, one document write each. Built on
    document stores (in memory in unit tests, without month rollups)."""

    def __init__(self, buckets: Any, clocks: Any, committed_days_of: Callable[[str], int], calendar: WorkingCalendar,
                 clock: Callable[[], datetime], months: Any = None, meta: Any = None) -> None:
        self.buckets = buckets
        self.clocks = clocks
        self.months = months
        self.meta = meta
        self.committed_days_of = committed_days_of  # item code -> committed working days
        self.calendar = calendar
        self.clock = clock

    @classmethod
    def on(cls, store: Callable[[str], Any], committed_days_of: Callable[[str], int], calendar: WorkingCalendar,
           clock: Callable[[], datetime]) -> "ServiceLevelRepository":
        """On the gateway's database: ``store(name)`` makes the document store of a collection."""
        return cls(store(BUCKETS), store(CLOCKS), committed_days_of, calendar, clock, months=store(MONTHS),
                   meta=store(META))

    def fold(self, envelope: Envelope) -> bool:
        """Fold one event (see :meth:`fold_all`); True if anything changed."""
        return self.fold_all([envelope])[0]

    def fold_all(self, envelopes: list[Envelope]) -> list[bool]:
        """Fold events into their day buckets and request clocks, and into their month
        rollups if those months have ended (the rollups of a month still running are
        written once, when it ends: :meth:`roll_up_ended_months`). One outcome per event:
        True if it changed anything (False for one seen before or not counted).

        Events that arrived together share writes: one increment per day bucket, one
        insert for the clocks they open. Day buckets are written before the month is
        looked at, and the month rollup is recomputed and the longest turnaround raised
        even for events seen before: a redelivery after a crash between the writes
        finishes the job."""
        changed = [False] * len(envelopes)
        by_bucket: dict[str, list[Any]] = {}
        for index, envelope in enumerate(envelopes):
            contributed = metrics.contribution(envelope)
            if contributed is not None:
                by_bucket.setdefault(metrics.bucket_id(contributed[0]), []).append(
                    (index, *contributed, envelope["event_id"]))
        for bucket_id, counted in by_bucket.items():
            for index in self._count(bucket_id, counted):
                changed[index] = True
            key = counted[0][1]
            if metrics.month_has_ended(key["month"], china_date(self.clock())):
                self.refresh_month(key)  # a late event: its month may be rolled up already
        turnarounds = [metrics.turnaround_of(counts) for group in by_bucket.values() for _, _, counts, _ in group]
        self.raise_longest(max((days for days in turnarounds if days is not None), default=None))
        for index in self._fold_clocks(envelopes):
            changed[index] = True
        return changed

    def _count(self, bucket_id: str, counted: list[Any]) -> list[int]:
        """Add (index, key, counts, event id) events to one day bucket: the indexes of
        those counted.

        Counted in place: a bucket remembers every event id it counted, so it grows
        through the day, and loading and replacing it whole grew with it."""
        event_ids = [event_id for _, _, _, event_id in counted]
        if len(set(event_ids)) == len(counted) > 1:
            increments: dict[str, float] = {}
            maxima: dict[str, float] = {}
            for _, _, counts, _ in counted:
                for name, amount in counts.items():
                    increments[name] = increments.get(name, 0) + amount
                for name, value in metrics.bucket_maxima(counts).items():
                    maxima[name] = max(maxima.get(name, value), value)
            if self.buckets.increment_all_once(bucket_id, event_ids, increments, maxima=maxima):
                return [index for index, _, _, _ in counted]
        # One at a time: the bucket's first events, an event seen before, or a lone one.
        return [index for index, key, counts, event_id in counted
                if self.buckets.increment_once(bucket_id, event_id, counts, maxima=metrics.bucket_maxima(counts),
                                               on_insert=metrics.bucket_key_fields(key))]

    def _fold_clocks(self, envelopes: list[Envelope]) -> list[int]:
        """Fold the events that move request clocks: the indexes of those that changed one.
        The clocks that submissions open are inserted together, without first reading
        clocks that are almost never there; every other event loads and replaces its
        request's clock, in the order the events came."""
        opening, later = {}, []
        for index, envelope in enumerate(envelopes):
            code, data = envelope.get("request_code"), envelope["data"]
            if envelope["type"] not in metrics.CLOCK_EVENTS or not code \
                    or not all(data.get(name) for name in metrics.DIMENSIONS):
                continue
            if envelope["type"] == metrics.OPENING and code not in opening:
                opening[code] = index
            else:
                later.append(index)
        changed, new_clocks = [], {}
        for code, index in opening.items():
            clock = metrics.new_clock(code, envelopes[index]["data"])
            if self.fold_clock(clock, envelopes[index]):
                new_clocks[code] = (index, clock)
        taken = set(self.clocks.insert_new([clock for _, clock in new_clocks.values()]))
        for code, (index, _) in new_clocks.items():
            if code in taken:
                later.append(index)  # its clock exists: fold the submission into it
            else:
                changed.append(index)
        for index in sorted(later):
            envelope = envelopes[index]
            code, data = envelope["request_code"], envelope["data"]
            if _update(self.clocks, code, partial(metrics.new_clock, code, data), partial(self._fold_into, envelope)):
                changed.append(index)
        return changed

    def _fold_into(self, envelope: Envelope, clock: Document) -> bool:
        return self.fold_clock(clock, envelope)

    def fold_clock(self, clock: Document, envelope: Envelope) -> bool:
        return metrics.fold_into_clock(clock, envelope, self.committed_days_of(clock["item"]), self.calendar)

    def refresh_month(self, key: Mapping[str, Any], attempts: int = 10) -> None:
        """Recompute a month rollup from its day buckets. Its version is read before the
        days, so a rollup written by someone else meanwhile makes this write fail and
        read again: the last rollup written always includes every day written before it."""
        if self.months is None:
            return
        month_id = metrics.month_id(key)
        for _ in range(attempts):
            current = self.months.load(month_id)
            days = self.buckets.find({"_id": {"$in": metrics.day_ids_of_month(key)}})
            rollup = metrics.rollup(key, days)
            try:
                if current is None:
                    self.months.insert(rollup)
                elif _content(current) != rollup:
                    self.months.replace({**rollup, "version": current["version"]})
                return
            except (AlreadyExists, VersionConflict):
                continue
        raise VersionConflict(month_id)

    def roll_up_ended_months(self) -> int:
        """Write the rollups of every month that ended since the last call, then mark
        them rolled up (the gateway's timer calls this). How many rollups were written.

        Safe against a fold racing it: a fold writes its day bucket before it asks
        whether the month has ended, so either the day was written before the month
        ended (and so before this reads the days, ROLLUP_GRACE later) or the fold itself
        recomputes the rollup."""
        if self.months is None or self.meta is None:
            return 0
        ended = metrics.last_month_to_roll_up(self.clock())
        done = self.rolled_up_through()
        if done is not None and done >= ended:
            return 0
        months = {"$lte": ended} if done is None else {"$gt": done, "$lte": ended}
        keys = {metrics.month_id(bucket): bucket for bucket in self.buckets.find({"month": months})}
        for key in keys.values():
            self.refresh_month(key)
        self.mark_rolled_up(ended)
        log.info("month rollups written through %s: %d", ended, len(keys))
        return len(keys)

    def rolled_up_through(self) -> int | None:
        found = self.meta.load(ROLLED_UP) if self.meta is not None else None
        return found["value"] if found else None

    def mark_rolled_up(self, month: int) -> None:
        """Queries may read every month up to ``month`` from its rollups from now on."""
        _update(self.meta, ROLLED_UP, lambda: {"_id": ROLLED_UP, "value": 0}, lambda meta: _raised(meta, month))

    def raise_longest(self, turnaround: int | None) -> None:
        """Keep the longest turnaround seen: queries sum the histogram up to it."""
        if self.meta is None or turnaround is None:
            return
        _update(self.meta, LONGEST, lambda: {"_id": LONGEST, "value": 0},
                lambda meta: _raised(meta, turnaround))


def _raised(meta: Document, value: int) -> bool:
    if value <= meta["value"]:
        return False
    meta["value"] = value
    return True


def _content(document: Document) -> Document:
    return {key: value for key, value in document.items() if key != "version"}


def _update(store: Any, key: str, create: Callable[[], Document], change: Callable[[Document], bool],
            attempts: int = 10) -> bool:
    """Load or create the document, change it, write it whole; again on a race."""
    for _ in range(attempts):
        document = store.load(key)
        if document is None:
            document = create()
            if not change(document):
                return False
            try:
                store.insert(document)
                return True
            except AlreadyExists:
                continue
        if not change(document):
            return False
        try:
            store.replace(document)
            return True
        except VersionConflict:
            continue
    raise VersionConflict(key)


class ServiceLevelQuery:
    """The figures for a period and filters, from bucket sums and open clocks."""

    def __init__(self, database: Any) -> None:
        self.buckets = database[BUCKETS]
        self.months = database[MONTHS]
        self.clocks = database[CLOCKS]
        self.meta = database[META]

    def period_sums(self, match: dict[str, str], first: date, last: date,
                    group_by: str | None = None) -> dict[Any, dict[str, Any]]:
        """{group value or None: sums} for the period: whole months from the rollups, the
        days at the ends (or every day, when grouped by day) from the day buckets."""
        top = self.longest()
        if group_by == "day":
            day_ranges: list[tuple[int, int]] = [(metrics.day_number(first), metrics.day_number(last))]
            months: list[int] = []
        else:
            day_ranges, months = metrics.split_period(first, last, self.rolled_up_through())
        sums: dict[Any, dict[str, Any]] = {}
        for start, end in day_ranges:
            _merge(sums, self._sums(self.buckets, {**match, "day": {"$gte": start, "$lte": end}}, group_by, top))
        if months:
            month_match = {**match, "month": months[0] if len(months) == 1 else {"$in": months}}
            _merge(sums, self._sums(self.months, month_match, group_by, top))
        return sums

    def longest(self) -> int:
        found = self.meta.find_one({"_id": LONGEST})
        return int(found["value"]) if found else 0

    def rolled_up_through(self) -> int | None:
        found = self.meta.find_one({"_id": ROLLED_UP})
        return int(found["value"]) if found else None

    def open_counts(self, match: dict[str, str], group_by: str | None,
                    overdue_before: float) -> dict[Any, dict[str, int]]:
        """{group value: {"backlog": open requests, "overdue_now": those past their due day}}."""
        counts: dict[Any, dict[str, int]] = {}
        for field, extra in (("backlog", {}), ("overdue_now", {"due_epoch": {"$lt": overdue_before}})):
            for row in self._aggregate(self.clocks, {"open": 1, **extra, **match}, group_by, {"n": {"$sum": 1}}):
                counts.setdefault(row["_id"], {"backlog": 0, "overdue_now": 0})[field] = row["n"] or 0
        return counts

    def overdue(self, match: dict[str, str], overdue_before: float, limit: int = 500) -> tuple[list[Document], int]:
        """Open requests past their due day, the longest overdue first; and how many."""
        query = {"open": 1, "due_epoch": {"$lt": overdue_before}, **match}
        return list(self.clocks.find(query, BOOKKEEPING).sort("due_epoch", 1).limit(limit)), \
            self.clocks.count_documents(query)

    def clock_candidates(self, now_epoch: float, limit: int = 5000) -> list[Document]:
        """Open requests whose due day has begun: at risk or breached, unless flagged already."""
        return list(self.clocks.find({"open": 1, "due_epoch": {"$lte": now_epoch}}, BOOKKEEPING).limit(limit))

    def _sums(self, collection: Any, match: dict[str, Any], group_by: str | None,
              top: int) -> dict[Any, dict[str, Any]]:
        accumulators = {name: {"$sum": f"${name}"} for name in metrics.COUNTERS}
        accumulators.update({f"t_{days}": {"$sum": f"${metrics.TURNAROUND}.{days}"} for days in range(top + 1)})
        accumulators.update({f"r_{level}": {"$sum": f"${metrics.RATINGS}.{level}"} for level in metrics.RATING_LEVELS})
        return {row["_id"]: _sums_of(row, top) for row in self._aggregate(collection, match, group_by, accumulators)}

    @staticmethod
    def _aggregate(collection: Any, match: dict[str, Any], group_by: str | None,
                   accumulators: dict[str, Any]) -> list[Document]:
        group = {"_id": f"${group_by}" if group_by else None, **accumulators}
        return list(collection.aggregate([{"$match": match}, {"$group": group}]))


def _merge(sums: dict[Any, dict[str, Any]], more: dict[Any, dict[str, Any]]) -> None:
    for key, value in more.items():
        metrics.add_sums(sums.setdefault(key, {}), value)


def _sums_of(row: Document, top: int) -> dict[str, Any]:
    sums = {name: row.get(name) or 0 for name in metrics.COUNTERS}
    sums[metrics.TURNAROUND] = {str(days): row.get(f"t_{days}") or 0 for days in range(top + 1)}
    sums[metrics.RATINGS] = {str(level): row.get(f"r_{level}") or 0 for level in metrics.RATING_LEVELS}
    return sums
