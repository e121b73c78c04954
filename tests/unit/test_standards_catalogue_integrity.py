"""The standards catalogue the service ships holds together (issue 27 §6): every
replacement it names is in it, every entry says where its data comes from, an undated
number means the current edition, a number is found however it is typed or through the
international standard it adopts, and a declaration citing what the catalogue does not
have is not approved silently."""

import re
from pathlib import Path

import pytest

from services.common.domain import RuleViolated
from services.common.standard_number import parse_number
from services.standards import handlers
from services.standards.adapters.follows import FollowRegistry
from services.standards.adapters.repository import CaseRepository, StandardRepository
from services.standards.bootstrap import seed_entries
from services.standards.domain.catalogue import CURRENT, SUPERSEDED, WITHDRAWN
from services.standards.domain.search import international_number
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import NOW
from ..support.events import dispatched_work

SEED = seed_entries()
BY_NUMBER = {entry["number"]: entry for entry in SEED}
README = Path(__file__).resolve().parents[2] / "README.md"
CODE = "321322-20261126-00001-6"


@pytest.fixture
def standards():
    repository = StandardRepository(InMemoryDocumentStore())
    handlers.seed_catalogue(repository, SEED)
    return repository


class TestTheShippedCatalogue:
    def test_numbers_are_canonical_and_unique(self):
        assert [entry["number"] for entry in SEED if str(parse_number(entry["number"])) != entry["number"]] == []
        assert len(BY_NUMBER) == len(SEED)

    def test_every_replacement_it_names_is_in_it(self):
        dangling = {entry["number"]: entry["replaced_by"] for entry in SEED
                    if entry["replaced_by"] and entry["replaced_by"] not in BY_NUMBER}
        assert dangling == {}

    def test_a_superseded_standard_names_what_replaced_it_and_nothing_replaces_itself(self):
        assert [e["number"] for e in SEED if e["status"] == SUPERSEDED and not e["replaced_by"]] == []
        assert [e["number"] for e in SEED if e["replaced_by"] == e["number"]] == []
        assert {e["status"] for e in SEED} <= {CURRENT, SUPERSEDED, WITHDRAWN}

    def test_every_entry_names_where_its_data_comes_from(self):
        assert [entry["number"] for entry in SEED if not (entry.get("source") or "").strip()] == []

    def test_every_adoption_names_an_international_standard_its_degree_and_its_source(self):
        adoptions = {entry["number"]: entry["adopts"] for entry in SEED if entry.get("adopts")}
        assert "GB/T 19001-2016" in adoptions
        for adopts in adoptions.values():
            assert international_number(adopts["number"]) is not None
            assert adopts["degree"] in ("idt", "mod", "neq") and adopts["source"].strip()

    def test_the_methods_the_readme_walkthrough_cites_are_catalogued(self):
        walkthrough = "\n".join(re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.S))
        cited = {str(number) for number in map(parse_number, re.findall(r"JJ[GF] \d+-\d{4}", walkthrough))}
        assert "JJG 875-2019" in cited
        assert cited - set(BY_NUMBER) == set()


