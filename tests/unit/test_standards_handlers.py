"""Standards on in-memory stores: the catalogue, its search, BZ cases and the standards watch."""

from datetime import date, datetime, time

import pytest

from services.common.clock import CHINA
from services.common.domain import InvalidTransition
from services.standards import handlers
from services.standards.adapters.follows import FollowRegistry
from services.standards.adapters.repository import CaseRepository, StandardRepository
from services.standards.bootstrap import seed_entries
from services.standards.domain.model import FlaggedReferences
from services.standards.exceptions import (
    CaseNotFound,
    StandardExists,
    StandardNotFound,
    UnknownReplacement,
)
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import NOW
from ..support.events import dispatched_work

ENTERPRISE = {"name": "宿迁市测试精密机械有限公司", "uscc": "91321322MA1ABC123P"}
OTHER_ENTERPRISE = {"name": "沭阳县示例食品有限公司", "uscc": "91321322MA1XYZ9875"}
SEED = seed_entries()


def on(day):
    return datetime.combine(date.fromisoformat(day), time(10), tzinfo=CHINA)


@pytest.fixture
def standards():
    repository = StandardRepository(InMemoryDocumentStore())
    handlers.seed_catalogue(repository, SEED)
    return repository


@pytest.fixture
def cases():
    return CaseRepository(InMemoryDocumentStore())


@pytest.fixture
def follows():
    return FollowRegistry(InMemoryDocumentStore())


def numbers(result):
    return [standard["number"] for standard in result["results"]]


def dispatch(
    cases,
    standards,
    follows,
    item,
    details,
    code="321322-20261126-00001-6",
    enterprise=ENTERPRISE,
    now=NOW,
):
    work = dispatched_work(code, item, "standards", details, enterprise=enterprise)
    return handlers.receive_dispatched_request(cases, standards, follows, work, now)


def case_events(cases):
    return [e["type"] for e in cases.store.pending_envelopes()]


class TestCatalogue:
    def test_the_shipped_catalogue_is_seeded_once(self, standards):
        assert len(standards.all()) == len(SEED) >= 100
        assert handlers.seed_catalogue(standards, SEED) == 0

    def test_a_standard_published_but_not_yet_in_force_reads_as_upcoming_until_its_effective_date(
        self, standards
    ):
        assert handlers.get_standard(standards, "GB 7718-2025", NOW)["state"] == "upcoming"
        assert (
            handlers.get_standard(standards, "GB 7718-2025", on("2027-03-16"))["state"] == "current"
        )

    def test_a_standard_shows_what_it_replaces_and_every_edition(self, standards):
        found = handlers.get_standard(standards, "GB/T 19001-2016", NOW)
        assert found["replaces"] == ["GB/T 19001-2008"]
        assert found["editions"] == ["GB/T 19001-2016", "GB/T 19001-2008"]
        assert (
            handlers.get_standard(standards, "GB/T 19001-2008", NOW)["replaced_by"]
            == "GB/T 19001-2016"
        )

    def test_an_unknown_standard_is_named_as_such(self, standards):
        with pytest.raises(StandardNotFound):
            handlers.get_standard(standards, "GB/T 99999-2020", NOW)


class TestSearch:
    def test_the_exact_number_comes_first(self, standards):
        assert numbers(handlers.search(standards, "GB/T 19001-2016", NOW))[0] == "GB/T 19001-2016"

    @pytest.mark.parametrize(
        "typed",
        [
            "gb/t19001-2016",
            "ＧＢ／Ｔ　１９００１－２０１６",
            "GBT 19001—2016",
            " GB/T  19001-2016 ",
        ],
    )
    def test_numbers_are_read_however_they_are_typed(self, standards, typed):
        result = handlers.search(standards, typed, NOW)
        assert result["normalized"] == "GB/T 19001-2016"
        assert numbers(result)[0] == "GB/T 19001-2016"

    def test_a_number_without_its_year_means_the_latest_edition_then_the_older_ones(
        self, standards
    ):
        result = handlers.search(standards, "JJG 162", NOW)
        assert numbers(result)[:3] == ["JJG 162-2019", "JJG 162-2009", "JJG 162-2007"]

    def test_the_latest_edition_comes_first_even_before_it_is_in_force(self, standards):
        assert numbers(handlers.search(standards, "GB 7718", NOW))[:2] == [
            "GB 7718-2025",
            "GB 7718-2011",
        ]

    def test_a_number_prefix_finds_the_numbers_that_start_with_it(self, standards):
        found = numbers(handlers.search(standards, "GB/T 1900", NOW))
        assert {"GB/T 19000-2016", "GB/T 19001-2016", "GB/T 19004-2011"} <= set(found)
        assert all(number.startswith("GB/T 1900") for number in found)

    def test_bare_digits_find_the_number_in_any_series(self, standards):
        assert numbers(handlers.search(standards, "19001", NOW))[:2] == [
            "GB/T 19001-2016",
            "GB/T 19001-2008",
        ]

    def test_a_chinese_title_finds_the_standard_in_force_before_the_one_it_replaced(
        self, standards
    ):
        assert numbers(handlers.search(standards, "质量管理体系 要求", NOW))[:2] == [
            "GB/T 19001-2016",
            "GB/T 19001-2008",
        ]

    def test_a_chinese_keyword_finds_every_title_containing_it_exact_title_first(self, standards):
        result = handlers.search(standards, "电子天平", NOW)
        assert numbers(result)[0] == "JJG 1036-2022"
        assert all("电子天平" in standard["title_zh"] for standard in result["results"])

    def test_a_number_match_outranks_a_title_match(self, standards):
        assert numbers(handlers.search(standards, "GB 2760", NOW))[0] == "GB 2760-2024"

    def test_nothing_matches_nonsense_and_results_are_limited(self, standards):
        assert handlers.search(standards, "量子纠缠咖啡机", NOW)["total"] == 0
        many = handlers.search(standards, "JJG", NOW, limit=5)
        assert len(many["results"]) == 5 and many["total"] > 5


