"""``python -m services.gateway.cli.calendar`` on the real store: an admin loads next year's
official schedule from a file, the due dates of open requests move as through the API,
and a bad file is refused with the fields to correct (issue 24)."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from services.common.store import MongoDocumentStore
from services.gateway.adapters.repository import RequestRepository
from services.gateway.bootstrap import reference_data, shipped_calendar
from services.gateway.cli import calendar as command
from services.gateway.domain.model import ServiceRequest

pytestmark = pytest.mark.integration

CATALOGUE, _ = reference_data()


@pytest.fixture
def database(mongo_client, db_prefix, mongo_uri, monkeypatch):
    monkeypatch.setenv("MONGO_URI", mongo_uri)
    monkeypatch.setenv("MONGO_DB_PREFIX", db_prefix)
    return mongo_client[f"{db_prefix}gateway"]


@pytest.fixture
def requests(database):
    return RequestRepository(MongoDocumentStore(database.requests, database.counters))


def schedule_file(tmp_path, *extra_days_off, **changes):
    """A 2027 schedule in the shipped file's format: the statutory days and the extra ones."""
    holidays = {}
    for day, name, _ in shipped_calendar().year(2027).days_off():
        if name != "周末 Weekend":
            holidays.setdefault(name, []).append(day.isoformat())
    holidays["元旦 New Year's Day"] += [day.isoformat() for day in extra_days_off]
    path = tmp_path / "cn-2027.json"
    path.write_text(json.dumps({"source": "国务院办公厅关于2027年部分节假日安排的通知",
                                "2027": {"holidays": holidays, "make_up_workdays": [], **changes}},
                               ensure_ascii=False), encoding="utf-8")
    return path


def test_load_moves_open_due_dates_and_show_reads_the_year_as_official(database, requests, tmp_path, capsys):
    accepted = datetime(2026, 12, 7, 2, tzinfo=UTC)
    request = ServiceRequest.submit("321322-20261207-00001-0", CATALOGUE.item("JL03"), "321322",
                                    {"name": "宿迁市测试精密机械有限公司", "uscc": "91321322MA1ABC123P"},
                                    {"name": "张伟", "phone": "13912345678"}, {}, accepted - timedelta(hours=1))
    request.accept({"role": "staff", "name": "王芳"}, accepted)
    requests.add(request)

    assert command.main(["show", "2027"]) == 0
    assert "2027: provisional" in capsys.readouterr().out

    now = datetime(2026, 12, 10, 2, tzinfo=UTC)
    assert command.main(["load", "2027", str(schedule_file(tmp_path, date(2027, 1, 4))), "--by", "admin"],
                        now=now) == 0
    printed = capsys.readouterr().out
    assert "1 due dates moved" in printed and "321322-20261207-00001-0: 2027-01-05 → 2027-01-06" in printed

    stored = database.calendars.find_one({"_id": "2027"})
    assert stored["notice"] == "国务院办公厅关于2027年部分节假日安排的通知" and stored["loaded_by"]["name"] == "admin"
    moved = requests.get("321322-20261207-00001-0").timeline[-1]
    assert (moved["event"], moved["details"]["due_to"], moved["actor"]["name"]) == (
        "due_date_changed", "2027-01-06", "admin")
    assert command.main(["show", "2027"]) == 0
    shown = capsys.readouterr().out
    assert "2027: official" in shown and "2027-01-04 元旦 New Year's Day" in shown


def test_a_bad_file_is_refused_field_by_field_and_nothing_is_stored(database, tmp_path, capsys):
    bad = schedule_file(tmp_path, make_up_workdays=["2027-03-03"])
    assert command.main(["--lang", "en", "load", "2027", str(bad)]) == 2
    assert json.loads(capsys.readouterr().err) == {
        "make_up_workdays": {"0": ["A make-up working day is a Saturday or Sunday; 2027-03-03 is not."]}}
    assert database.calendars.find_one({"_id": "2027"}) is None
    assert command.main(["load", "2027", str(tmp_path / "missing.json")]) == 2
    assert command.main(["show", "1999"]) == 2
