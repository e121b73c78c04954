"""Loading an official schedule moves the due dates of open requests (issue 24): on
in-memory stores, with the clock moved by hand."""

from datetime import UTC, date, datetime, timedelta

import pytest

from services.gateway.adapters.calendars import CalendarRepository
from services.gateway.adapters.repository import RequestRepository
from services.gateway.adapters.service_levels_store import ServiceLevelRepository
from services.gateway.bootstrap import (
    CLOCK_CALENDAR_SECONDS,
    builtin_schedules,
    reference_data,
    shipped_calendar,
)
from services.gateway.domain.calendar import OFFICIAL, HolidayBlock, YearSchedule
from services.gateway.domain.model import ServiceRequest
from services.gateway.handlers.calendar import CalendarBook, load_official_schedule
from services.gateway.handlers.intake import clock_of
from services.gateway.web.views import Reader, request_view
from tests.fakes.store import InMemoryDocumentStore

CATALOGUE, STATIONS = reference_data()
ADMIN = {"role": "admin", "name": "系统管理员", "username": "admin"}
STAFF = {"role": "staff", "name": "王芳", "username": "staff-321322"}


def china_morning(day):
    """10:00 in Suqian on ``day``."""
    return datetime(day.year, day.month, day.day, 2, tzinfo=UTC)


def official_2027(*extra_days_off):
    """An official 2027 schedule: the statutory days, and ``extra_days_off`` in 元旦's block."""
    rules = shipped_calendar().year(2027)
    blocks = [HolidayBlock(block.name, tuple(sorted(set(block.dates) | (set(extra_days_off) if
                                                                     block.name.startswith("元旦") else set()))))
              for block in rules.blocks]
    return YearSchedule(2027, tuple(blocks), (), OFFICIAL, "国务院办公厅关于2027年部分节假日安排的通知",
                        loaded_at="2026-11-20T02:00:00+00:00", loaded_by=ADMIN)


@pytest.fixture
def store():
    return InMemoryDocumentStore()


@pytest.fixture
def requests(store):
    return RequestRepository(store)


@pytest.fixture
def book():
    return CalendarBook(CalendarRepository(InMemoryDocumentStore()), builtin_schedules())


def accepted_request(requests, item, accepted_on, number=1, status="accepted"):
    accepted = china_morning(accepted_on)
    request = ServiceRequest.submit(f"321322-{accepted_on:%Y%m%d}-{number:05d}-0", CATALOGUE.item(item), "321322",
                                    {"name": "宿迁市测试精密机械有限公司", "uscc": "91321322MA1ABC123P"},
                                    {"name": "张伟", "phone": "13912345678"}, {}, accepted - timedelta(hours=1))
    request.accept(STAFF, accepted)
    if status == "dispatched":
        request.dispatch(STAFF, accepted)
    requests.add(request)
    return request.code


def due_of(requests, book, code, today):
    request = requests.get(code)
    return clock_of(request, CATALOGUE, book.current()).due(request, today)


def test_a_schedule_that_adds_a_day_off_moves_the_due_date_and_says_so(requests, book):
    code = accepted_request(requests, "JL03", date(2026, 12, 7))  # 20 working days
    now = china_morning(date(2026, 12, 10))
    assert due_of(requests, book, code, now.date()) == date(2027, 1, 5)

    loaded = load_official_schedule(book, requests, official_2027(date(2027, 1, 4)), ADMIN, now, CATALOGUE)

    assert loaded["moved"] == [{"code": code, "due_from": "2027-01-05", "due_to": "2027-01-06"}]
    assert loaded["schedule"].year == 2027 and not loaded["schedule"].provisional
    request = requests.get(code)
    entry = request.timeline[-1]
    assert (entry["event"], entry["details"], entry["actor"], entry["at"]) == (
        "due_date_changed", {"due_from": "2027-01-05", "due_to": "2027-01-06", "year": 2027}, ADMIN, now.isoformat())
    view = request_view(request, Reader("en", CATALOGUE, STATIONS, book.current(), now.date()))
    assert (view["due_date"], view["due_date_provisional"]) == ("2027-01-06", False)
    assert view["timeline"][-1]["label"] == ("The official 2027 holiday schedule was loaded: the committed date "
                                             "moved from 2027-01-05 to 2027-01-06")


