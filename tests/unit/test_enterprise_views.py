"""What the enterprise's instrument file page shows of each instrument (issue 29 §1):
its certificate's days left, the reminders in words, whether it may be renewed, and the
order (those to renew first, then the soonest to run out)."""

from datetime import date

from services.gateway.web.views import followed_view, instrument_file_view

from ..support.data import reader


def instrument(serial, valid_until=None, due=None, renewal=None, reminders=()):
    current = {"number": f"SQJL-{serial}", "kind": "verification_certificate", "request_code": "C",
               "valid_until": valid_until} if valid_until else None
    return {"serial_number": serial, "name": "一般压力表", "status": "valid" if current else "registered",
            "current": current, "due": due, "renewal_request": renewal, "reminders": list(reminders),
            "next_reminder_on": None, "verification_bound": True}


def test_instruments_to_renew_come_first_then_the_soonest_to_run_out():
    today = date(2026, 12, 7)
    rows = instrument_file_view([
        instrument("NONE"),
        instrument("LATER", "2027-06-01"),
        instrument("RENEWED", "2026-12-10", due={"days_before": 7}, renewal="321322-20261207-00002-6"),
        instrument("DUE", "2026-12-12", due={"days_before": 7}, reminders=[
            {"days_before": 30, "raised_at": "2026-11-12T00:00:00+00:00"},
            {"days_before": 7, "raised_at": "2026-12-05T00:00:00+00:00"}]),
    ], reader(today=today))
    assert [row["serial_number"] for row in rows] == ["DUE", "RENEWED", "LATER", "NONE"]
    due = rows[0]
    assert due["renewable"] and due["certificate"]["days_left"] == 5
    assert due["certificate"]["kind_label"] == "检定证书" and due["status_label"] == "有效"
    assert [each["label"] for each in due["reminders"]] == ["到期前30天提醒", "到期前7天提醒"]
    assert not rows[1]["renewable"] and rows[3]["certificate"] is None


def test_the_day_a_certificate_runs_out_reads_as_that_day():
    (row,) = instrument_file_view([instrument("X", "2026-12-07", due={"days_before": 0},
                                              reminders=[{"days_before": 0}])], reader("en", today=date(2026, 12, 7)))
    assert row["certificate"]["days_left"] == 0 and row["reminders"][0]["label"] == "On the day it runs out"


def test_a_followed_standard_reads_in_the_readers_language_and_says_when_it_ended():
    followed = followed_view({"number": "GB/T 1-2016", "title_zh": "标准化工作导则", "title_en": "Directives",
                              "state": "superseded", "replaced_by": "GB/T 1-2026"}, "en")
    assert followed["title"] == "Directives" and followed["state_label"] == "Superseded" and followed["ended"]
    unknown = followed_view({"number": "Q/XYZ 1-2020", "since": "2026-01-01T00:00:00+00:00"}, "zh-CN")
    assert unknown["title"] == "" and unknown["state_label"] == "" and not unknown["ended"]
