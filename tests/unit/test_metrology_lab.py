"""Metrology's laboratory work on in-memory stores: jobs, certificates, recall, standards."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from marshmallow import ValidationError

from services.common.domain import InvalidTransition, RuleViolated
from services.metrology import bootstrap, handlers
from services.metrology.exceptions import CertificateNotFound, InstrumentTypeNotFound, JobNotFound
from services.metrology.schemas import ReferenceStandardSchema, results_schema
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import (
    JL01_BODY,
    JL02_BODY,
    NOW,
    REFERENCE_STANDARD,
    calibration_results,
    verification_results,
)
from ..support.events import dispatched_work

CODE = "321322-20261126-00001-6"
OTHER_CODE = "321322-20261126-00002-4"
LAB = {"name": "测试计量实验室", "address": "宿迁市", "authorization": None}
CATALOGUE = json.loads(
    (Path(__file__).parents[2] / "services/metrology/data/verification-catalogue-partial.json").read_text()
)["instruments"]


class Lab:
    """Metrology's ports as its composition root makes them, on in-memory stores (one per
    collection, kept in ``stores``), with the shipped instrument types."""

    def __init__(self):
        self.stores = {}
        ports = bootstrap.compose(lambda collection: self.stores.setdefault(collection, InMemoryDocumentStore()))
        self.jobs, self.certificates, self.instruments = ports.jobs, ports.certificates, ports.instruments
        self.standard_certificates = ports.standard_certificates
        self.types, self.standards = ports.instrument_types, ports.reference_standards
        handlers.seed_instrument_types(self.types, CATALOGUE)
        handlers.register_reference_standard(self.standards, ReferenceStandardSchema().load(REFERENCE_STANDARD), NOW)

    def dispatch(self, body, code=CODE, now=NOW):
        work = dispatched_work(code, body["item"], "metrology", body["details"], enterprise=body["enterprise"],
                               contact=body["contact"])
        return handlers.receive_dispatched_request(self.jobs, work, now)

    def record(self, results, code=CODE, now=NOW):
        return handlers.record_results(self.jobs, self.standards, self.types, code,
                                       lambda item: results_schema(item).load(results), now)

    def work_through(self, body, results, code=CODE, now=NOW):
        """Received → started → results → reviewed → issued."""
        self.dispatch(body, code, now)
        handlers.start_job(self.jobs, code, {"operator": "李工"}, now)
        self.record(results, code, now)
        handlers.review_results(self.jobs, code, {"operator": "赵工", "approved": True}, now)
        return handlers.issue_documents(self.jobs, self.certificates, self.types, code,
                                        {"operator": "钱主任"}, LAB, now)

    def events(self, store="jobs"):
        return self.stores[store].pending_envelopes()

    def file_everything(self):
        """Feed every announced event to the instrument file, as the service's consumer does."""
        for name in ("jobs", "certificates", "reference_standards"):
            for envelope in self.events(name):
                handlers.file_instruments(self.instruments, envelope)


@pytest.fixture
def lab():
    return Lab()