class TestAdministration:
    def test_an_administrator_adds_a_new_edition(self, standards):
        added = handlers.add_standard(
            standards,
            {
                "number": "gb/t 19001-2026",
                "title_zh": "质量管理体系 要求",
                "title_en": None,
                "issued": "2026-10-01",
                "effective": "2027-05-01",
                "ics": None,
            },
            NOW,
        )
        assert added["number"] == "GB/T 19001-2026" and "GB/T 19001-2016" in added["editions"]
        assert handlers.get_standard(standards, "GB/T 19001-2026", NOW)["state"] == "upcoming"
        with pytest.raises(StandardExists):
            handlers.add_standard(
                standards,
                {
                    "number": "GB/T 19001-2026",
                    "title_zh": "重复",
                    "title_en": None,
                    "issued": None,
                    "effective": None,
                    "ics": None,
                },
                NOW,
            )

    def test_superseding_announces_it_to_the_enterprises_that_follow_the_standard(
        self, standards, follows, cases
    ):
        dispatch(cases, standards, follows, "BZ01", {"query": "GB 2760-2024"})
        dispatch(
            cases,
            standards,
            follows,
            "BZ01",
            {"query": "GB 2760"},
            code="321322-20261126-00002-4",
            enterprise=OTHER_ENTERPRISE,
        )
        handlers.end_standard(
            standards, follows, "GB 5009.12-2023", "withdrawn", None, NOW
        )  # followed by no one
        ended = handlers.end_standard(standards, follows, "gb 2760-2024", "withdrawn", None, NOW)
        assert (ended["number"], ended["state"]) == ("GB 2760-2024", "withdrawn")
        assert handlers.get_standard(standards, "GB 2760-2024", NOW)["state"] == "withdrawn"
        event = next(
            e
            for e in standards.store.pending_envelopes()
            if e["data"].get("number") == "GB 2760-2024"
        )
        assert event["type"] == "standard_superseded" and event["request_code"] is None
        assert event["data"]["status"] == "withdrawn"
        assert standards.get("GB 2760-2024").ended_on == "2026-11-26"
        assert [f["uscc"] for f in event["data"]["followers"]] == [
            ENTERPRISE["uscc"],
            OTHER_ENTERPRISE["uscc"],
        ]

    def test_an_enterprise_reads_what_it_follows_and_an_unfollowed_standard_tells_it_nothing(
        self, standards, follows, cases
    ):
        dispatch(cases, standards, follows, "BZ01", {"query": "GB 2760-2024"})
        dispatch(cases, standards, follows, "BZ01", {"query": "GB 2760"}, code="321322-20261126-00002-4",
                 enterprise=OTHER_ENTERPRISE)
        handlers.end_standard(standards, follows, "GB 2760-2024", "withdrawn", None, NOW)
        (followed,) = handlers.followed_standards(standards, follows, ENTERPRISE["uscc"], NOW)
        assert (followed["number"], followed["state"]) == ("GB 2760-2024", "withdrawn")
        assert followed["request_code"] == "321322-20261126-00001-6" and followed["title_zh"]
        assert handlers.unfollow(follows, ENTERPRISE["uscc"], "GB 2760-2024") is True
        assert handlers.unfollow(follows, ENTERPRISE["uscc"], "GB 2760-2024") is False
        assert handlers.followed_standards(standards, follows, ENTERPRISE["uscc"], NOW) == []
        assert [f.uscc for f in follows.followers("GB 2760-2024")] == [OTHER_ENTERPRISE["uscc"]]

    def test_a_standard_is_superseded_only_by_a_current_catalogued_one_and_only_once(
        self, standards, follows
    ):
        with pytest.raises(UnknownReplacement):
            handlers.end_standard(
                standards, follows, "GB/T 19001-2016", "superseded", "GB/T 19001-2030", NOW
            )
        with pytest.raises(UnknownReplacement):
            handlers.end_standard(
                standards, follows, "GB/T 19001-2016", "superseded", "GB/T 19001-2008", NOW
            )
        with pytest.raises(InvalidTransition):
            handlers.end_standard(standards, follows, "GB/T 19001-2008", "withdrawn", None, NOW)

    def test_a_replacement_taking_effect_supersedes_the_edition_it_replaces_on_that_day(
        self, standards, follows
    ):
        assert handlers.supersede_replaced_in_force(standards, follows, on("2027-03-15")) == 0
        assert handlers.supersede_replaced_in_force(standards, follows, on("2027-03-16")) == 1
        assert handlers.get_standard(standards, "GB 7718-2011", NOW)["status"] == "superseded"
        assert handlers.supersede_replaced_in_force(standards, follows, on("2027-03-17")) == 0


