"""The service-level read model's questions answered in Python over document stores (the
in-memory fakes in unit tests), with the contract of the gateway's ``MetricsQuery``
(tests/integration/test_metrics_store.py runs one suite against both)."""

from services.gateway.domain import service_levels as metrics


class InMemoryMetricsQuery:
    """The same questions over the document stores' own ``find`` (in-memory stores in
    unit tests): sums in Python, and always from the day buckets."""

    def __init__(self, buckets, clocks):
        self.buckets = buckets
        self.clocks = clocks

    def period_sums(self, match, first, last, group_by=None):
        sums = {}
        period = {"day": {"$gte": metrics.day_number(first), "$lte": metrics.day_number(last)}}
        for bucket in self.buckets.find({**match, **period}):
            metrics.add_sums(sums.setdefault(bucket[group_by] if group_by else None, {}), bucket)
        return sums

    def open_counts(self, match, group_by, overdue_before):
        counts = {}
        for clock in self.clocks.find({**match, "open": 1}):
            found = counts.setdefault(clock[group_by] if group_by else None, {"backlog": 0, "overdue_now": 0})
            found["backlog"] += 1
            found["overdue_now"] += clock["due_epoch"] < overdue_before
        return counts

    def overdue(self, match, overdue_before, limit=500):
        found = sorted(self.clocks.find({**match, "open": 1, "due_epoch": {"$lt": overdue_before}}),
                       key=lambda clock: clock["due_epoch"])
        return found[:limit], len(found)

    def clock_candidates(self, now_epoch, limit=5000):
        return self.clocks.find({"open": 1, "due_epoch": {"$lte": now_epoch}}, limit=limit)
