"""The enterprise's own requests on ``/me`` (issue 29 §1), on in-memory stores: newest
first, filtered by status, item and the days submitted, found by request code (a
multi-item submission's code finds its requests) or by an instrument's serial number,
a page at a time; another enterprise's requests never show."""

import copy
from datetime import date, timedelta

import pytest

from services.gateway.adapters.repository import RequestGroupRepository, RequestRepository
from services.gateway.bootstrap import reference_data
from services.gateway.domain.access import Forbidden, Principal
from services.gateway.domain.request_code import WrongCheckCharacter
from services.gateway.domain.request_search import OPEN, RequestSearch
from services.gateway.handlers import intake
from services.gateway.handlers.enterprise import my_requests_matching
from services.gateway.web.schemas.intake import load_submission
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import JL01_BODY, JL02_BODY, NOW, through_the_station

CATALOGUE, STATIONS = reference_data()
USCC = JL01_BODY["enterprise"]["uscc"]
OTHER_USCC = "91321302MA1XYW789B"
ENTERPRISE = Principal(USCC, "enterprise", "宿迁市测试精密机械有限公司", uscc=USCC)


def body(template, serial, uscc=USCC):
    changed = copy.deepcopy(template)
    changed["enterprise"]["uscc"] = uscc
    changed["details"]["instruments"][0]["serial_number"] = serial
    return changed


@pytest.fixture
def world():
    requests, groups = RequestRepository(InMemoryDocumentStore()), RequestGroupRepository(InMemoryDocumentStore())

    def submit(form, days_ago=0):
        submission = load_submission(form, CATALOGUE, STATIONS)
        return intake.submit(requests, groups, submission, CATALOGUE, NOW - timedelta(days=days_ago))

    old, _ = submit(body(JL01_BODY, "PG-OLD"), days_ago=40)
    accepted, _ = submit(body(JL02_BODY, "SN-SHARED"), days_ago=10)
    through_the_station(requests, accepted.code)
    group, children = submit({**{k: v for k, v in JL01_BODY.items() if k not in ("item", "details")},
                              "items": ["JL01", "JL02"],
                              "details": {"JL01": body(JL01_BODY, "PG-GROUP")["details"],
                                          "JL02": body(JL02_BODY, "SN-SHARED")["details"]}}, days_ago=1)
    newest, _ = submit(body(JL01_BODY, "PG-NEW"))
    submit(body(JL01_BODY, "SN-SHARED", uscc=OTHER_USCC))  # someone else's
    return requests, {"old": old, "accepted": accepted, "group": group, "children": children, "newest": newest}


def codes(page):
    return [request.code for request in page.requests]


def test_every_request_of_the_enterprise_newest_first_and_nobody_elses(world):
    requests, made = world
    page = my_requests_matching(requests, ENTERPRISE, RequestSearch())
    children = [child.code for child in made["children"]]
    assert codes(page)[0] == made["newest"].code and codes(page)[-1] == made["old"].code
    assert set(codes(page)) == {made["old"].code, made["accepted"].code, made["newest"].code, *children}
    assert page.total == 5


def test_a_page_at_a_time_with_the_total(world):
    requests, made = world
    first = my_requests_matching(requests, ENTERPRISE, RequestSearch(), offset=0, limit=2)
    rest = my_requests_matching(requests, ENTERPRISE, RequestSearch(), offset=2, limit=2)
    last = my_requests_matching(requests, ENTERPRISE, RequestSearch(), offset=4, limit=2)
    assert first.total == rest.total == last.total == 5
    assert len(codes(first)) == 2 and len(codes(rest)) == 2 and codes(last) == [made["old"].code]
    assert not set(codes(first)) & set(codes(rest))


def test_by_status_item_and_still_open(world):
    requests, made = world
    dispatched = my_requests_matching(requests, ENTERPRISE, RequestSearch.of(status="dispatched"))
    assert codes(dispatched) == [made["accepted"].code]
    jl02 = my_requests_matching(requests, ENTERPRISE, RequestSearch.of(item="JL02"))
    assert set(codes(jl02)) == {made["accepted"].code, made["children"][1].code}
    still_open = my_requests_matching(requests, ENTERPRISE, RequestSearch.of(status=OPEN))
    assert still_open.total == 5
    assert my_requests_matching(requests, ENTERPRISE, RequestSearch.of(status="completed")).total == 0


def test_by_the_days_submitted_in_china(world):
    requests, made = world
    today = date(2026, 11, 26)  # NOW is 10:30 in Suqian
    last_week = my_requests_matching(requests, ENTERPRISE, RequestSearch.of(
        submitted_from=today - timedelta(days=7), submitted_to=today))
    assert set(codes(last_week)) == {made["newest"].code, *[child.code for child in made["children"]]}
    before = my_requests_matching(requests, ENTERPRISE, RequestSearch.of(submitted_to=today - timedelta(days=2)))
    assert set(codes(before)) == {made["old"].code, made["accepted"].code}
    one_day = my_requests_matching(requests, ENTERPRISE, RequestSearch.of(
        submitted_from=today - timedelta(days=10), submitted_to=today - timedelta(days=10)))
    assert codes(one_day) == [made["accepted"].code]


def test_by_request_code_typed_any_way_or_a_submissions_code(world):
    requests, made = world
    typed = made["accepted"].code.replace("-", " ").lower()
    assert codes(my_requests_matching(requests, ENTERPRISE, RequestSearch.of(text=typed))) == [made["accepted"].code]
    by_group = my_requests_matching(requests, ENTERPRISE, RequestSearch.of(text=made["group"].code))
    assert set(codes(by_group)) == {child.code for child in made["children"]}
    with pytest.raises(WrongCheckCharacter):
        RequestSearch.of(text=made["accepted"].code[:-1] + ("0" if made["accepted"].code[-1] != "0" else "1"))


def test_by_an_instruments_serial_number_of_its_own_requests_only(world):
    requests, made = world
    shared = my_requests_matching(requests, ENTERPRISE, RequestSearch.of(text="SN-SHARED"))
    assert set(codes(shared)) == {made["accepted"].code, made["children"][1].code}
    assert codes(my_requests_matching(requests, ENTERPRISE, RequestSearch.of(text=" PG-OLD "))) == [made["old"].code]
    assert my_requests_matching(requests, ENTERPRISE, RequestSearch.of(text="PG-NONE")).total == 0


def test_filters_combine(world):
    requests, made = world
    found = my_requests_matching(requests, ENTERPRISE, RequestSearch.of(status="submitted", item="JL02",
                                                                         text="SN-SHARED"))
    assert codes(found) == [made["children"][1].code]


def test_only_an_enterprise_account_has_requests_of_its_own(world):
    requests, _ = world
    with pytest.raises(Forbidden):
        my_requests_matching(requests, Principal("staff-321322", "staff", "王芳", station="321322"), RequestSearch())
