"""Testing's laboratory work on in-memory stores: samples, results, conformity, reports."""

import json

import pytest
from marshmallow import ValidationError

from services.common.domain import InvalidTransition, RuleViolated
from services.testing import bootstrap, handlers
from services.testing.exceptions import ReportNotFound
from services.testing.schemas import results_schema
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import JC01_BODY, JC02_BODY, NOW
from ..support.events import dispatched_work

CODE = "321322-20261126-00003-2"
LAB = {"name": "测试检验检测实验室", "address": "宿迁市", "authorization": None}
RICE = {"name": "大米", "description": "5 kg 袋装，标签完整", "condition_on_receipt": "包装完好，无受潮", "quantity": "2袋"}
GREENS = {"name": "青菜", "description": "约 500 g", "condition_on_receipt": "新鲜，无腐烂", "quantity": "1份"}


def cadmium(value="0.08", sample="SQYP-2026-000001", **extra):
    return {"sample_number": sample, "item": "镉（以Cd计）", "method": "GB 5009.15-2023", "value": value,
            "unit": "mg/kg", "requirement": "≤0.2", "limit": {"max": "0.2"}, **extra}


class Lab:
    """Testing's ports as its composition root makes them, on in-memory stores."""

    def __init__(self):
        self.job_store, self.report_store = InMemoryDocumentStore(), InMemoryDocumentStore()
        ports = bootstrap.compose({"jobs": self.job_store, "reports": self.report_store}.__getitem__)
        self.jobs, self.reports = ports.jobs, ports.reports

    def dispatch(self, body, code=CODE):
        work = dispatched_work(code, body["item"], "testing", body["details"], enterprise=body["enterprise"],
                               contact=body["contact"])
        return handlers.receive_dispatched_request(self.jobs, work, NOW)

    def record(self, results, operator="孙工"):
        return handlers.record_results(
            self.jobs, CODE, lambda item: results_schema(item).load({"operator": operator, **results}), NOW)

    def up_to_started(self, body=JC01_BODY, sample=RICE):
        self.dispatch(body)
        handlers.receive_samples(self.jobs, CODE, {"operator": "周工", "samples": [sample]}, NOW)
        handlers.start_job(self.jobs, CODE, {"operator": "孙工"}, NOW)

    def work_through(self, body, results, sample=RICE):
        self.up_to_started(body, sample)
        self.record(results)
        handlers.review_results(self.jobs, CODE, {"operator": "吴工", "approved": True}, NOW)
        return handlers.issue_report(self.jobs, self.reports, CODE, {"operator": "郑主任"}, LAB, NOW)

    def events(self, store=None):
        return (store or self.job_store).pending_envelopes()


@pytest.fixture
def lab():
    return Lab()


class TestSampleIntake:
    def test_numbers_each_sample_and_notes_its_condition_who_received_it_and_when(self, lab):
        lab.dispatch(JC01_BODY)
        job = handlers.receive_samples(lab.jobs, CODE, {"operator": "周工", "samples": [RICE, GREENS]}, NOW)
        assert job.status == "samples_received"
        assert [s["sample_number"] for s in job.samples] == ["SQYP-2026-000001", "SQYP-2026-000002"]
        assert job.samples[0]["condition_on_receipt"] == "包装完好，无受潮"
        assert job.samples[0]["received_by"] == "周工" and job.samples[0]["received_at"] == NOW.isoformat()
        assert lab.events()[-1]["type"] == "samples_received"

    def test_samples_are_received_once_and_before_the_work_starts(self, lab):
        lab.dispatch(JC01_BODY)
        with pytest.raises(InvalidTransition):
            handlers.start_job(lab.jobs, CODE, {"operator": "孙工"}, NOW)
        handlers.receive_samples(lab.jobs, CODE, {"operator": "周工", "samples": [RICE]}, NOW)
        with pytest.raises(InvalidTransition):
            handlers.receive_samples(lab.jobs, CODE, {"operator": "周工", "samples": [RICE]}, NOW)
        assert lab.job_store.sequences == {"sample:2026": 1}  # a refused intake draws no number