class TestLookup:
    def test_a_lookup_is_answered_from_the_catalogue_on_arrival_and_its_standards_are_followed(
        self, cases, standards, follows
    ):
        case = dispatch(
            cases, standards, follows, "BZ01", {"query": "GB/T 19001", "purpose": "体系认证"}
        )
        assert case.status == "answered"
        assert [s["number"] for s in case.answer["standards"]][:2] == [
            "GB/T 19001-2016",
            "GB/T 19001-2008",
        ]
        assert case.answer["standards"][1]["state"] == "superseded"
        assert case_events(cases) == ["job_accepted", "lookup_answered"]
        assert follows.followers("GB/T 19001-2016")[0].uscc == ENTERPRISE["uscc"]

    def test_the_same_dispatch_twice_answers_once(self, cases, standards, follows):
        work = dispatched_work(
            "321322-20261126-00001-6", "BZ01", "standards", {"query": "JJG 52"}
        )
        handlers.receive_dispatched_request(cases, standards, follows, work, NOW)
        assert handlers.receive_dispatched_request(cases, standards, follows, work, NOW) is None
        assert case_events(cases) == ["job_accepted", "lookup_answered"]

    def test_a_lookup_the_catalogue_cannot_answer_waits_for_a_written_answer(
        self, cases, standards, follows
    ):
        case = dispatch(cases, standards, follows, "BZ01", {"query": "量子纠缠咖啡机"})
        assert case.status == "awaiting_answer"
        answered = handlers.answer_question(
            cases, case.request_code, {"answer": "目录中暂无，请咨询…", "attachments": []}, NOW
        )
        assert answered.status == "answered"
        assert case_events(cases) == ["job_accepted", "lookup_unmatched", "question_answered"]

    def test_a_lookup_answered_from_the_catalogue_takes_no_second_answer(
        self, cases, standards, follows
    ):
        case = dispatch(cases, standards, follows, "BZ01", {"query": "JJG 52"})
        with pytest.raises(InvalidTransition):
            handlers.answer_question(
                cases, case.request_code, {"answer": "再答", "attachments": []}, NOW
            )


