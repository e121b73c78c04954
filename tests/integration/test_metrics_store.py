"""The metrics read model on the dev store (nx-27017): server-side sums give the figures
counted by hand, the rebuild from the event log gives what the live projection gave,
and at a couple of thousand requests the read model says what a naive count says."""

import uuid
from datetime import UTC, date, datetime

import pytest

from bench import metrics_bench
from services.common.clock import china_date
from services.gateway import bootstrap
from services.gateway.adapters import service_levels_rebuild as rebuilding
from services.gateway.adapters.service_levels_store import (
    BUCKETS,
    CLOCKS,
    MONTHS,
    create_indexes,
)
from services.gateway.bootstrap import reference_data, shipped_calendar
from services.gateway.handlers import service_levels

from ..simulated_month import (
    EXPECTED,
    EXPECTED_BY_ITEM,
    EXPECTED_BY_STATION,
    STATION,
    live_september,
)
from ..support.data import service_level_store

pytestmark = pytest.mark.integration

CATALOGUE, _ = reference_data()
TODAY = date(2026, 11, 26)
SEPTEMBER = {"from": date(2026, 9, 1), "to": date(2026, 9, 30)}


@pytest.fixture
def database(mongo_client, db_prefix):
    database = mongo_client[f"{db_prefix}gateway"]
    create_indexes(database)
    return database


@pytest.fixture(scope="module")
def september():
    history, codes = live_september(CATALOGUE, shipped_calendar())
    return history.envelopes, codes


def logged(database, envelopes):
    database.event_log.insert_many([{"_id": envelope["event_id"], **envelope, "logged_at": "x"}
                                    for envelope in envelopes])


def test_the_hand_counted_month_read_from_the_dev_store(database, september):
    envelopes, _ = september
    repository = service_level_store(database)[0]
    for envelope in envelopes:
        service_levels.project(repository, envelope)
    query = service_level_store(database)[1]
    totals = service_levels.report(query, SEPTEMBER, TODAY)["totals"]
    assert {name: totals[name] for name in EXPECTED} == EXPECTED
    by_station = service_levels.report(query, {**SEPTEMBER, "group_by": "station"}, TODAY)["groups"]
    assert {g["key"]: {n: g[n] for n in EXPECTED_BY_STATION[STATION]} for g in by_station} == EXPECTED_BY_STATION
    by_item = service_levels.report(query, {**SEPTEMBER, "group_by": "item"}, TODAY)["groups"]
    assert {g["key"]: {n: g[n] for n in EXPECTED_BY_ITEM["JL01"]} for g in by_item} == EXPECTED_BY_ITEM


def keep_confirmed(database, envelopes):
    """As the gateway's relay hands on a confirmed batch."""
    bootstrap.hand_on_confirmed(bootstrap.build(database), envelopes)


def test_the_relay_folds_each_confirmed_batch_once_and_an_event_it_cannot_fold_holds_up_no_other(
        database, september):
    """As the gateway's relay hands over its confirmed events: batches of any size, some
    published again after a failure, and one event whose moment cannot be read."""
    envelopes, _ = september
    broken = {**envelopes[0], "event_id": uuid.uuid4().hex, "request_code": "X",
              "data": {**envelopes[0]["data"], "submitted_at": "not a moment"}}
    batches = [envelopes[start:start + 37] for start in range(0, len(envelopes), 37)]
    for number, batch in enumerate(batches):
        keep_confirmed(database, batch + ([broken] if number == 1 else []))
        if number % 4 == 0:
            keep_confirmed(database, batch)  # the same batch again: its mark was never written
    totals = service_levels.report(service_level_store(database)[1], SEPTEMBER, TODAY)["totals"]
    assert {name: totals[name] for name in EXPECTED} == EXPECTED
    assert database.event_log.count_documents({}) == len(envelopes) + 1  # the broken one kept for a rebuild