class TestAVerificationJob:
    def test_goes_from_received_to_a_certificate_step_by_step_announcing_each_step(self, lab):
        job = lab.work_through(JL01_BODY, verification_results())
        assert job.status == "completed"
        assert [e["type"] for e in lab.events()] == [
            "job_accepted", "job_started", "results_recorded", "results_reviewed", "job_completed"]
        number = job.documents[0]["number"]
        assert number == "SQJL-2026-000001"
        assert lab.events()[-1]["data"]["result"]["certificate_number"] == number
        assert [e["type"] for e in lab.events("certificates")] == ["certificate_issued"]

    def test_a_passed_instrument_gets_a_certificate_valid_for_its_types_period(self, lab):
        job = lab.work_through(JL01_BODY, verification_results())
        certificate = lab.certificates.get(job.documents[0]["number"])
        assert certificate.kind == "verification_certificate" and certificate.title == "检定证书"
        assert certificate.conclusion == "pass"
        # Pressure gauges: 6 months in the listing (a secondary source), so unconfirmed.
        assert certificate.performed_on == "2026-11-26"
        assert certificate.valid_until == "2027-05-25"
        assert certificate.validity == {"period_months": 6, "basis": "secondary_source"}
        assert certificate.method["code"] == "JJG 52-2013"

    def test_the_certificate_carries_the_17025_content(self, lab):
        job = lab.work_through(JL01_BODY, verification_results())
        certificate = lab.certificates.get(job.documents[0]["number"])
        assert certificate.laboratory == LAB
        assert certificate.customer == {"name": JL01_BODY["enterprise"]["name"], "uscc": "91321322MA1ABC123P"}
        assert certificate.instrument["serial_number"] == "PG-0001"
        assert certificate.instrument["manufacturer"] == "上海仪表厂"
        assert certificate.received_on == "2026-11-26"
        assert certificate.environment["temperature_c"] == "20.5"
        assert certificate.reference_standards[0]["calibration_certificate"] == "JSJL-2026-01234"
        assert "江苏省计量科学研究院" in certificate.reference_standards[0]["traceability"]
        assert certificate.signatories == {"performed_by": "李工", "reviewed_by": "赵工", "issued_by": "钱主任"}
        assert any("仅对所检定/校准的计量器具有效" in statement for statement in certificate.statements)

    def test_a_failed_instrument_gets_a_notice_of_failure_without_validity(self, lab):
        job = lab.work_through(JL01_BODY, verification_results(conclusion="fail"))
        notice = lab.certificates.get(job.documents[0]["number"])
        assert notice.kind == "verification_failure_notice" and notice.title == "检定结果通知书"
        assert notice.valid_until is None
        assert notice.results["failure_reasons"] == "示值误差超过最大允许误差"
        assert [e["type"] for e in lab.events("certificates")] == ["failure_notice_issued"]

    def test_a_pass_with_a_failed_item_is_refused(self):
        results = verification_results()
        results["instruments"][0]["items"][1]["conforms"] = False
        with pytest.raises(ValidationError) as refused:
            results_schema("JL01").load(results)
        assert refused.value.messages["instruments"][0]["conclusion"] == ["pass_with_failed_items"]

    def test_a_fail_needs_its_reasons(self):
        results = verification_results(conclusion="fail")
        del results["instruments"][0]["failure_reasons"]
        with pytest.raises(ValidationError) as refused:
            results_schema("JL01").load(results)
        assert refused.value.messages["instruments"][0]["failure_reasons"] == ["required"]

    def test_an_unknown_instrument_type_is_refused_field_by_field(self, lab):
        lab.dispatch(JL01_BODY)
        handlers.start_job(lab.jobs, CODE, {"operator": "李工"}, NOW)
        results = verification_results()
        results["instruments"][0]["instrument_type"] = "no-such-type"
        with pytest.raises(ValidationError) as refused:
            lab.record(results)
        assert refused.value.messages == {"instruments": {0: {"instrument_type": ["unknown_instrument_type"]}}}
        assert lab.jobs.get(CODE).status == "in_progress"


class TestTheStepsOfAJob:
    def test_results_cannot_be_recorded_before_the_job_is_started(self, lab):
        lab.dispatch(JL01_BODY)
        with pytest.raises(InvalidTransition):
            lab.record(verification_results())

    def test_a_job_is_started_once(self, lab):
        lab.dispatch(JL01_BODY)
        handlers.start_job(lab.jobs, CODE, {"operator": "李工"}, NOW)
        with pytest.raises(InvalidTransition):
            handlers.start_job(lab.jobs, CODE, {"operator": "李工"}, NOW)

    def test_review_needs_recorded_results(self, lab):
        lab.dispatch(JL01_BODY)
        handlers.start_job(lab.jobs, CODE, {"operator": "李工"}, NOW)
        with pytest.raises(InvalidTransition):
            handlers.review_results(lab.jobs, CODE, {"operator": "赵工", "approved": True}, NOW)

    def test_the_person_who_recorded_the_results_cannot_review_them(self, lab):
        lab.dispatch(JL01_BODY)
        handlers.start_job(lab.jobs, CODE, {"operator": "李工"}, NOW)
        lab.record(verification_results(operator="李工"))
        with pytest.raises(RuleViolated) as refused:
            handlers.review_results(lab.jobs, CODE, {"operator": "李工", "approved": True}, NOW)
        assert refused.value.code == "reviewer_must_differ"

    def test_a_review_can_send_results_back_with_a_reason_and_they_are_recorded_again(self, lab):
        lab.dispatch(JL01_BODY)
        handlers.start_job(lab.jobs, CODE, {"operator": "李工"}, NOW)
        lab.record(verification_results())
        with pytest.raises(RuleViolated):
            handlers.review_results(lab.jobs, CODE, {"operator": "赵工", "approved": False}, NOW)
        job = handlers.review_results(lab.jobs, CODE, {"operator": "赵工", "approved": False,
                                                       "comment": "环境温度记录缺失"}, NOW)
        assert job.status == "in_progress"
        assert lab.events()[-1]["type"] == "results_returned"
        assert lab.record(verification_results()).status == "results_recorded"

    def test_nothing_is_issued_before_review(self, lab):
        lab.dispatch(JL01_BODY)
        handlers.start_job(lab.jobs, CODE, {"operator": "李工"}, NOW)
        lab.record(verification_results())
        with pytest.raises(InvalidTransition):
            handlers.issue_documents(lab.jobs, lab.certificates, lab.types, CODE, {"operator": "钱主任"}, LAB, NOW)
        assert lab.stores["certificates"].documents == {}

    def test_documents_are_issued_once(self, lab):
        lab.work_through(JL01_BODY, verification_results())
        with pytest.raises(InvalidTransition):
            handlers.issue_documents(lab.jobs, lab.certificates, lab.types, CODE, {"operator": "钱主任"}, LAB, NOW)
        assert len(lab.stores["certificates"].documents) == 1

    def test_an_issue_interrupted_after_some_documents_resumes_without_new_numbers(self, lab):
        body = {**JL01_BODY, "details": {"instruments": [
            {**JL01_BODY["details"]["instruments"][0], "serial_number": serial} for serial in ("PG-1", "PG-2")]}}
        results = verification_results(serial="PG-1")
        results["instruments"].append({**results["instruments"][0], "serial_number": "PG-2"})
        lab.dispatch(body)
        handlers.start_job(lab.jobs, CODE, {"operator": "李工"}, NOW)
        lab.record(results)
        handlers.review_results(lab.jobs, CODE, {"operator": "赵工", "approved": True}, NOW)
        # A crash after the numbers were reserved and the first document was written:
        job = lab.jobs.get(CODE)
        job.reserve_document_numbers(["SQJL-2026-000001", "SQJL-2026-000002"])
        lab.jobs.save(job)
        from services.metrology.domain.certificates import Certificate
        lab.certificates.add(Certificate.issue("SQJL-2026-000001", lab.jobs.get(CODE), job.results["instruments"][0],
                                               LAB, (6, "secondary_source"), "钱主任", NOW))
        job = handlers.issue_documents(lab.jobs, lab.certificates, lab.types, CODE, {"operator": "钱主任"}, LAB, NOW)
        assert [doc["number"] for doc in job.documents] == ["SQJL-2026-000001", "SQJL-2026-000002"]
        assert len(lab.stores["certificates"].documents) == 2

    def test_results_must_name_every_instrument_of_the_request_and_no_other(self, lab):
        lab.dispatch(JL01_BODY)
        handlers.start_job(lab.jobs, CODE, {"operator": "李工"}, NOW)
        with pytest.raises(RuleViolated) as refused:
            lab.record(verification_results(serial="PG-9999"))
        assert refused.value.code == "results_must_cover_instruments"
        assert refused.value.params == {"missing": "PG-0001", "unknown": "PG-9999"}

    def test_consulting_items_do_not_take_the_laboratory_path(self, lab):
        lab.dispatch({**JL01_BODY, "item": "JL04", "details": {"topic": "other", "question": "?"}})
        with pytest.raises(RuleViolated) as refused:
            handlers.start_job(lab.jobs, CODE, {"operator": "李工"}, NOW)
        assert refused.value.code == "not_a_lab_item"

    def test_an_unknown_job_is_named_as_such(self, lab):
        with pytest.raises(JobNotFound):
            handlers.start_job(lab.jobs, CODE, {"operator": "李工"}, NOW)


