"""The managers' metrics from the read model: a hand-counted month gives its true figures,
whatever order its events arrive in and however often."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from services.gateway.adapters import service_levels_rebuild as rebuilding
from services.gateway.bootstrap import reference_data, shipped_calendar
from services.gateway.domain import service_levels as metrics
from services.gateway.handlers import service_levels

from ..simulated_month import (
    EXPECTED,
    EXPECTED_BY_ITEM,
    EXPECTED_BY_STATION,
    OTHER_STATION,
    STATION,
    live_september,
)
from ..support.data import service_level_read_model

CATALOGUE, _ = reference_data()
TODAY = date(2026, 11, 26)
SEPTEMBER = {"from": date(2026, 9, 1), "to": date(2026, 9, 30)}


def read_model():
    return service_level_read_model()


def project(envelopes):
    repository, query = read_model()
    for envelope in envelopes:
        service_levels.project(repository, envelope)
    return query


@pytest.fixture(scope="module")
def september():
    history, codes = live_september(CATALOGUE, shipped_calendar())
    return history.envelopes, codes


class TestAHandCountedMonth:
    def test_the_months_figures_are_the_ones_counted_by_hand(self, september):
        envelopes, _ = september
        totals = service_levels.report(project(envelopes), SEPTEMBER, TODAY)["totals"]
        assert {name: totals[name] for name in EXPECTED} == EXPECTED

    def test_by_station(self, september):
        envelopes, _ = september
        groups = service_levels.report(project(envelopes), {**SEPTEMBER, "group_by": "station"}, TODAY)["groups"]
        assert {group["key"]: {name: group[name] for name in EXPECTED_BY_STATION[STATION]} for group in groups} \
            == EXPECTED_BY_STATION

    def test_by_item(self, september):
        envelopes, _ = september
        groups = service_levels.report(project(envelopes), {**SEPTEMBER, "group_by": "item"}, TODAY)["groups"]
        assert {group["key"]: {name: group[name] for name in EXPECTED_BY_ITEM["JL01"]} for group in groups} \
            == EXPECTED_BY_ITEM

    def test_a_station_sees_only_its_own(self, september):
        envelopes, _ = september
        totals = service_levels.report(project(envelopes), {**SEPTEMBER, "station": OTHER_STATION}, TODAY)["totals"]
        assert (totals["submitted"], totals["completed"], totals["rated"], totals["backlog"]) == (1, 1, 1, 0)

    def test_by_day_the_trend_adds_up_to_the_month(self, september):
        envelopes, _ = september
        days = service_levels.report(project(envelopes), {**SEPTEMBER, "group_by": "day"}, TODAY)["groups"]
        assert sum(day["submitted"] for day in days) == EXPECTED["submitted"]
        first = next(day for day in days if day["key"] == "2026-09-01")
        assert (first["submitted"], first["accepted"]) == (2, 1)
        assert "backlog" not in first  # present-tense figures are not per day

    def test_a_period_before_the_month_is_empty_and_rates_are_unknown_not_zero(self, september):
        envelopes, _ = september
        totals = service_levels.report(project(envelopes), {"from": date(2026, 8, 1), "to": date(2026, 8, 31)},
                                       TODAY)["totals"]
        assert totals["submitted"] == 0
        assert totals["on_time_rate"] is None and totals["turnaround_p50"] is None

    def test_the_overdue_list_names_the_late_request_and_how_late_it_is(self, september):
        envelopes, codes = september
        rows, total = service_levels.overdue(project(envelopes), {}, TODAY, shipped_calendar())
        assert total == 1
        assert rows[0]["code"] == codes["R9"] and rows[0]["due_date"] == "2026-09-20"
        # after 20 Sep up to 26 Nov: 7 in September (25th a holiday), 18 in October (1-7 off,
        # Saturday 10th worked), 19 in November
        assert rows[0]["working_days_late"] == 44


class TestDeliveryOrder:
    def test_events_twice_and_in_any_order_give_the_same_figures(self, september):
        envelopes, _ = september
        shuffled = envelopes + envelopes[::3]
        random.Random(11).shuffle(shuffled)
        month = {**SEPTEMBER, "group_by": "station"}
        assert service_levels.report(project(shuffled), month, TODAY) == \
            service_levels.report(project(envelopes), month, TODAY)

    def test_the_bulk_fold_and_the_live_projection_build_the_same_documents(self, september):
        envelopes, _ = september
        repository, _ = read_model()
        for envelope in envelopes:
            repository.fold(envelope)
        buckets, clocks = rebuilding.fold_in_memory(envelopes, repository)

        def stored(store):
            return {key: {k: v for k, v in doc.items() if k not in ("version", "outbox", "outbox_pending",
                                                                     "outbox_claimed_until", "outbox_claimed_by")}
                    for key, doc in store.documents.items()}

        assert stored(repository.buckets) == buckets
        assert stored(repository.clocks) == clocks

    def test_events_folded_together_give_what_they_give_one_at_a_time(self, september):
        """The relay folds the events a publish confirmed as one batch: batches of any
        size, holding redeliveries and the same event twice, change no figure."""
        envelopes, _ = september
        shuffled = envelopes + envelopes[::3]
        random.Random(5).shuffle(shuffled)
        repository, together = read_model()
        rng, start = random.Random(7), 0
        while start < len(shuffled):
            size = rng.choice([1, 2, 5, 12])
            outcomes = repository.fold_all(shuffled[start:start + size])
            assert len(outcomes) == len(shuffled[start:start + size])
            start += size
        month = {**SEPTEMBER, "group_by": "station"}
        assert service_levels.report(together, month, TODAY) == \
            service_levels.report(project(envelopes), month, TODAY)

    def test_a_batch_says_which_of_its_events_changed_the_read_model(self, september):
        envelopes, _ = september
        repository, _ = read_model()
        first, second = envelopes[:3], envelopes[3:6]
        assert repository.fold_all(first) == [True] * 3
        assert repository.fold_all([second[0], first[1], second[1], second[0]]) == [True, False, True, False]

    def test_a_completion_announced_before_its_acceptance_still_closes_the_clock(self, september):
        envelopes, codes = september
        mine = [e for e in envelopes if e["request_code"] == codes["R1"]]
        query = project(list(reversed(mine)))
        assert query.open_counts({}, None, 0) == {}
        assert service_levels.report(query, SEPTEMBER, TODAY)["totals"]["completed"] == 1


class TestPercentiles:
    def test_nearest_rank_median_and_p90(self):
        histogram = {"1": 1, "2": 2, "3": 1, "5": 1, "7": 1, "9": 1}
        assert (metrics.percentile(histogram, 50), metrics.percentile(histogram, 90)) == (3, 9)
        assert metrics.percentile({"4": 1, "2": 1}, 50) == 2  # of 2 and 4, the lower middle

    def test_histograms_merge_exactly_across_buckets(self):
        first, second = {}, {}
        metrics.add_sums(first, {"turnaround": {"1": 2, "8": 1}})
        metrics.add_sums(second, {"turnaround": {"3": 3, "8": 1}})
        merged = metrics.add_sums(metrics.add_sums({}, first), second)
        assert merged["turnaround"] == {"1": 2, "3": 3, "8": 2}
        assert metrics.percentile(merged["turnaround"], 50) == 3
        assert metrics.percentile(merged["turnaround"], 90) == 8

    def test_no_observations_no_percentile(self):
        assert metrics.percentile({}, 50) is None


def test_a_period_reads_rolled_up_months_from_rollups_and_the_rest_from_days():
    first, last = date(2026, 8, 15), date(2026, 11, 3)
    assert metrics.split_period(first, last) == ([(20260815, 20261103)], [])  # nothing rolled up yet
    assert metrics.split_period(first, last, 202609) == ([(20260815, 20260831), (20261001, 20261103)], [202609])
    assert metrics.split_period(first, last, 202610) == ([(20260815, 20260831), (20261101, 20261103)],
                                                         [202609, 202610])


def test_a_month_is_rolled_up_an_hour_after_it_ends_in_china():
    october_ends_in_china = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)  # 1 November 00:00 in Beijing
    assert metrics.last_month_to_roll_up(october_ends_in_china + timedelta(minutes=59)) == 202609
    assert metrics.last_month_to_roll_up(october_ends_in_china + timedelta(minutes=61)) == 202610
    assert metrics.last_month_to_roll_up(datetime(2027, 1, 1, 2, 0, tzinfo=UTC)) == 202612
    assert metrics.month_has_ended(202610, date(2026, 11, 1)) and not metrics.month_has_ended(202611, date(2026, 11, 30))


def test_a_request_the_station_ends_counts_like_a_withdrawal_and_is_never_late():
    from bench.history import History, at

    history = History(CATALOGUE, shipped_calendar())
    code = history.submit("JL02", STATION, at("2026-09-01 09:00"))
    history.accept(code, at("2026-09-01 10:00"))
    history.dispatch(code, at("2026-09-01 11:00"))
    history.terminate(code, at("2026-09-02 11:00"))
    history.check_clock(code, at("2026-10-20 00:05"))  # long after its due day: no alert, it has ended
    query = project(history.envelopes)
    totals = service_levels.report(query, SEPTEMBER, TODAY)["totals"]
    assert (totals["terminated"], totals["completed"], totals["sla_breached"], totals["backlog"]) == (1, 0, 0, 0)
    assert service_levels.overdue(query, {}, TODAY, shipped_calendar())[1] == 0