def test_a_rebuild_from_the_event_log_gives_what_the_live_projection_gave(database, september):
    envelopes, _ = september
    repository = service_level_store(database)[0]
    for envelope in envelopes[: len(envelopes) // 2]:
        service_levels.project(repository, envelope)
    query = service_level_store(database)[1]
    # a bug once counted a completion twice: the rebuild sets it right
    database[BUCKETS].update_many({}, {"$inc": {"completed": 1}})
    logged(database, envelopes)
    counts = rebuilding.rebuild(database, service_level_store(database)[0], settle_seconds=0)
    assert counts["events"] == len(envelopes)
    month = {**SEPTEMBER, "group_by": "station"}
    rebuilt = service_levels.report(query, month, TODAY)

    live = service_level_store(database)[0]
    database[BUCKETS].delete_many({})
    database[CLOCKS].delete_many({})
    for envelope in envelopes:
        service_levels.project(live, envelope)
    assert service_levels.report(query, month, TODAY) == rebuilt
    assert rebuilt["totals"]["completed"] == EXPECTED["completed"]


def test_events_folded_live_during_a_rebuild_are_kept(database, september, monkeypatch):
    envelopes, _ = september
    logged(database, envelopes[:-5])
    live = service_level_store(database)[0]
    for envelope in envelopes[-5:]:  # handled after the rebuild read the log, logged later
        service_levels.project(live, envelope)
    original_history = rebuilding.fold_in_memory

    def slow_history(history, repository):  # the rest of the log arrives while it rebuilds
        found = original_history(history, repository)
        logged(database, envelopes[-5:])
        return found

    monkeypatch.setattr(rebuilding, "fold_in_memory", slow_history)
    rebuilding.rebuild(database, service_level_store(database)[0], settle_seconds=0)
    totals = service_levels.report(service_level_store(database)[1], SEPTEMBER, TODAY)["totals"]
    assert {name: totals[name] for name in EXPECTED} == EXPECTED


def test_the_read_model_equals_a_naive_count_over_two_thousand_requests(database):
    """The benchmark, small: the same histories, the same questions, the same answers."""
    now = datetime.now(UTC)
    built = metrics_bench.build(database, 2000, now, seed=3)
    assert built["events"] > 2000 * 4
    results = metrics_bench.compare(database, china_date(now), runs=1, naive_runs=1,
                                    questions={**metrics_bench.QUESTIONS,
                                               "a year by day": {"group_by": "day", "days": 365},
                                               "a year by station, one item": {"group_by": "station", "item": "JL01",
                                                                               "days": 365},
                                               "a quarter of one domain": {"domain": "testing", "days": 90}})
    for name, (read_model, _, naive, _) in results.items():
        assert read_model == naive, name
    year = results["a year by day"][0]["totals"]
    assert year["completed"] > 1000 and year["rated"] > 500 and year["sla_breached"] > 0
    assert year["rectifications_opened"] > 0 and 0 < year["on_time_rate"] < 1


def test_a_running_month_is_summed_from_its_days_and_rolled_up_once_it_has_ended(database, september):
    """No rollup is written while September runs (that rewrite on every event was a third
    of the gateway's work under load); an hour after it ends the timer writes them, queries
    read September from them, and a late September event still reaches its rollup."""
    envelopes, _ = september
    now = [datetime(2026, 9, 30, 12, 0, tzinfo=UTC)]
    repository = service_level_store(database)[0]
    repository.clock = lambda: now[0]
    for envelope in envelopes:
        service_levels.project(repository, envelope)
    query = service_level_store(database)[1]
    assert database[MONTHS].count_documents({}) == 0
    assert pick(service_levels.report(query, SEPTEMBER, TODAY)["totals"]) == EXPECTED

    now[0] = datetime(2026, 9, 30, 16, 30, tzinfo=UTC)  # 00:30 on 1 October in Beijing: too soon
    assert repository.roll_up_ended_months() == 0 and query.rolled_up_through() == 202608
    now[0] = datetime(2026, 9, 30, 17, 30, tzinfo=UTC)
    assert repository.roll_up_ended_months() > 0 and query.rolled_up_through() == 202609
    assert repository.roll_up_ended_months() == 0  # once
    # From now on September is read from its rollups, not from its days.
    database[BUCKETS].update_many({"month": 202609}, {"$inc": {"submitted": 100}})
    assert pick(service_levels.report(query, SEPTEMBER, TODAY)["totals"]) == EXPECTED
    database[BUCKETS].update_many({"month": 202609}, {"$inc": {"submitted": -100}})

    late = next(envelope for envelope in envelopes if envelope["type"] == "request_submitted")
    service_levels.project(repository, {**late, "event_id": str(uuid.uuid4())})
    totals = service_levels.report(query, SEPTEMBER, TODAY)["totals"]
    assert totals["submitted"] == EXPECTED["submitted"] + 1


def pick(totals):
    return {name: totals[name] for name in EXPECTED}


def test_a_rebuild_written_in_many_batches_keeps_every_document_when_live_ones_collide(
        database, september, monkeypatch):
    """Documents the live projection created while the rebuild folded the history are
    duplicates in some batches of the rebuild's inserts; every other batch is still written."""
    envelopes, _ = september
    logged(database, envelopes)
    live = service_level_store(database)[0]
    original_history = rebuilding.fold_in_memory

    def history_then_live_events(history, repository):
        found = original_history(history, repository)
        for envelope in envelopes[:5]:  # redelivered to the live projection meanwhile
            service_levels.project(live, envelope)
        return found

    monkeypatch.setattr(rebuilding, "fold_in_memory", history_then_live_events)
    rebuilding.rebuild(database, service_level_store(database)[0], settle_seconds=0, batch=1)
    totals = service_levels.report(service_level_store(database)[1], SEPTEMBER, TODAY)["totals"]
    assert {name: totals[name] for name in EXPECTED} == EXPECTED