class TestACalibrationJob:
    def test_records_every_point_with_its_error_and_uncertainty(self, lab):
        job = lab.work_through(JL02_BODY, calibration_results())
        certificate = lab.certificates.get(job.documents[0]["number"])
        assert certificate.kind == "calibration_certificate" and certificate.title == "校准证书"
        first = certificate.results["points"][0]
        assert (first["nominal"], first["measured"], first["error"]) == ("0.400", "0.4012", "0.0012")
        assert (first["expanded_uncertainty"], first["coverage_factor"], first["unit"]) == ("0.0008", "2", "MPa")
        assert certificate.valid_until is None and certificate.conclusion is None
        assert certificate.recalibration_date is None

    def test_an_adjusted_instrument_shows_readings_before_and_after(self, lab):
        job = lab.work_through(JL02_BODY, calibration_results(adjusted=True))
        certificate = lab.certificates.get(job.documents[0]["number"])
        assert certificate.results["adjusted"] is True
        assert certificate.results["points"][1]["measured_before_adjustment"] == "1.6100"
        assert any("调整前和调整后" in statement for statement in certificate.statements)

    def test_an_adjustment_without_the_readings_before_is_refused(self):
        results = calibration_results(adjusted=True)
        del results["instruments"][0]["points"][0]["measured_before_adjustment"]
        with pytest.raises(ValidationError) as refused:
            results_schema("JL02").load(results)
        assert refused.value.messages["instruments"][0]["points"] == ["before_adjustment_required"]

    def test_a_recalibration_date_is_given_only_when_the_customer_asked(self, lab):
        lab.dispatch(JL02_BODY)
        handlers.start_job(lab.jobs, CODE, {"operator": "李工"}, NOW)
        with pytest.raises(RuleViolated) as refused:
            lab.record(calibration_results(recalibration_date="2027-11-25"))
        assert refused.value.code == "recalibration_date_not_requested"

    def test_when_the_customer_asked_the_recalibration_date_is_required_and_printed(self, lab):
        body = {**JL02_BODY, "details": {**JL02_BODY["details"], "recalibration_date_requested": True}}
        lab.dispatch(body)
        handlers.start_job(lab.jobs, CODE, {"operator": "李工"}, NOW)
        with pytest.raises(RuleViolated) as refused:
            lab.record(calibration_results())
        assert refused.value.code == "recalibration_date_requested"
        lab.record(calibration_results(recalibration_date="2027-11-25"))
        handlers.review_results(lab.jobs, CODE, {"operator": "赵工", "approved": True}, NOW)
        job = handlers.issue_documents(lab.jobs, lab.certificates, lab.types, CODE, {"operator": "钱主任"}, LAB, NOW)
        assert lab.certificates.get(job.documents[0]["number"]).recalibration_date == "2027-11-25"

    def test_an_unknown_or_out_of_tolerance_reference_standard_cannot_be_used(self, lab):
        lab.dispatch(JL02_BODY)
        handlers.start_job(lab.jobs, CODE, {"operator": "李工"}, NOW)
        with pytest.raises(ValidationError) as unknown:
            lab.record(calibration_results(standard="RS-NONE"))
        assert unknown.value.messages["instruments"][0]["reference_standards"] == [
            "unknown_reference_standard|id=RS-NONE"]
        handlers.record_reference_check(lab.standards, lab.certificates, "RS-P01", {
            "operator": "王工", "checked_on": "2026-11-20", "result": "out_of_tolerance"}, NOW)
        with pytest.raises(ValidationError) as out:
            lab.record(calibration_results())
        assert out.value.messages["instruments"][0]["reference_standards"] == [
            "reference_standard_out_of_tolerance|id=RS-P01"]


