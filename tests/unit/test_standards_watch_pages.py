"""The standards watch as the enterprise reads it (issue 29 §1): its notices, the latest
first, and what it follows, from the standards service; only its own account reads or
unfollows, always for its own credit code."""

import pytest

from services.gateway.adapters.notices import NoticeBoard
from services.gateway.domain.access import Forbidden, Principal
from services.gateway.handlers.standards_watch import standards_watch, unfollow
from tests.fakes.store import InMemoryDocumentStore

USCC = "91321322MA1ABC123P"
ENTERPRISE = Principal(USCC, "enterprise", "宿迁市测试精密机械有限公司", uscc=USCC)


class Standards:
    """The standards service's answers, and what it was asked."""

    def __init__(self):
        self.followed = {USCC: [{"number": "GB 2760-2024", "state": "withdrawn"}]}
        self.asked = []

    def call(self, service, method, *args, **kwargs):
        self.asked.append((service, method, *args))
        if method == "followed_standards":
            return self.followed.get(args[0], [])
        numbers = [each["number"] for each in self.followed.get(args[0], [])]
        self.followed[args[0]] = [each for each in self.followed.get(args[0], []) if each["number"] != args[1]]
        return args[1] in numbers


def test_the_enterprise_reads_its_notices_latest_first_and_what_it_follows():
    board = NoticeBoard(InMemoryDocumentStore())
    board.post("e1", USCC, {"kind": "standard_superseded", "at": "2026-11-01T02:00:00+00:00", "number": "A"})
    board.post("e2", USCC, {"kind": "standard_withdrawn", "at": "2026-11-20T02:00:00+00:00", "number": "B"})
    board.post("e2", "91321302MA1XYW789B", {"kind": "standard_withdrawn", "at": "2026-11-20T02:00:00+00:00",
                                             "number": "B"})
    watch = standards_watch(Standards(), board, ENTERPRISE)
    assert [notice["number"] for notice in watch.notices] == ["B", "A"]
    assert watch.followed == [{"number": "GB 2760-2024", "state": "withdrawn"}]


def test_unfollowing_asks_for_the_enterprises_own_credit_code_only():
    standards = Standards()
    assert unfollow(standards, ENTERPRISE, "GB 2760-2024") is True
    assert unfollow(standards, ENTERPRISE, "GB 2760-2024") is False
    assert standards.asked[0] == ("standards", "unfollow", USCC, "GB 2760-2024")
    for stranger in (Principal("manager", "manager", "局"), Principal("s", "staff", "王", station="321322")):
        with pytest.raises(Forbidden):
            unfollow(standards, stranger, "GB 2760-2024")
        with pytest.raises(Forbidden):
            standards_watch(standards, NoticeBoard(InMemoryDocumentStore()), stranger)