class TestACommissionedTest:
    def test_ends_in_a_report_with_results_units_and_a_conformity_statement(self, lab):
        job = lab.work_through(JC01_BODY, {"specification": "GB 2762-2022", "decision_rule": "simple_acceptance",
                                           "results": [cadmium()]})
        assert job.status == "completed"
        report = lab.reports.get(job.documents[0]["number"])
        assert report.number == "SQJC-2026-000001" and report.title == "检验检测报告"
        assert report.results[0]["unit"] == "mg/kg" and report.results[0]["conformity"] == "pass"
        assert report.conformity == "pass"
        assert report.conformity_statement.startswith("所检项目符合 GB 2762-2022 的要求")
        assert "简单接受" in report.conformity_statement
        assert report.samples[0]["condition_on_receipt"] == "包装完好，无受潮"
        assert report.methods == ["GB 5009.15-2023"]
        assert report.signatories == {"tested_by": "孙工", "reviewed_by": "吴工", "issued_by": "郑主任"}
        assert [e["type"] for e in lab.events()] == [
            "job_accepted", "samples_received", "job_started", "results_recorded", "results_reviewed", "job_completed"]
        assert lab.events()[-1]["data"]["result"]["report_number"] == report.number
        assert [e["type"] for e in lab.events(lab.report_store)] == ["report_issued"]

    def test_a_value_over_the_limit_does_not_conform(self, lab):
        job = lab.work_through(JC01_BODY, {"specification": "GB 2762-2022", "decision_rule": "simple_acceptance",
                                           "results": [cadmium("0.25")]})
        report = lab.reports.get(job.documents[0]["number"])
        assert report.conformity == "fail"
        assert "SQYP-2026-000001 镉（以Cd计） 不符合 GB 2762-2022" in report.conformity_statement

    def test_guarded_acceptance_counts_the_uncertainty_against_the_value(self, lab):
        lab.up_to_started()
        job = lab.record({"specification": "GB 2762-2022", "decision_rule": "guarded_acceptance",
                          "results": [cadmium("0.18", expanded_uncertainty="0.03", coverage_factor=2)]})
        assert job.results["conformity"] == "fail"  # 0.18 + 0.03 > 0.2, though 0.18 alone is within

    def test_guarded_acceptance_without_an_uncertainty_is_refused(self):
        with pytest.raises(ValidationError) as refused:
            results_schema("JC01").load({"operator": "孙工", "decision_rule": "guarded_acceptance",
                                         "results": [cadmium()]})
        assert refused.value.messages == {"results": {0: {"expanded_uncertainty": ["required"]}}}

    def test_a_judged_value_must_be_a_number(self):
        with pytest.raises(ValidationError) as refused:
            results_schema("JC01").load({"operator": "孙工", "decision_rule": "simple_acceptance",
                                         "results": [cadmium("未检出")]})
        assert refused.value.messages["results"][0]["value"] == ["not_a_number"]

    def test_limits_without_a_decision_rule_are_refused(self, lab):
        lab.up_to_started()
        with pytest.raises(RuleViolated) as refused:
            lab.record({"results": [cadmium()]})
        assert refused.value.code == "decision_rule_required"

    def test_results_without_limits_are_reported_without_a_conformity_statement(self, lab):
        job = lab.work_through(JC01_BODY, {"results": [{**cadmium(), "limit": None}]})
        report = lab.reports.get(job.documents[0]["number"])
        assert report.conformity == "not_assessed" and "未作符合性判定" in report.conformity_statement

    def test_every_sample_needs_a_result(self, lab):
        lab.up_to_started()
        with pytest.raises(RuleViolated) as refused:
            lab.record({"decision_rule": "simple_acceptance", "results": [cadmium(sample="SQYP-2026-000099")]})
        assert refused.value.code == "results_must_cover_samples"

    def test_the_tester_cannot_review_their_own_results(self, lab):
        lab.up_to_started()
        lab.record({"decision_rule": "simple_acceptance", "results": [cadmium()]}, operator="孙工")
        with pytest.raises(RuleViolated):
            handlers.review_results(lab.jobs, CODE, {"operator": "孙工", "approved": True}, NOW)

    def test_no_report_before_review_and_only_one_report(self, lab):
        lab.up_to_started()
        lab.record({"decision_rule": "simple_acceptance", "results": [cadmium()]})
        with pytest.raises(InvalidTransition):
            handlers.issue_report(lab.jobs, lab.reports, CODE, {"operator": "郑主任"}, LAB, NOW)
        handlers.review_results(lab.jobs, CODE, {"operator": "吴工", "approved": True}, NOW)
        handlers.issue_report(lab.jobs, lab.reports, CODE, {"operator": "郑主任"}, LAB, NOW)
        with pytest.raises(InvalidTransition):
            handlers.issue_report(lab.jobs, lab.reports, CODE, {"operator": "郑主任"}, LAB, NOW)
        assert len(lab.report_store.documents) == 1

    def test_consulting_is_not_lab_work(self, lab):
        lab.dispatch({**JC01_BODY, "item": "JC03", "details": {"question": "?"}})
        with pytest.raises(RuleViolated):
            handlers.receive_samples(lab.jobs, CODE, {"operator": "周工", "samples": [RICE]}, NOW)