def approved_correction(lab, number, change, approver="孙主任"):
    """A correction proposed (by who the change names) and approved by a second person:
    where the new version stands."""
    proposal, _ = handlers.propose_correction(lab.certificates, number, change, NOW)
    _, standing = handlers.decide_correction(lab.certificates, number, proposal["id"],
                                             {"operator": approver, "approved": True, "comment": None}, NOW)
    return standing


class TestFourEyes:
    CHANGE = {"operator": "钱主任", "reason": "型号填写有误", "changes": {"instrument": {"model": "Y-150"}}}

    def test_a_correction_is_a_proposal_until_a_second_person_approves_it(self, lab):
        number = lab.work_through(JL01_BODY, verification_results()).documents[0]["number"]
        proposal, standing = handlers.propose_correction(lab.certificates, number, self.CHANGE, NOW)
        assert (proposal["id"], proposal["status"], proposal["proposed_by"]) == ("1", "proposed", "钱主任")
        assert proposal["reason"] == "型号填写有误" and proposal["changes"] == self.CHANGE["changes"]
        assert standing.status == "current" and lab.certificates.successor(number) is None  # nothing issued
        with pytest.raises(RuleViolated) as refused:
            handlers.decide_correction(lab.certificates, number, "1", {"operator": "钱主任", "approved": True}, NOW)
        assert (refused.value.code, refused.value.params) == ("four_eyes", {"operator": "钱主任"})
        decided, now_in_force = handlers.decide_correction(lab.certificates, number, "1",
                                                           {"operator": "孙主任", "approved": True}, NOW)
        assert (decided["status"], decided["decided_by"], decided["new_number"]) == (
            "approved", "孙主任", f"{number}-R1")
        assert now_in_force.document.number == f"{number}-R1"
        assert now_in_force.document.signatories["proposed_by"] == "钱主任"
        assert now_in_force.document.signatories["approved_by"] == "孙主任"
        assert now_in_force.document.proposals == [] and now_in_force.document.proposal_id == "1"
        with pytest.raises(InvalidTransition):  # decided once
            handlers.decide_correction(lab.certificates, number, "1", {"operator": "李主任", "approved": True}, NOW)

    def test_a_refused_proposal_is_closed_and_nothing_is_issued(self, lab):
        number = lab.work_through(JL01_BODY, verification_results()).documents[0]["number"]
        handlers.propose_correction(lab.certificates, number, self.CHANGE, NOW)
        decided, standing = handlers.decide_correction(
            lab.certificates, number, "1", {"operator": "孙主任", "approved": False, "comment": "型号无误"}, NOW)
        assert (decided["status"], decided["comment"], decided["new_number"]) == ("refused", "型号无误", None)
        assert standing.document.number == number and standing.status == "current"
        assert lab.certificates.successor(number) is None
        assert handlers.propose_correction(lab.certificates, number, self.CHANGE, NOW)[0]["id"] == "2"

    def test_one_proposal_waits_at_a_time_and_an_unknown_one_is_not_found(self, lab):
        from services.common.issued_documents import ProposalNotFound

        number = lab.work_through(JL01_BODY, verification_results()).documents[0]["number"]
        handlers.propose_correction(lab.certificates, number, self.CHANGE, NOW)
        with pytest.raises(RuleViolated) as refused:
            handlers.propose_correction(lab.certificates, number, self.CHANGE, NOW)
        assert (refused.value.code, refused.value.params) == ("proposal_open", {"number": number, "id": "1"})
        with pytest.raises(ProposalNotFound):
            handlers.decide_correction(lab.certificates, number, "7", {"operator": "孙主任", "approved": True}, NOW)

    def test_an_approval_interrupted_after_issuing_completes_when_asked_again(self, lab):
        number = lab.work_through(JL01_BODY, verification_results()).documents[0]["number"]
        proposal, _ = handlers.propose_correction(lab.certificates, number, self.CHANGE, NOW)
        document = lab.certificates.get(number)
        issued = document.correct(proposal["changes"], proposal["reason"], "孙主任", NOW)
        issued.proposal_id = "1"
        lab.certificates.add(issued)  # issued, then the process stopped before the proposal was closed
        decided, standing = handlers.decide_correction(lab.certificates, number, "1",
                                                       {"operator": "孙主任", "approved": True}, NOW)
        assert decided["new_number"] == standing.document.number == f"{number}-R1"


