"""JL03 计量标准考核 (JJF 1033-2023): documents reviewed, the standard assessed, and a
decision by someone who took no part in the assessment, ending in a 计量标准考核证书."""

from datetime import date, timedelta

import pytest
from marshmallow import ValidationError

from services.common.domain import InvalidTransition, RuleViolated
from services.metrology import bootstrap, handlers
from services.metrology.domain.assessment import ASSESSMENT_RULE, VALIDITY_YEARS
from services.metrology.schemas import (
    AssessmentDecisionSchema,
    AssessmentSchema,
    DocumentReviewSchema,
)
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import JL02_BODY, NOW
from ..support.events import dispatched_work

CODE = "321322-20261126-00001-6"
DETAILS = {"standard_name": "精密压力表标准装置", "assessment_type": "new", "measuring_range": "(0-60) MPa",
           "uncertainty": "0.05级", "main_equipment": "活塞式压力计 YS-60"}
AUTHORITY = {"name": "宿迁市市场监督管理局", "address": "江苏省宿迁市", "authorization": None}
TODAY = date(2026, 11, 26)


class Assessment:
    def __init__(self, item="JL03", details=DETAILS):
        stores = {}
        ports = bootstrap.compose(lambda collection: stores.setdefault(collection, InMemoryDocumentStore()))
        self.jobs, self.certificates, self.standard_certificates = (ports.jobs, ports.certificates,
                                                                   ports.standard_certificates)
        handlers.receive_dispatched_request(self.jobs, dispatched_work(CODE, item, "metrology", details), NOW)

    def review(self, by="书审员甲", passed=True, comments=None):
        body = {"operator": by, "passed": passed, **({"comments": comments} if comments else {})}
        return handlers.review_standard_documents(self.jobs, CODE, lambda: DocumentReviewSchema().load(body), NOW)

    def assess(self, by="考评员乙", assessors=("考评员乙", "考评员丙"), conclusion="pass", on=TODAY):
        body = {"operator": by, "assessed_on": on.isoformat(), "assessors": list(assessors),
                "findings": "稳定性考核、重复性试验符合要求；技术档案齐全。", "conclusion": conclusion}
        return handlers.record_standard_assessment(self.jobs, CODE, lambda: AssessmentSchema().load(body), NOW)

    def decide(self, by="审批人丁", decision="grant", comments=None, now=NOW):
        body = {"operator": by, "decision": decision, **({"comments": comments} if comments else {})}
        return handlers.decide_standard_assessment(self.jobs, self.standard_certificates, CODE,
                                                   lambda: AssessmentDecisionSchema().load(body), AUTHORITY, now)

    def events(self, store):
        return [envelope["type"] for envelope in store.store.pending_envelopes()]


@pytest.fixture
def jl03():
    return Assessment()


class TestTheWholeAssessment:
    def test_ends_in_a_certificate_of_its_own_numbering_valid_five_years(self, jl03):
        jl03.review()
        jl03.assess()
        job = jl03.decide()
        assert job.status == "completed"
        (certificate,) = job.documents
        assert certificate["number"] == "SQBK-2026-000001"
        assert VALIDITY_YEARS == 5 and certificate["valid_until"] == "2031-11-25"
        stored = jl03.standard_certificates.get("SQBK-2026-000001")
        assert (stored.title, stored.laboratory["name"], stored.customer["uscc"]) == (
            "计量标准考核证书", "宿迁市市场监督管理局", JL02_BODY["enterprise"]["uscc"])
        assert stored.standard["standard_name"] == "精密压力表标准装置"
        assert stored.assessment["rule"] == ASSESSMENT_RULE == "JJF 1033-2023"
        assert jl03.events(jl03.jobs)[-3:] == ["documents_reviewed", "standard_assessed", "job_completed"]
        completed = [e for e in jl03.jobs.store.pending_envelopes() if e["type"] == "job_completed"][-1]
        assert completed["data"]["result"]["certificate_number"] == "SQBK-2026-000001"
        assert completed["data"]["result"]["valid_until"] == "2031-11-25"
        assert "standard_certificate_issued" in jl03.events(jl03.standard_certificates)

    def test_each_step_records_who_took_it(self, jl03):
        jl03.review()
        jl03.assess()
        job = jl03.decide()
        assert job.document_review["by"] == "书审员甲"
        assert (job.assessment["recorded_by"], job.assessment["assessors"]) == ("考评员乙", ["考评员乙", "考评员丙"])
        assert job.decision["by"] == "审批人丁"

    def test_anyone_verifies_the_certificate_and_it_reads_expired_after_its_validity(self, jl03):
        jl03.review()
        jl03.assess()
        jl03.decide()
        verified = handlers.verify_certificate(jl03.certificates, jl03.standard_certificates, "sqbk-2026-000001", NOW)
        assert (verified["status"], verified["valid_until"], verified["issuer"]) == (
            "current", "2031-11-25", "宿迁市市场监督管理局")
        assert verified["subject"]["measuring_range"] == "(0-60) MPa" and "contact" not in verified
        later = handlers.verify_certificate(jl03.certificates, jl03.standard_certificates, "SQBK-2026-000001",
                                            NOW + timedelta(days=365 * 5 + 2))
        assert later["status"] == "expired"


