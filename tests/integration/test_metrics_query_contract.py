"""One contract, two answers: the in-memory service-level query used by unit tests gives
what the Mongo query gives, for every question the gateway asks of the read model."""

from datetime import UTC, date, datetime

import pytest

from services.common.clock import start_of_day_epoch
from services.gateway.adapters.service_levels_store import create_indexes
from services.gateway.bootstrap import reference_data, shipped_calendar
from services.gateway.handlers import service_levels

from ..simulated_month import EXPECTED, EXPECTED_BY_STATION, STATION, live_september
from ..support.data import service_level_read_model, service_level_store

pytestmark = pytest.mark.integration

CATALOGUE, _ = reference_data()
FIRST, LAST = date(2026, 9, 1), date(2026, 9, 30)
# Late enough that some of the month's requests are overdue, early enough that not all are.
AS_OF = date(2026, 9, 25)


@pytest.fixture(scope="module")
def september():
    history, _ = live_september(CATALOGUE, shipped_calendar())
    return history.envelopes


@pytest.fixture(params=["in_memory", "mongo"])
def query(request, september, mongo_client, db_prefix):
    """The read model with the hand-counted month folded in, and its query."""
    if request.param == "in_memory":
        repository, query = service_level_read_model()
    else:
        database = mongo_client[f"{db_prefix}gateway"]
        create_indexes(database)
        repository, query = service_level_store(database)
    for envelope in september:
        service_levels.project(repository, envelope)
    return query


def test_period_sums_give_the_hand_counted_totals(query):
    sums = query.period_sums({}, FIRST, LAST)[None]
    assert {name: sums[name] for name in ("submitted", "accepted", "completed")} == {
        name: EXPECTED[name] for name in ("submitted", "accepted", "completed")}


def test_period_sums_group_by_station_and_filter_by_it(query):
    by_station = query.period_sums({}, FIRST, LAST, "station")
    assert {station: sums["submitted"] for station, sums in by_station.items()} == {
        station: figures["submitted"] for station, figures in EXPECTED_BY_STATION.items()}
    only = query.period_sums({"station": STATION}, FIRST, LAST)
    assert only[None]["submitted"] == EXPECTED_BY_STATION[STATION]["submitted"]


def test_a_period_with_nothing_in_it_sums_to_nothing(query):
    assert query.period_sums({}, date(2026, 1, 1), date(2026, 1, 31)) == {}


def test_open_counts_and_the_overdue_list_agree_with_the_hand_count(query):
    before = start_of_day_epoch(AS_OF)
    counts = query.open_counts({}, None, before)[None]
    assert counts == {"backlog": EXPECTED["backlog"], "overdue_now": EXPECTED["overdue_now"]}
    overdue, total = query.overdue({}, before)
    assert total == len(overdue) == EXPECTED["overdue_now"]
    assert overdue[0]["station"] == STATION
    by_station = query.open_counts({}, "station", before)
    assert by_station == {STATION: {"backlog": 2, "overdue_now": 1}}


def test_nothing_is_overdue_before_its_due_day_nor_at_a_quiet_station(query):
    assert query.overdue({}, start_of_day_epoch(date(2026, 9, 20))) == ([], 0)
    assert query.overdue({"station": "321311"}, start_of_day_epoch(AS_OF)) == ([], 0)
    assert query.open_counts({"station": "321311"}, None, start_of_day_epoch(AS_OF)) == {}


def test_clock_candidates_are_the_open_clocks_whose_due_day_has_begun(query):
    now = datetime(2026, 9, 25, 12, tzinfo=UTC).timestamp()
    candidates = query.clock_candidates(now)
    assert candidates and all(clock["open"] == 1 and clock["due_epoch"] <= now for clock in candidates)
    assert query.clock_candidates(datetime(2026, 8, 1, tzinfo=UTC).timestamp()) == []