class TestIssuedCertificates:
    def test_a_correction_is_a_new_version_naming_the_one_it_replaces(self, lab):
        job = lab.work_through(JL01_BODY, verification_results())
        number = job.documents[0]["number"]
        original = lab.stores["certificates"].load(number)
        answer = approved_correction(lab, number, {
            "operator": "钱主任", "reason": "型号填写有误", "changes": {"instrument": {"model": "Y-150"}}})
        assert (answer.status, answer.superseded_by) == ("current", None)
        corrected = answer.document
        assert corrected.number == f"{number}-R1" and corrected.replaces == number
        assert corrected.instrument["model"] == "Y-150"
        assert corrected.valid_until == lab.certificates.get(number).valid_until
        assert any(number in statement for statement in corrected.statements)
        # the old one's content is untouched: only the decided proposal is added to it
        assert {key: value for key, value in lab.stores["certificates"].load(number).items()
                if key not in ("proposals", "version", "_outbox")} == \
            {key: value for key, value in original.items() if key not in ("proposals", "version", "_outbox")}
        original_now = handlers.get_document(lab.certificates, lab.standard_certificates, number)
        assert (original_now.status, original_now.superseded_by) == ("superseded", corrected.number)

    def test_only_the_current_version_can_be_corrected(self, lab):
        job = lab.work_through(JL01_BODY, verification_results())
        number = job.documents[0]["number"]
        change = {"operator": "钱主任", "reason": "更正", "changes": {"remarks": "补充说明"}}
        approved_correction(lab, number, change)
        with pytest.raises(RuleViolated) as refused:
            handlers.propose_correction(lab.certificates, number, change, NOW)
        assert refused.value.code == "already_superseded"
        assert approved_correction(lab, f"{number}-R1", change).document.number == f"{number}-R2"

    def test_verification_shows_status_and_never_private_data(self, lab):
        job = lab.work_through(JL01_BODY, verification_results())
        number = job.documents[0]["number"]
        view = handlers.verify_certificate(lab.certificates, lab.standard_certificates, number, NOW)
        assert view["status"] == "current" and view["genuine"] is True
        assert view["valid_until"] == "2027-05-25" and view["conclusion"] == "pass"
        text = json.dumps(view, ensure_ascii=False)
        assert "13912345678" not in text and "张伟" not in text and "uscc" not in text
        assert "示值误差" not in text  # no results detail

    def test_a_withdrawn_certificate_verifies_as_withdrawn_and_cannot_be_withdrawn_again(self, lab):
        job = lab.work_through(JL01_BODY, verification_results())
        number = job.documents[0]["number"]
        handlers.withdraw_certificate(lab.certificates, number, {"operator": "钱主任", "reason": "客户退回"}, NOW)
        assert handlers.verify_certificate(lab.certificates, lab.standard_certificates, number, NOW)["status"] == "withdrawn"
        with pytest.raises(InvalidTransition):
            handlers.withdraw_certificate(lab.certificates, number, {"operator": "钱主任", "reason": "再次"}, NOW)
        with pytest.raises(InvalidTransition):
            handlers.propose_correction(lab.certificates, number, {
                "operator": "钱主任", "reason": "更正", "changes": {"remarks": "x"}}, NOW)

    def test_a_superseded_version_cannot_be_withdrawn(self, lab):
        job = lab.work_through(JL01_BODY, verification_results())
        number = job.documents[0]["number"]
        approved_correction(lab, number, {"operator": "钱主任", "reason": "更正", "changes": {"remarks": "x"}})
        with pytest.raises(RuleViolated) as refused:
            handlers.withdraw_certificate(lab.certificates, number, {"operator": "钱主任", "reason": "撤销"}, NOW)
        assert refused.value.params == {"number": number, "superseded_by": f"{number}-R1"}

    def test_an_unknown_or_malformed_number_is_not_found(self, lab):
        for number in ("SQJL-2026-999999", "not a number"):
            with pytest.raises(CertificateNotFound):
                handlers.verify_certificate(lab.certificates, lab.standard_certificates, number, NOW)