class TestImpartiality:
    @pytest.mark.parametrize("decider, role", [
        ("考评员丙", "role.assessor"), ("考评员乙", "role.assessor"), ("书审员甲", "role.document_reviewer")])
    def test_no_one_who_took_part_decides(self, jl03, decider, role):
        jl03.review()
        jl03.assess()
        with pytest.raises(RuleViolated) as refused:
            jl03.decide(by=decider)
        assert (refused.value.code, refused.value.params) == ("impartiality_conflict",
                                                              {"operator": decider, "role": role})
        assert jl03.jobs.get(CODE).status == "assessed" and not jl03.jobs.get(CODE).document_numbers

    def test_a_refusal_is_impartial_too(self, jl03):
        jl03.review()
        jl03.assess(conclusion="fail")
        with pytest.raises(RuleViolated):
            jl03.decide(by="考评员丙", decision="refuse", comments="重复性不合格")


class TestRulesOfThePath:
    def test_a_failed_assessment_is_not_granted_but_refused_with_reasons(self, jl03):
        jl03.review()
        jl03.assess(conclusion="fail")
        with pytest.raises(RuleViolated) as refused:
            jl03.decide()
        assert refused.value.code == "assessment_not_passed"
        with pytest.raises(ValidationError):
            jl03.decide(decision="refuse")  # a refusal says why
        job = jl03.decide(decision="refuse", comments="计量标准的重复性不符合要求")
        assert job.status == "refused" and not jl03.standard_certificates.store.pending_envelopes()
        refusal = [e for e in jl03.jobs.store.pending_envelopes() if e["type"] == "assessment_refused"][-1]
        assert refusal["data"]["result"]["decision"] == "refused"

    def test_documents_returned_say_what_to_correct_and_are_reviewed_again(self, jl03):
        with pytest.raises(ValidationError):
            jl03.review(passed=False)
        returned = jl03.review(passed=False, comments="缺少稳定性考核记录")
        assert returned.status == "documents_returned"
        with pytest.raises(InvalidTransition):
            jl03.assess()
        assert jl03.review().status == "documents_reviewed"

    def test_steps_come_in_order(self, jl03):
        with pytest.raises(InvalidTransition):
            jl03.assess()
        with pytest.raises(InvalidTransition):
            jl03.decide()

    def test_the_assessment_is_dated_between_the_request_and_today(self, jl03):
        jl03.review()
        with pytest.raises(RuleViolated) as refused:
            jl03.assess(on=TODAY + timedelta(days=1))
        assert refused.value.code == "assessment_date_out_of_range"

    def test_another_item_has_no_such_steps_and_its_fields_are_not_judged_first(self):
        calibration = Assessment("JL02", JL02_BODY["details"])
        with pytest.raises(RuleViolated) as refused:
            handlers.review_standard_documents(calibration.jobs, CODE, lambda: pytest.fail("read first"), NOW)
        assert (refused.value.code, refused.value.params) == ("not_a_standard_assessment", {"item": "JL02"})

    def test_the_station_cannot_end_it_once_the_certificate_number_is_kept(self, jl03):
        jl03.review()
        jl03.assess()
        job = jl03.jobs.get(CODE)
        assert job.can_stop()
        job.reserve_certificate_number("SQBK-2026-000009", "审批人丁")
        assert not job.can_stop()
