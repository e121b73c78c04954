"""The service-level clock (DESIGN §5): due at acceptance plus the committed working days,
paused while the station waits for the enterprise, stopped at completion; the timer's
alerts come once per due date."""

from datetime import date

import pytest

from bench.history import History, at
from services.gateway.bootstrap import reference_data, shipped_calendar
from services.gateway.domain import sla

CALENDAR = shipped_calendar()
CATALOGUE, _ = reference_data()


@pytest.fixture
def history():
    return History(CATALOGUE, CALENDAR)


def events_of(history, code):
    return [envelope["type"] for envelope in history.envelopes if envelope["request_code"] == code]


def dispatched(history, item="JL01", accepted="2026-09-01 10:00"):
    """A JL01 (5 working days) accepted on Tuesday 1 September 2026: due Tuesday 8 September."""
    code = history.submit(item, "321322", at("2026-09-01 09:00"))
    history.accept(code, at(accepted))
    history.dispatch(code, at(accepted).replace(hour=11))
    return code


class TestTheDueDate:
    def test_is_the_committed_working_days_after_the_day_of_acceptance(self):
        assert sla.due_date("2026-09-01T02:00:00+00:00", 5, CALENDAR) == date(2026, 9, 8)

    def test_skips_the_mid_autumn_and_national_day_holidays_and_counts_the_make_up_saturday(self):
        # accepted Thursday 24 September: 25-27 Sep and 1-7 Oct are holidays, Sat 10 Oct is worked
        assert sla.due_date("2026-09-24T02:00:00+00:00", 5, CALENDAR) == date(2026, 10, 9)
        assert sla.due_date("2026-09-24T02:00:00+00:00", 6, CALENDAR) == date(2026, 10, 10)

    def test_moves_by_each_working_day_the_clock_was_paused(self):
        pauses = [{"from": "2026-09-02T02:00:00+00:00", "to": "2026-09-04T02:00:00+00:00"}]  # Wed to Fri
        assert sla.due_date("2026-09-01T02:00:00+00:00", 5, CALENDAR, pauses) == date(2026, 9, 10)


class TestStoppingTheClock:
    def test_completion_keeps_the_moment_the_due_date_and_the_working_days_it_took(self, history):
        code = dispatched(history)
        request = history.complete(code, at("2026-09-07 15:00"))  # Monday
        assert request.status == "completed"
        assert request.completed_at == "2026-09-07T07:00:00+00:00"  # 15:00 in Suqian
        assert request.service_level == {"committed_days": 5, "due_date": "2026-09-08", "turnaround_days": 4,
                                         "on_time": True}
        assert request.service_level["on_time"] is True  # a yes or no, not 1

    def test_the_completion_is_announced_with_the_clock_reading(self, history):
        code = dispatched(history)
        history.complete(code, at("2026-09-09 10:00"))  # the day after the due day
        completed = [e for e in history.envelopes if e["type"] == "request_completed"][0]
        assert completed["data"]["due_date"] == "2026-09-08"
        assert completed["data"]["turnaround_days"] == 6 and completed["data"]["on_time"] is False
        assert (completed["data"]["station"], completed["data"]["item"]) == ("321322", "JL01")

    def test_paused_days_are_not_counted_in_the_turnaround(self, history):
        code = history.submit("JL01", "321322", at("2026-09-01 09:00"))
        history.accept(code, at("2026-09-01 10:00"))
        history.request_material(code, at("2026-09-02 10:00"))
        history.supplement(code, at("2026-09-04 10:00"))  # two working days paused
        history.dispatch(code, at("2026-09-04 11:00"))
        request = history.complete(code, at("2026-09-10 16:00"))
        assert request.service_level["due_date"] == "2026-09-10"
        assert request.service_level["turnaround_days"] == 5
        assert request.service_level["on_time"] is True

    def test_work_done_on_the_day_of_acceptance_took_no_working_day(self):
        assert sla.turnaround_days("2026-09-01T01:00:00+00:00", "2026-09-01T08:00:00+00:00", CALENDAR) == 0

    def test_a_second_completing_event_does_not_stop_the_clock_again(self, history):
        code = dispatched(history)
        history.complete(code, at("2026-09-07 15:00"))
        history.complete(code, at("2026-09-09 15:00"))
        assert events_of(history, code).count("request_completed") == 1
        assert history.requests[code].service_level["on_time"] is True


class TestTheTimersAlerts:
    def test_at_risk_on_the_due_day_then_breached_the_day_after_each_once(self, history):
        code = dispatched(history)
        history.check_clock(code, at("2026-09-07 09:00"))  # a working day left: nothing
        history.check_clock(code, at("2026-09-08 00:05"))
        history.check_clock(code, at("2026-09-08 12:00"))
        history.check_clock(code, at("2026-09-09 00:05"))
        history.check_clock(code, at("2026-09-10 00:05"))
        assert [e for e in events_of(history, code) if e.startswith("sla_")] == ["sla_at_risk", "sla_breached"]
        timeline = [entry["event"] for entry in history.requests[code].timeline]
        assert timeline[-2:] == ["sla_at_risk", "sla_breached"]

    def test_a_due_date_moved_by_a_pause_is_flagged_afresh(self, history):
        code = history.submit("JL01", "321322", at("2026-09-01 09:00"))
        history.accept(code, at("2026-09-01 10:00"))
        history.check_clock(code, at("2026-09-08 00:05"))  # due today: at risk
        history.request_material(code, at("2026-09-08 09:00"))
        history.check_clock(code, at("2026-09-09 00:05"))  # paused: the clock stands still
        history.supplement(code, at("2026-09-10 09:00"))  # two working days later: due 10 September
        history.check_clock(code, at("2026-09-10 09:05"))
        alerts = [e for e in history.envelopes if e["type"].startswith("sla_")]
        assert [(e["type"], e["data"]["due_date"]) for e in alerts] == [
            ("sla_at_risk", "2026-09-08"), ("sla_at_risk", "2026-09-10")]

    def test_no_alert_before_acceptance_or_after_completion(self, history):
        waiting = history.submit("JL01", "321322", at("2026-09-01 09:00"))
        history.check_clock(waiting, at("2026-12-01 09:00"))
        done = dispatched(history)
        history.complete(done, at("2026-09-07 10:00"))
        history.check_clock(done, at("2026-09-20 09:00"))
        assert not [e for e in history.envelopes if e["type"].startswith("sla_")]

    def test_alert_for_names_breached_after_the_due_day_and_at_risk_on_it(self):
        due = date(2026, 9, 8)
        assert sla.alert_for(due, date(2026, 9, 7)) is None
        assert sla.alert_for(due, due) == sla.AT_RISK
        assert sla.alert_for(due, date(2026, 9, 9)) == sla.BREACHED