class TestVerificationPeriods:
    def test_each_type_says_whether_its_period_is_confirmed(self, lab):
        views = {t.id: t.view() for t in handlers.list_instrument_types(lab.types)}
        assert len(views) == 30
        assert views["water-meters"]["period_months"] == 12
        assert views["water-meters"]["period_basis"] == "unconfirmed_default"
        assert views["fuel-dispensers"]["period_basis"] == "secondary_source"
        assert not any(view["period_confirmed"] for view in views.values())

    def test_an_administrator_sets_a_period_which_certificates_then_use(self, lab):
        handlers.set_verification_period(lab.types, "pressure-gauges-for-general-use", {
            "operator": "计量科", "period_months": 12, "note": "按JJG 52-2013第7条"}, NOW)
        view = lab.types.get("pressure-gauges-for-general-use").view()
        assert (view["period_months"], view["period_basis"], view["period_confirmed"]) == (12, "administrator", True)
        job = lab.work_through(JL01_BODY, verification_results())
        assert lab.certificates.get(job.documents[0]["number"]).valid_until == "2027-11-25"

    def test_an_unknown_type_has_no_period_to_set(self, lab):
        with pytest.raises(InstrumentTypeNotFound):
            handlers.set_verification_period(lab.types, "no-such-type", {"operator": "计量科", "period_months": 6}, NOW)

    def test_seeding_again_keeps_what_the_administrator_set(self, lab):
        handlers.set_verification_period(lab.types, "water-meters", {"operator": "计量科", "period_months": 24}, NOW)
        assert handlers.seed_instrument_types(lab.types, CATALOGUE) == 0
        assert lab.types.get("water-meters").view()["period_months"] == 24


class TestReferenceStandardOutOfTolerance:
    def test_lists_every_certificate_issued_with_it_since_its_last_good_check(self, lab):
        before_check = NOW - timedelta(days=200)  # issued before the last good check (2026-07-01)
        handlers.record_reference_check(lab.standards, lab.certificates, "RS-P01", {
            "operator": "王工", "checked_on": "2026-07-01", "result": "within_tolerance"}, NOW)
        lab.work_through(JL01_BODY, verification_results(), code="321322-20260510-00001-1", now=before_check)
        lab.work_through(JL01_BODY, verification_results(), code=CODE)
        other = {**JL02_BODY, "enterprise": {**JL02_BODY["enterprise"], "name": "另一家企业",
                                             "uscc": "91321300MA1XYZ789T"}}
        lab.work_through(other, calibration_results(), code=OTHER_CODE)
        standard = handlers.record_reference_check(lab.standards, lab.certificates, "RS-P01", {
            "operator": "王工", "checked_on": "2026-11-26", "result": "out_of_tolerance", "note": "示值漂移"}, NOW)
        assert standard.status == "out_of_tolerance"
        assert [c["number"] for c in standard.out_of_tolerance["certificates"]] == [
            "SQJL-2026-000002", "SQJL-2026-000003"]
        per_enterprise = [e for e in lab.events("reference_standards") if e["type"] == "certificates_affected"]
        assert {e["data"]["uscc"]: [c["number"] for c in e["data"]["certificates"]] for e in per_enterprise} == {
            "91321322MA1ABC123P": ["SQJL-2026-000002"], "91321300MA1XYZ789T": ["SQJL-2026-000003"]}

    def test_a_good_check_puts_it_back_in_service(self, lab):
        handlers.record_reference_check(lab.standards, lab.certificates, "RS-P01", {
            "operator": "王工", "checked_on": "2026-11-20", "result": "out_of_tolerance"}, NOW)
        standard = handlers.record_reference_check(lab.standards, lab.certificates, "RS-P01", {
            "operator": "王工", "checked_on": "2026-11-25", "result": "within_tolerance", "note": "修复后复校"}, NOW)
        assert standard.status == "in_service" and standard.last_good_check_on == "2026-11-25"

    def test_a_check_cannot_predate_the_last_good_check(self, lab):
        with pytest.raises(RuleViolated) as refused:
            handlers.record_reference_check(lab.standards, lab.certificates, "RS-P01", {
                "operator": "王工", "checked_on": "2026-06-01", "result": "within_tolerance"}, NOW)
        assert refused.value.code == "check_before_last_good_check"

    def test_a_second_registration_of_the_same_id_is_refused(self, lab):
        with pytest.raises(RuleViolated):
            handlers.register_reference_standard(lab.standards, ReferenceStandardSchema().load(REFERENCE_STANDARD), NOW)


