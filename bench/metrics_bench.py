"""How fast the managers' metrics are at scale: the read model against a naive count.

    python bench/metrics_bench.py                    # 100,000 requests, nx-27017 started here
    MONGO_URI=mongodb://… python bench/metrics_bench.py --requests 20000

Builds ``--requests`` plausible request histories over the past year with the gateway's
own domain model (``bench/history.py``), folds every event they announced into the read
model with the projection's own fold (in memory, then written in bulk: the same code as
the live consumer, without a round trip per event), stores the requests themselves as
the gateway does, and then times the same questions both ways in the same run:

* the read model: ``service_levels.report`` (server-side sums over day buckets, open clocks);
* naive: read every (matching) request and count (``bench/naive.py``).

It prints p50/p99 latencies side by side and checks that both give the same figures.
Uses ``MONGO_URI`` if set (the database ``<prefix>bench_gateway`` is dropped first),
otherwise starts nx-27017 with its data in a temporary directory.
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pymongo  # noqa: E402

from bench import naive  # noqa: E402
from bench.history import History, random_histories  # noqa: E402
from services.common.clock import china_date  # noqa: E402
from services.gateway import bootstrap  # noqa: E402
from services.gateway.adapters import service_levels_rebuild as rebuilding  # noqa: E402
from services.gateway.adapters.service_levels_store import create_indexes  # noqa: E402
from services.gateway.bootstrap import reference_data, shipped_calendar  # noqa: E402
from services.gateway.handlers import service_levels  # noqa: E402

# The questions timed: what the dashboard asks when opened, and two other common ones.
QUESTIONS = {
    "last 30 days, by station": {"group_by": "station"},
    "last 30 days, one station, by item": {"station": "321322", "group_by": "item"},
    "last 365 days, by month": {"group_by": "month", "days": 365},
}


def build(database, count, now, seed=7):
    """Live ``count`` histories and load the requests and the read model. Returns timings."""
    catalogue, _ = reference_data()
    history = History(catalogue, shipped_calendar())
    started = time.perf_counter()
    random_histories(history, count, china_date(now) - timedelta(days=364), now, seed=seed)
    lived = time.perf_counter()
    database.requests.drop()
    create_indexes(database)
    database.requests.create_index([("station", 1), ("status", 1)])
    folded = time.perf_counter()
    buckets, clocks = rebuilding.load_in_bulk(database, bootstrap.build(database).service_levels, history.envelopes)
    rebuilding.write_fresh(database.requests, history.documents())
    written = time.perf_counter()
    return {"requests": count, "events": len(history.envelopes), "buckets": len(buckets), "clocks": len(clocks),
            "live_s": lived - started, "load_s": written - folded}


def filters_of(question, today):
    filters = {key: value for key, value in question.items() if key != "days"}
    if "days" in question:
        filters["from"] = today - timedelta(days=question["days"] - 1)
    return filters


def timed(function, runs):
    latencies, answer = [], None
    for _ in range(runs):
        started = time.perf_counter()
        answer = function()
        latencies.append((time.perf_counter() - started) * 1000)
    return answer, latencies


def p(latencies, q):
    ordered = sorted(latencies)
    return ordered[min(int(round(q / 100 * (len(ordered) - 1))), len(ordered) - 1)]


def compare(database, today, runs=30, naive_runs=3, questions=QUESTIONS):
    """Each question both ways: {name: (read model answer, ms list, naive answer, ms list)}."""
    catalogue, _ = reference_data()
    calendar = shipped_calendar()
    query = bootstrap.build(database).service_level_query
    results = {}
    for name, question in questions.items():
        filters = filters_of(question, today)
        fast, fast_ms = timed(lambda filters=filters: service_levels.report(query, filters, today), runs)
        slow, slow_ms = timed(lambda filters=filters: naive.report(database.requests, filters, today, catalogue,
                                                                    calendar), naive_runs)
        results[name] = (fast, fast_ms, slow, slow_ms)
    return results


def print_results(build_times, results):
    print(f"{build_times['requests']:,} requests lived in {build_times['live_s']:.1f} s "
          f"({build_times['events']:,} events); folded into {build_times['buckets']:,} day buckets and "
          f"{build_times['clocks']:,} clocks and written with the requests in {build_times['load_s']:.1f} s")
    print(f"{'question':<38} {'read model p50':>14} {'p99':>8} {'naive p50':>11} {'p99':>9} {'faster':>8}  same figures")
    for name, (fast, fast_ms, slow, slow_ms) in results.items():
        ratio = statistics.median(slow_ms) / statistics.median(fast_ms)
        print(f"{name:<38} {p(fast_ms, 50):>11.1f} ms {p(fast_ms, 99):>5.1f} ms {p(slow_ms, 50):>8.0f} ms "
              f"{p(slow_ms, 99):>6.0f} ms {ratio:>7.0f}×  {'yes' if fast == slow else 'NO'}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each read-model query")
    parser.add_argument("--naive-runs", type=int, default=3, help="timed runs of each naive query")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    from services.common.config import setting
    from services.common.devstack import DevStack

    with tempfile.TemporaryDirectory(prefix="qi-bench-") as scratch:
        import os

        stack = DevStack(scratch, mongo_uri=os.environ.get("MONGO_URI"))
        uri = stack.ensure_mongo()
        client = pymongo.MongoClient(uri)
        try:
            database = client[f"{setting('MONGO_DB_PREFIX')}bench_gateway"]
            now = datetime.now(UTC)
            build_times = build(database, args.requests, now, seed=args.seed)
            results = compare(database, china_date(now), args.runs, args.naive_runs)
            print_results(build_times, results)
            return 0 if all(fast == slow for fast, _, slow, _ in results.values()) else 1
        finally:
            client.close()
            stack.stop()


if __name__ == "__main__":
    sys.exit(main())