def test_the_event_moves_the_metrics_clock_on_any_replica_within_a_second(requests, store, book):
    code = accepted_request(requests, "JL03", date(2026, 12, 7))
    ticks = [0.0]
    replica = CalendarBook(book.stored, builtin_schedules(), monotonic=lambda: ticks[0])  # another gateway
    clocks = InMemoryDocumentStore()

    def fold(envelopes):  # what the replica's relay does with a confirmed batch
        calendar = replica.current(max_age=CLOCK_CALENDAR_SECONDS)
        ServiceLevelRepository(InMemoryDocumentStore(), clocks, lambda item: CATALOGUE.item(item).committed_days,
                               calendar, lambda: china_morning(date(2026, 12, 10))).fold_all(envelopes)

    fold(store.pending_envelopes())
    assert clocks.load(code)["due_date"] == "2027-01-05"
    before = {envelope["event_id"] for envelope in store.pending_envelopes()}
    load_official_schedule(book, requests, official_2027(date(2027, 1, 4)), ADMIN, china_morning(date(2026, 12, 10)),
                           CATALOGUE)
    moved = [envelope for envelope in store.pending_envelopes() if envelope["event_id"] not in before]
    assert [envelope["type"] for envelope in moved] == ["request_due_date_changed"]
    assert not replica.current().is_official(2027), "the replica's views may lag for CACHE_SECONDS"

    ticks[0] = CLOCK_CALENDAR_SECONDS
    fold(moved)

    assert clocks.load(code)["due_date"] == "2027-01-06"
    assert clocks.load(code)["due_epoch"] == datetime(2027, 1, 5, 16, tzinfo=UTC).timestamp()  # 00:00 in Suqian


def test_alerts_raised_stay_and_the_new_due_date_is_checked_at_once(requests, book):
    code = accepted_request(requests, "BZ01", date(2026, 12, 31))  # 1 working day: due Monday 4 January
    now = china_morning(date(2027, 1, 5))
    request = requests.get(code)
    assert request.check_service_level(clock_of(request, CATALOGUE, book.current()), now)  # breached on the 5th
    requests.save(request)

    load_official_schedule(book, requests, official_2027(date(2027, 1, 4)), ADMIN, now, CATALOGUE)

    request = requests.get(code)
    alerts = [(entry["event"], entry["details"]) for entry in request.timeline if entry["event"] != "accepted"][1:]
    assert alerts == [
        ("sla_breached", {"due": "2027-01-04"}),
        ("due_date_changed", {"due_from": "2027-01-04", "due_to": "2027-01-05", "year": 2027}),
        ("sla_at_risk", {"due": "2027-01-05"}),  # due today on the official calendar
    ]
    assert request.sla_alerts == {"sla_breached": "2027-01-04", "sla_at_risk": "2027-01-05"}


def test_requests_the_schedule_does_not_touch_are_left_alone(requests, book):
    november = accepted_request(requests, "JL01", date(2026, 11, 2), number=1)  # due in November
    next_year = accepted_request(requests, "JL01", date(2028, 1, 3), number=2)  # counts 2028 only
    completed = accepted_request(requests, "JL03", date(2026, 12, 7), number=3)
    finished = requests.get(completed)
    finished.status = "completed"
    requests.save(finished)
    before = {code: requests.get(code).version for code in (november, next_year, completed)}

    loaded = load_official_schedule(book, requests, official_2027(date(2027, 1, 4)), ADMIN,
                                    china_morning(date(2026, 12, 10)), CATALOGUE)

    assert [moved["code"] for moved in loaded["moved"]] == []
    assert {code: requests.get(code).version for code in before} == before


def test_a_paused_request_moves_too(requests, book):
    code = accepted_request(requests, "JL03", date(2026, 12, 7))
    request = requests.get(code)
    request.request_material(STAFF, china_morning(date(2026, 12, 8)), "请补充器具照片")
    requests.save(request)
    now = china_morning(date(2026, 12, 10))  # paused on the 8th: two working days so far
    assert due_of(requests, book, code, now.date()) == date(2027, 1, 7)

    loaded = load_official_schedule(book, requests, official_2027(date(2027, 1, 4)), ADMIN, now, CATALOGUE)

    assert loaded["moved"] == [{"code": code, "due_from": "2027-01-07", "due_to": "2027-01-08"}]


def test_loading_the_same_schedule_again_tells_nobody_twice_and_finishes_an_interrupted_load(requests, book):
    first = accepted_request(requests, "JL03", date(2026, 12, 7), number=1)
    schedule = official_2027(date(2027, 1, 4))
    now = china_morning(date(2026, 12, 10))
    load_official_schedule(book, requests, schedule, ADMIN, now, CATALOGUE)
    # As if the process died after storing a correction, before moving any due date:
    second = accepted_request(requests, "JL03", date(2026, 12, 7), number=2)
    corrected = official_2027(date(2027, 1, 4), date(2027, 1, 5))
    stored = book.stored.get(2027)
    book.stored.put(corrected, stored.schedule, stored.version)

    again = load_official_schedule(book, requests, corrected, ADMIN, now, CATALOGUE)

    # each compared with the schedule the correction replaced
    assert sorted(again["moved"], key=lambda moved: moved["code"]) == [
        {"code": first, "due_from": "2027-01-06", "due_to": "2027-01-07"},
        {"code": second, "due_from": "2027-01-06", "due_to": "2027-01-07"}]
    assert load_official_schedule(book, requests, corrected, ADMIN, now, CATALOGUE)["moved"] == []
    changes = [entry for entry in requests.get(first).timeline if entry["event"] == "due_date_changed"]
    assert [entry["details"]["due_to"] for entry in changes] == ["2027-01-06", "2027-01-07"]