class TestImpossibleDates:
    """Issue 26 §4: a check dated 9999-12-31 was accepted and then blocked every real one."""

    def test_a_check_dated_after_today_is_refused_on_its_field_and_changes_nothing(self, lab):
        with pytest.raises(ValidationError) as refused:
            handlers.record_reference_check(lab.standards, lab.certificates, "RS-P01", {
                "operator": "王工", "checked_on": "2026-11-27", "result": "within_tolerance"}, NOW)
        assert refused.value.messages == {"checked_on": ["date_in_future"]}
        assert lab.standards.get("RS-P01").checks == []
        today = handlers.record_reference_check(lab.standards, lab.certificates, "RS-P01", {
            "operator": "王工", "checked_on": "2026-11-26", "result": "within_tolerance"}, NOW)
        assert today.last_good_check_on == "2026-11-26"

    def test_a_standard_cannot_be_registered_with_a_good_check_still_to_come(self, lab):
        details = ReferenceStandardSchema().load({**REFERENCE_STANDARD, "id": "RS-P02",
                                                  "last_good_check_on": "2026-12-01"})
        with pytest.raises(ValidationError) as refused:
            handlers.register_reference_standard(lab.standards, details, NOW)
        assert refused.value.messages == {"last_good_check_on": ["date_in_future"]}
        assert lab.standards.get_or_none("RS-P02") is None

    @pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31"])
    def test_a_standards_dates_lie_within_the_platforms_years(self, day):
        with pytest.raises(ValidationError) as refused:
            ReferenceStandardSchema().load({**REFERENCE_STANDARD, "calibration_valid_until": day})
        assert list(refused.value.messages) == ["calibration_valid_until"]

    @pytest.mark.parametrize("day", ["2026-11-26", "2026-01-01"])
    def test_a_recalibration_date_follows_the_calibration(self, lab, day):
        body = {**JL02_BODY, "details": {**JL02_BODY["details"], "recalibration_date_requested": True}}
        lab.dispatch(body)
        handlers.start_job(lab.jobs, CODE, {"operator": "李工"}, NOW)
        with pytest.raises(ValidationError) as refused:
            lab.record(calibration_results(recalibration_date=day))
        assert refused.value.messages == {"instruments": {0: {"recalibration_date": [
            "date_not_after_calibration|performed_on=2026-11-26"]}}}
        assert lab.jobs.get(CODE).results is None


class TestACommandSentAgain:
    """Issue 26 §3: a command carries an idempotency key, recorded with what it writes."""

    def test_a_check_delivered_twice_is_recorded_once(self, lab):
        from services.common.applied_commands import CommandAlreadyApplied, running

        check = {"operator": "王工", "checked_on": "2026-11-20", "result": "within_tolerance"}
        with running("call-1"):
            handlers.record_reference_check(lab.standards, lab.certificates, "RS-P01", check, NOW)
        with running("call-1"), pytest.raises(CommandAlreadyApplied):
            handlers.record_reference_check(lab.standards, lab.certificates, "RS-P01", check, NOW)
        assert len(lab.standards.get("RS-P01").checks) == 1
        with running("call-2"):  # another command is another check
            handlers.record_reference_check(lab.standards, lab.certificates, "RS-P01", check, NOW)
        assert len(lab.standards.get("RS-P01").checks) == 2

    def test_an_issue_that_writes_the_job_twice_is_one_command(self, lab):
        from services.common.applied_commands import CommandAlreadyApplied, running

        lab.dispatch(JL01_BODY)
        handlers.start_job(lab.jobs, CODE, {"operator": "李工"}, NOW)
        lab.record(verification_results())
        handlers.review_results(lab.jobs, CODE, {"operator": "赵工", "approved": True}, NOW)
        with running("issue-1"):  # reserves numbers (a write), issues, completes (a second write)
            job = handlers.issue_documents(lab.jobs, lab.certificates, lab.types, CODE, {"operator": "钱主任"}, LAB,
                                           NOW)
        assert job.status == "completed"
        with running("issue-1"), pytest.raises(CommandAlreadyApplied):
            handlers.issue_documents(lab.jobs, lab.certificates, lab.types, CODE, {"operator": "钱主任"}, LAB, NOW)

    def test_without_a_command_nothing_is_recorded_and_later_writes_keep_what_was(self, lab):
        from services.common.applied_commands import APPLIED_FIELD, running

        with running("call-1"):
            handlers.record_reference_check(lab.standards, lab.certificates, "RS-P01", {
                "operator": "王工", "checked_on": "2026-11-20", "result": "within_tolerance"}, NOW)
        handlers.record_reference_check(lab.standards, lab.certificates, "RS-P01", {
            "operator": "王工", "checked_on": "2026-11-21", "result": "within_tolerance"}, NOW)
        assert lab.stores["reference_standards"].load("RS-P01")[APPLIED_FIELD] == ["call-1"]