class TestDeclarationReview:
    DETAILS = {
        "product_name": "精密压力表",
        "standard_number": "Q/SQJM 001-2026",
        "referenced_standards": "GB/T 1.1-2020 标准化工作导则\nJJG 52-1999 弹簧管式压力表\nGB/T 19001\n企业内部工艺规程",
        "standard_text": "出厂检验按 JJF 1059.1-2012 评定不确定度。",
    }

    @pytest.fixture
    def case(self, cases, standards, follows):
        return dispatch(cases, standards, follows, "BZ02", self.DETAILS)

    def review(self, cases, standards, case, decision, comments=None):
        return handlers.review_declaration(
            cases, standards, case.request_code, {"decision": decision, "comments": comments}, NOW
        )

    def test_cited_standards_are_checked_on_arrival_and_superseded_ones_flagged(
        self, case, cases, follows
    ):
        assert case.status == "under_review"
        states = {reference["cited"]: reference["state"] for reference in case.references}
        assert states == {
            "GB/T 1.1-2020": "current",
            "JJG 52-1999": "superseded",
            "GB/T 19001": "current",
            "JJF 1059.1-2012": "current",
        }
        assert case.flagged_references() == ["JJG 52-1999"]
        assert case.unrecognised == ["企业内部工艺规程"]
        checked = cases.store.pending_envelopes()[-1]
        assert checked["type"] == "references_checked" and checked["data"]["flagged"] == [
            "JJG 52-1999"
        ]
        assert follows.followers("JJG 52-1999") and follows.followers("GB/T 19001-2016")

    def test_a_declaration_citing_a_superseded_standard_cannot_be_approved(
        self, case, cases, standards
    ):
        with pytest.raises(FlaggedReferences):
            self.review(cases, standards, case, "approved")

    def test_the_reviewer_asks_for_changes_with_comments(self, case, cases, standards):
        reviewed = self.review(
            cases, standards, case, "changes_requested", "JJG 52-1999 已被 JJG 52-2013 代替，请更新"
        )
        assert reviewed.status == "reviewed"
        event = cases.store.pending_envelopes()[-1]
        assert event["type"] == "declaration_reviewed"
        assert event["data"]["result"]["flagged_references"] == ["JJG 52-1999"]

    def test_references_are_checked_again_when_the_decision_is_made(
        self, cases, standards, follows
    ):
        case = dispatch(
            cases,
            standards,
            follows,
            "BZ02",
            {**self.DETAILS, "referenced_standards": "GB/T 1.1-2020", "standard_text": None},
        )
        handlers.end_standard(standards, follows, "GB/T 1.1-2020", "withdrawn", None, NOW)
        with pytest.raises(FlaggedReferences):
            self.review(cases, standards, case, "approved")

    def test_a_clean_declaration_is_approved_once(self, cases, standards, follows):
        case = dispatch(
            cases,
            standards,
            follows,
            "BZ02",
            {**self.DETAILS, "referenced_standards": "GB/T 1.1-2020", "standard_text": None},
        )
        assert self.review(cases, standards, case, "approved").review["decision"] == "approved"
        with pytest.raises(InvalidTransition):
            self.review(cases, standards, case, "approved")


class TestConsulting:
    ATTACHMENT = {
        "name": "标准体系表.xlsx",
        "size": 20480,
        "sha256": "a" * 64,
        "content_type": None,
    }

    @pytest.mark.parametrize(
        "item,details",
        [
            ("BZ03", {"topic": "selection", "question": "出口电热水壶应执行哪些标准？"}),
            (
                "BZ04",
                {
                    "standard_level": "group",
                    "project_name": "预制菜冷链配送规范",
                    "stage": "drafting",
                    "description": "起草辅导",
                },
            ),
        ],
    )
    def test_a_consulting_case_is_answered_in_writing_with_attachments(
        self, cases, standards, follows, item, details
    ):
        case = dispatch(cases, standards, follows, item, details)
        assert case.status == "received"
        answered = handlers.answer_question(
            cases,
            case.request_code,
            {"answer": "建议执行 GB 4706.1-2005 …", "attachments": [self.ATTACHMENT]},
            NOW,
        )
        assert answered.answer["attachments"] == [self.ATTACHMENT]
        event = cases.store.pending_envelopes()[-1]
        assert (
            event["type"] == "question_answered"
            and event["data"]["result"]["attachments"][0]["sha256"] == "a" * 64
        )
        with pytest.raises(InvalidTransition):
            handlers.answer_question(
                cases, case.request_code, {"answer": "再答", "attachments": []}, NOW
            )

    def test_a_declined_case_dispatched_again_by_the_station_is_opened_afresh(self, cases, standards, follows):
        first = dispatched_work("321322-20261126-00001-6", "BZ03", "standards", {"question": "哪些标准？"})
        handlers.receive_dispatched_request(cases, standards, follows, first, NOW)
        declined = handlers.decline_job(cases, "321322-20261126-00001-6",
                                        {"operator": "标准业务员", "reason": "专家休假"}, NOW)
        assert declined["status"] == "declined"
        assert handlers.receive_dispatched_request(cases, standards, follows, first, NOW) is None  # redelivered
        again = dispatched_work("321322-20261126-00001-6", "BZ03", "standards", {"question": "哪些标准？"},
                                dispatch=2)
        reopened = handlers.receive_dispatched_request(cases, standards, follows, again, NOW)
        assert reopened.status == "received" and reopened.dispatch == 2
        assert case_events(cases) == ["job_accepted", "job_declined", "job_accepted"]

    def test_a_declaration_is_reviewed_not_answered(self, cases, standards, follows):
        case = dispatch(cases, standards, follows, "BZ02", TestDeclarationReview.DETAILS)
        with pytest.raises(InvalidTransition):
            handlers.answer_question(
                cases, case.request_code, {"answer": "答", "attachments": []}, NOW
            )

    def test_an_unknown_case_is_named_as_such(self, cases):
        with pytest.raises(CaseNotFound):
            handlers.answer_question(
                cases, "321322-20261126-00009-1", {"answer": "答", "attachments": []}, NOW
            )