class TestARapidTest:
    def test_gives_a_qualitative_result_and_a_screening_report(self, lab):
        result = {"sample_number": "SQYP-2026-000001", "item": "有机磷和氨基甲酸酯类农药残留",
                  "method": "GB/T 5009.199-2003", "outcome": "negative", "inhibition_rate_pct": 12.5}
        job = lab.work_through(JC02_BODY, {"results": [result]}, sample=GREENS)
        report = lab.reports.get(job.documents[0]["number"])
        assert report.kind == "rapid_test_report" and report.title == "快速检测结果报告"
        assert report.conformity == "pass" and report.decision_rule["code"] == "qualitative"
        assert report.conformity_statement.startswith("所检样品快速检测结果均为阴性")
        assert any("筛查" in statement for statement in report.statements)

    def test_a_positive_result_is_a_suspected_failure_to_confirm(self, lab):
        result = {"sample_number": "SQYP-2026-000001", "item": "有机磷和氨基甲酸酯类农药残留",
                  "method": "GB/T 5009.199-2003", "outcome": "positive"}
        job = lab.work_through(JC02_BODY, {"results": [result]}, sample=GREENS)
        report = lab.reports.get(job.documents[0]["number"])
        assert report.conformity == "fail" and "应送实验室确证" in report.conformity_statement

    def test_an_outcome_is_negative_or_positive(self):
        with pytest.raises(ValidationError):
            results_schema("JC02").load({"operator": "孙工", "results": [
                {"sample_number": "SQYP-2026-000001", "item": "农残", "method": "GB/T 5009.199-2003", "outcome": "maybe"}]})


class TestIssuedReports:
    def issue(self, lab):
        job = lab.work_through(JC01_BODY, {"decision_rule": "simple_acceptance", "specification": "GB 2762-2022",
                                           "results": [cadmium()]})
        return job.documents[0]["number"]

    def test_an_amendment_is_a_new_report_naming_the_one_it_replaces(self, lab):
        number = self.issue(lab)
        original = lab.report_store.load(number)
        proposal, unchanged = handlers.propose_amendment(lab.reports, number, {
            "operator": "郑主任", "reason": "委托单位名称有误", "changes": {"customer_name": "宿迁市更正后有限公司"}}, NOW)
        assert (proposal["kind"], proposal["status"], unchanged.status) == ("amendment", "proposed", "current")
        assert handlers.verify_report(lab.reports, number)["status"] == "current"  # nothing issued yet
        with pytest.raises(RuleViolated) as refused:
            handlers.decide_amendment(lab.reports, number, "1", {"operator": "郑主任", "approved": True}, NOW)
        assert refused.value.code == "four_eyes"
        decided, answer = handlers.decide_amendment(lab.reports, number, "1", {"operator": "冯主任", "approved": True},
                                                    NOW)
        assert (answer.status, answer.superseded_by, decided["status"]) == ("current", None, "approved")
        amended = answer.document
        assert amended.number == f"{number}-R1" and amended.replaces == number
        assert amended.customer["name"] == "宿迁市更正后有限公司"
        assert amended.signatories["issued_by"] == "冯主任" and amended.signatories["proposed_by"] == "郑主任"
        assert lab.report_store.load(number)["customer"] == original["customer"]
        assert handlers.verify_report(lab.reports, number)["status"] == "superseded"
        assert handlers.verify_report(lab.reports, number)["superseded_by"] == amended.number
        with pytest.raises(RuleViolated):
            handlers.propose_amendment(lab.reports, number, {
                "operator": "郑主任", "reason": "again", "changes": {"remarks": "x"}}, NOW)

    def test_verification_shows_no_private_data_or_results(self, lab):
        number = self.issue(lab)
        view = handlers.verify_report(lab.reports, number)
        assert view["status"] == "current" and view["conclusion"] == "pass"
        text = json.dumps(view, ensure_ascii=False)
        assert "13912345678" not in text and "0.08" not in text and "uscc" not in text

    def test_a_withdrawn_report_verifies_as_withdrawn(self, lab):
        number = self.issue(lab)
        handlers.withdraw_report(lab.reports, number, {"operator": "郑主任", "reason": "样品来源存疑"}, NOW)
        assert handlers.verify_report(lab.reports, number)["status"] == "withdrawn"
        with pytest.raises(InvalidTransition):
            handlers.withdraw_report(lab.reports, number, {"operator": "郑主任", "reason": "再次"}, NOW)

    def test_an_unknown_number_is_not_found(self, lab):
        with pytest.raises(ReportNotFound):
            handlers.verify_report(lab.reports, "SQJC-2026-000404")