class TestTheInstrumentFileAndRecall:
    def issue_verification(self, lab):
        lab.work_through(JL01_BODY, verification_results())
        lab.file_everything()
        return handlers.get_instrument(lab.instruments, "91321322MA1ABC123P", "PG-0001")

    def test_is_built_from_requests_and_certificates(self, lab):
        instrument = self.issue_verification(lab)
        assert instrument.verification_bound is True
        assert instrument.status == "valid"
        assert instrument.current["number"] == "SQJL-2026-000001"
        assert instrument.current["valid_until"] == "2027-05-25"
        assert instrument.instrument_type["id"] == "pressure-gauges-for-general-use"
        assert instrument.requests == [CODE]
        assert [entry["event"] for entry in instrument.history] == ["requested", "certificate_issued"]

    def test_does_not_depend_on_which_announcement_arrives_first(self, lab):
        lab.work_through(JL01_BODY, verification_results())
        for name in ("certificates", "jobs"):  # the certificate's event overtakes the job's
            for envelope in lab.events(name):
                handlers.file_instruments(lab.instruments, envelope)
        instrument = handlers.get_instrument(lab.instruments, "91321322MA1ABC123P", "PG-0001")
        assert (instrument.name, instrument.model, instrument.status) == ("一般压力表", "Y-100", "valid")
        assert instrument.enterprise_name == JL01_BODY["enterprise"]["name"]

    def test_the_same_event_twice_changes_it_once(self, lab):
        self.issue_verification(lab)
        lab.file_everything()
        instrument = handlers.get_instrument(lab.instruments, "91321322MA1ABC123P", "PG-0001")
        assert len(instrument.history) == 2

    def test_reminds_30_7_and_0_days_before_expiry_each_once(self, lab):
        self.issue_verification(lab)
        expiry = NOW.replace(year=2027, month=5, day=25)
        raised = []
        for days_before in (31, 30, 30, 8, 7, 7, 1, 0, 0, -3):
            raised += handlers.send_due_reminders(lab.instruments, expiry - timedelta(days=days_before))
        assert [reminder["days_before"] for reminder in raised] == [30, 7, 0]
        events = [e for e in lab.events("instruments") if e["type"] == "calibration_due"]
        assert [e["data"]["days_before"] for e in events] == [30, 7, 0]
        assert all(e["request_code"] == CODE for e in events)

    def test_the_file_says_when_the_next_reminder_falls_due(self, lab):
        self.issue_verification(lab)
        expiry = NOW.replace(year=2027, month=5, day=25)

        def next_on():
            return handlers.get_instrument(lab.instruments, "91321322MA1ABC123P", "PG-0001").view()["next_reminder_on"]

        assert next_on() == "2027-04-25"
        handlers.send_due_reminders(lab.instruments, expiry - timedelta(days=30))
        assert next_on() == "2027-05-18"
        handlers.send_due_reminders(lab.instruments, expiry)
        assert next_on() is None

    def test_a_late_check_raises_only_the_most_urgent_reminder(self, lab):
        self.issue_verification(lab)
        three_days_before = NOW.replace(year=2027, month=5, day=22)
        assert [r["days_before"] for r in handlers.send_due_reminders(lab.instruments, three_days_before)] == [7]
        instrument = handlers.get_instrument(lab.instruments, "91321322MA1ABC123P", "PG-0001")
        assert instrument.due_reminder()["days_before"] == 7

    def test_a_failed_verification_is_not_recalled(self, lab):
        lab.work_through(JL01_BODY, verification_results(conclusion="fail"))
        lab.file_everything()
        instrument = handlers.get_instrument(lab.instruments, "91321322MA1ABC123P", "PG-0001")
        assert instrument.status == "failed" and instrument.recall_check_at is None
        assert handlers.send_due_reminders(lab.instruments, NOW + timedelta(days=400)) == []

    def test_a_calibrated_instrument_is_not_verification_bound_and_not_recalled(self, lab):
        lab.work_through(JL02_BODY, calibration_results())
        lab.file_everything()
        instrument = handlers.get_instrument(lab.instruments, "91321322MA1ABC123P", "SN-0001")
        assert instrument.verification_bound is False and instrument.status == "valid"
        assert handlers.send_due_reminders(lab.instruments, NOW + timedelta(days=400)) == []

    def test_a_correction_becomes_the_current_certificate_and_recall_goes_on(self, lab):
        self.issue_verification(lab)
        approved_correction(lab, "SQJL-2026-000001", {"operator": "钱主任", "reason": "更正", "changes": {"remarks": "x"}})
        lab.file_everything()
        instrument = handlers.get_instrument(lab.instruments, "91321322MA1ABC123P", "PG-0001")
        assert instrument.current["number"] == "SQJL-2026-000001-R1"
        assert instrument.recall_check_at is not None

    def test_a_withdrawn_certificate_ends_the_recall(self, lab):
        self.issue_verification(lab)
        handlers.withdraw_certificate(lab.certificates, "SQJL-2026-000001", {"operator": "钱主任", "reason": "x"}, NOW)
        lab.file_everything()
        instrument = handlers.get_instrument(lab.instruments, "91321322MA1ABC123P", "PG-0001")
        assert instrument.status == "withdrawn" and instrument.recall_check_at is None
        assert handlers.send_due_reminders(lab.instruments, NOW + timedelta(days=400)) == []

    def test_an_out_of_tolerance_standard_is_noted_on_the_affected_instruments(self, lab):
        self.issue_verification(lab)
        handlers.record_reference_check(lab.standards, lab.certificates, "RS-P01", {
            "operator": "王工", "checked_on": "2026-11-26", "result": "out_of_tolerance"}, NOW)
        lab.file_everything()
        instrument = handlers.get_instrument(lab.instruments, "91321322MA1ABC123P", "PG-0001")
        assert instrument.notices[0]["certificates"] == ["SQJL-2026-000001"]