class TestFindingAStandard:
    def test_a_number_without_a_year_is_the_current_edition_not_a_superseded_one(self, standards):
        assert handlers.get_standard(standards, "JJG 49", NOW)["number"] == "JJG 49-2013"
        assert handlers.search(standards, "JJG 49", NOW)["results"][0]["number"] == "JJG 49-2013"
        assert handlers.get_standard(standards, "GB/T 19004", NOW)["number"] == "GB/T 19004-2020"

    @pytest.mark.parametrize("typed", ["gbt19001", "GBT19001-2016", "gb t 19001", "GB/T 19001 2016"])
    def test_a_number_is_looked_up_as_tolerantly_as_it_is_searched(self, standards, typed):
        assert handlers.get_standard(standards, typed, NOW)["number"] == "GB/T 19001-2016"
        assert handlers.search(standards, typed, NOW)["results"][0]["number"] == "GB/T 19001-2016"

    @pytest.mark.parametrize("typed, national", [
        ("ISO 9001", "GB/T 19001-2016"), ("iso 9001:2015", "GB/T 19001-2016"),
        ("ISO/IEC 17025", "GB/T 27025-2019"), ("ISO 17025", "GB/T 27025-2019"),
    ])
    def test_a_national_standard_is_found_through_the_international_one_it_adopts(self, standards, typed,
                                                                                   national):
        found = handlers.search(standards, typed, NOW)
        assert found["results"][0]["number"] == national
        assert found["results"][0]["adopts"]["degree"] == "idt"
        assert handlers.get_standard(standards, typed, NOW)["number"] == national

    def test_an_adoption_of_another_edition_is_not_offered(self, standards):
        assert handlers.search(standards, "ISO 9001:2008", NOW)["total"] == 0

    def test_a_stored_catalogue_learns_what_its_standards_adopt_without_losing_an_administrators_change(self):
        repository = StandardRepository(InMemoryDocumentStore())
        handlers.seed_catalogue(repository, [{**entry, "adopts": None} for entry in SEED])
        handlers.end_standard(repository, FollowRegistry(InMemoryDocumentStore()), "GB/T 27025-2019", "withdrawn",
                              None, NOW)
        handlers.seed_catalogue(repository, SEED)
        stored = repository.get("GB/T 27025-2019")
        assert stored.adopts["number"] == "ISO/IEC 17025:2017" and stored.status == "withdrawn"


class TestADeclarationCitingWhatTheCatalogueLacks:
    DETAILS = {"product_name": "精密机械零部件", "standard_number": "Q/SQJX 001-2026",
               "referenced_standards": "GB/T 19001-2016\nGB/T 99999-2024", "standard_text": "…"}

    @pytest.fixture
    def case(self, standards):
        cases = CaseRepository(InMemoryDocumentStore())
        work = dispatched_work(CODE, "BZ02", "standards", self.DETAILS)
        handlers.receive_dispatched_request(cases, standards, FollowRegistry(InMemoryDocumentStore()), work, NOW)
        return cases

    def test_is_flagged_not_verified(self, case, standards):
        found = handlers.case_as_of(case, standards, CODE, NOW)
        unverified = next(ref for ref in found.references if ref["cited"] == "GB/T 99999-2024")
        assert (unverified["state"], unverified["verified"]) == ("unverified", False)
        assert next(ref for ref in found.references if ref["cited"] == "GB/T 19001-2016")["verified"] is True
        checked = [e for e in case.store.pending_envelopes() if e["type"] == "references_checked"][-1]
        assert checked["data"]["unverified"] == ["GB/T 99999-2024"]

    def test_is_not_approved_silently(self, case, standards):
        with pytest.raises(RuleViolated) as refused:
            handlers.review_declaration(case, standards, CODE, {"decision": "approved", "comments": None}, NOW)
        assert refused.value.code == "unverified_references"
        assert refused.value.params == {"numbers": "GB/T 99999-2024"}

    def test_is_approved_once_the_reviewer_says_they_checked_it_and_the_decision_names_it(self, case, standards):
        reviewed = handlers.review_declaration(case, standards, CODE, {
            "decision": "approved", "comments": "已向发布机构核实", "acknowledge_unverified": True}, NOW)
        assert reviewed.review["unverified_references"] == ["GB/T 99999-2024"]
        decided = [e for e in case.store.pending_envelopes() if e["type"] == "declaration_reviewed"][-1]
        assert decided["data"]["result"]["unverified_references"] == ["GB/T 99999-2024"]

    def test_the_case_view_reflects_a_supersession_at_once(self, case, standards):
        follows = FollowRegistry(InMemoryDocumentStore())
        handlers.add_standard(standards, {"number": "GB/T 19001-2026", "title_zh": "质量管理体系 要求",
                                          "title_en": None, "issued": None, "effective": None, "ics": None}, NOW)
        handlers.end_standard(standards, follows, "GB/T 19001-2016", "superseded", "GB/T 19001-2026", NOW)
        seen = handlers.case_as_of(case, standards, CODE, NOW)
        cited = next(ref for ref in seen.references if ref["cited"] == "GB/T 19001-2016")
        assert (cited["state"], cited["replaced_by"]) == ("superseded", "GB/T 19001-2026")
