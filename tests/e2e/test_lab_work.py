"""The laboratories' work through the gateway, as operators, enterprises and the public
use it: verification and calibration certificates, test reports, rapid tests, recall."""

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.common.clock import china_date

from ..conftest import signed_in, staff_of, through_the_station
from ..support.data import (
    JC01_BODY,
    JC02_BODY,
    JL01_BODY,
    REFERENCE_STANDARD,
    verification_results,
)
from ..support.waiting import eventually

pytestmark = pytest.mark.e2e

# Each laboratory's two demo operators: the second reviews what the first recorded.
OPERATORS = {"metrology": signed_in("metrology-1"), "testing": signed_in("testing-1")}
REVIEWERS = {"metrology": signed_in("metrology-2"), "testing": signed_in("testing-2")}
OPERATOR = OPERATORS["metrology"]
PHONE = "13912345678"
USCC = "91321322MA1ABC123P"




def tracked(api, code, lang="zh-CN"):
    return api.get(f"/api/v1/requests/{code}", params={"phone": PHONE, "lang": lang}).json()


def submitted_and_received(api, body):
    code = api.post("/api/v1/requests", json=body).json()["code"]
    through_the_station(api, code)
    eventually(lambda: tracked(api, code), lambda seen: seen["status"] == "in_progress")
    return code


def step(api, domain, code, name, body, expect=200, by=None):
    """A laboratory step by the domain's first operator, or ``by`` another account
    (a review is by the domain's second operator unless said otherwise)."""
    who = by or (REVIEWERS[domain] if name == "review" else OPERATORS[domain])
    answer = api.post(f"/api/v1/{domain}/jobs/{code}/{name}", json=body, headers=who)
    assert answer.status_code == expect, answer.text
    return answer.json()


def name_of(api, account):
    """The name an account's work is recorded under (its sign-in's, whatever a body says)."""
    return api.get("/api/v1/auth/me", headers=account).json()["name"]


def new_standard(api):
    standard = {**REFERENCE_STANDARD, "id": f"RS-{uuid.uuid4().hex[:6].upper()}"}
    assert api.post("/api/v1/metrology/reference-standards", json=standard, headers=OPERATOR).status_code == 201
    return standard["id"]


def jl01_for(serial):
    row = {**JL01_BODY["details"]["instruments"][0], "serial_number": serial}
    return {**JL01_BODY, "details": {"instruments": [row]}}


def verify_through_the_lab(api, serial, standard):
    """A JL01 request received → started → results → reviewed → certificate issued."""
    code = submitted_and_received(api, jl01_for(serial))
    step(api, "metrology", code, "start", {})
    step(api, "metrology", code, "results", verification_results(serial=serial, standard=standard))
    step(api, "metrology", code, "review", {"approved": True})
    job = step(api, "metrology", code, "issue", {})
    return code, job["documents"][0]["number"]


class TestAVerificationRequest:
    def test_goes_through_the_lab_ends_with_a_certificate_that_verifies_and_a_correction_supersedes_it(self, api):
        code, number = verify_through_the_lab(api, f"PG-{uuid.uuid4().hex[:6]}", new_standard(api))

        lab_steps = {"job_started", "results_recorded", "results_reviewed", "certificate_issued", "job_completed"}
        # The gateway takes the lab's events in parallel: the request may show completed a
        # moment before the last of the earlier steps is on its timeline.
        completed = eventually(lambda: tracked(api, code), lambda seen: seen["status"] == "completed"
                               and lab_steps <= {entry["event"] for entry in seen["timeline"]})
        assert completed["result"]["certificate_number"] == number
        events = [entry["event"] for entry in completed["timeline"]]
        assert events[:4] == ["submitted", "accepted", "dispatched", "job_accepted"]
        reviewed = next(entry for entry in completed["timeline"] if entry["event"] == "results_reviewed")
        assert reviewed["label"] == "结果已复核"
        audit = api.get(f"/api/v1/station/requests/{code}", headers=staff_of("321322")).json()["timeline"]
        reviewed_by = next(entry for entry in audit if entry["event"] == "results_reviewed")["actor"]["name"]
        assert reviewed_by == name_of(api, REVIEWERS["metrology"])  # the station sees who reviewed

        verified = api.get(f"/api/v1/verify/{number}")
        assert verified.status_code == 200
        assert verified.json()["status"] == "current" and verified.json()["status_label"] == "现行有效"
        assert verified.json()["conclusion"] == "pass" and verified.json()["valid_until"]
        assert PHONE not in verified.text and "张伟" not in verified.text

        # four eyes: a correction is proposed, and issued only once a second operator approves it
        proposed = api.post(f"/api/v1/metrology/certificates/{number}/corrections", headers=OPERATOR, json={
            "reason": "型号填写有误", "changes": {"instrument": {"model": "Y-150"}}})
        assert proposed.status_code == 201, proposed.text
        proposal = proposed.json()
        assert (proposal["status"], proposal["proposed_by"], proposal["number"]) == (
            "proposed", name_of(api, OPERATOR), number)
        waiting = api.get(f"/api/v1/metrology/certificates/{number}", headers=REVIEWERS["metrology"]).json()
        assert waiting["status"] == "current" and [p["id"] for p in waiting["open_proposals"]] == [proposal["id"]]
        assert api.get(f"/api/v1/verify/{number}").json()["status"] == "current"  # nothing issued yet
        approval = f"/api/v1/metrology/certificates/{number}/corrections/{proposal['id']}/approval"
        same = api.post(approval, json={"approved": True}, headers=OPERATOR)
        assert same.status_code == 409 and same.json()["error"] == "four_eyes"
        approved = api.post(approval, json={"approved": True, "comment": "已核对委托单"}, headers=REVIEWERS["metrology"])
        assert approved.status_code == 200, approved.text
        corrected = approved.json()["document"]
        new_number = corrected["number"]
        assert new_number == f"{number}-R1" and corrected["replaces"] == number
        assert approved.json()["proposal"]["status"] == "approved"
        assert approved.json()["proposal"]["decided_by"] == name_of(api, REVIEWERS["metrology"])

        old = api.get(f"/api/v1/verify/{number}", params={"lang": "en"}).json()
        assert old["status"] == "superseded" and old["superseded_by"] == new_number
        assert old["status_label"] == "Superseded by a corrected version"
        assert api.get(f"/api/v1/verify/{new_number}").json()["status"] == "current"
        corrected_view = eventually(lambda: tracked(api, code), lambda seen: seen["result"]["certificate_number"] == new_number)
        assert corrected_view["timeline"][-1]["label"] == f"证书 {number} 更正为 {new_number}"

    def test_the_enterprise_reads_its_own_certificate_in_full_and_no_one_else_does(self, api):
        code, number = verify_through_the_lab(api, f"PG-{uuid.uuid4().hex[:6]}", new_standard(api))
        own = api.get(f"/api/v1/requests/{code}/documents/{number}", params={"phone": PHONE})
        assert own.status_code == 200
        assert own.json()["title"] == "检定证书" and own.json()["reference_standards"][0]["traceability"]
        assert api.get(f"/api/v1/requests/{code}/documents/{number}", params={"phone": "13800000000"}).status_code == 404

    def test_refuses_steps_out_of_order_and_a_review_by_the_recorder(self, api):
        serial = f"PG-{uuid.uuid4().hex[:6]}"
        standard = new_standard(api)
        code = submitted_and_received(api, jl01_for(serial))
        early = step(api, "metrology", code, "issue", {}, expect=409)
        assert early["error"] == "invalid_transition" and "已接收，尚未开始" in early["message"]
        assert "received" not in early["message"]  # the state in words, never its internal name
        step(api, "metrology", code, "start", {})
        step(api, "metrology", code, "results", verification_results(serial=serial, standard=standard))
        # The recorder cannot pass as someone else by naming them: the sign-in says who reviews.
        same = step(api, "metrology", code, "review", {"operator": "赵工", "approved": True}, expect=409,
                    by=OPERATOR)
        assert same["error"] == "reviewer_must_differ" and name_of(api, OPERATOR) in same["message"]
        assert step(api, "metrology", code, "dance", {}, expect=404)["error"] == "not_found"

    def test_bad_results_are_refused_field_by_field_in_the_readers_language(self, api):
        serial = f"PG-{uuid.uuid4().hex[:6]}"
        code = submitted_and_received(api, jl01_for(serial))
        step(api, "metrology", code, "start", {})
        results = verification_results(serial=serial, standard="RS-NOT-THERE")
        results["environment"] = {**results["environment"], "humidity_pct": "very"}
        answer = api.post(f"/api/v1/metrology/jobs/{code}/results?lang=en", json=results, headers=OPERATOR)
        assert answer.status_code == 422
        assert answer.json()["fields"]["environment"]["humidity_pct"] == ["This field must be a number."]
        results = verification_results(serial=serial, standard="RS-NOT-THERE")
        answer = api.post(f"/api/v1/metrology/jobs/{code}/results", json=results, headers=OPERATOR)
        assert answer.status_code == 422
        assert answer.json()["fields"]["instruments"]["0"]["reference_standards"] == ["没有编号为RS-NOT-THERE的计量标准"]

    def test_an_out_of_tolerance_standard_lists_the_certificates_issued_with_it(self, api):
        standard = new_standard(api)
        _, number = verify_through_the_lab(api, f"PG-{uuid.uuid4().hex[:6]}", standard)
        today = china_date(datetime.now(UTC)).isoformat()
        checked = api.post(f"/api/v1/metrology/reference-standards/{standard}/checks", headers=OPERATOR, json={
            "checked_on": today, "result": "out_of_tolerance", "note": "期间核查超差"})
        assert checked.status_code == 200
        assert checked.json()["status"] == "out_of_tolerance"
        assert [c["number"] for c in checked.json()["out_of_tolerance"]["certificates"]] == [number]


class TestRecall:
    def test_a_due_instrument_raises_a_reminder_that_one_call_turns_into_a_new_request(self, api, stack, mongo_client):
        serial = f"PG-{uuid.uuid4().hex[:6]}"
        code, number = verify_through_the_lab(api, serial, new_standard(api))
        instruments = lambda: api.get("/api/v1/instruments", params={"uscc": USCC, "phone": PHONE}).json()  # noqa: E731
        filed = eventually(instruments, lambda seen: any(
            i["serial_number"] == serial and i["current"] for i in seen["instruments"]))
        mine = next(i for i in filed["instruments"] if i["serial_number"] == serial)
        assert mine["verification_bound"] and mine["status"] == "valid" and mine["due"] is None

        # Half a year passes: the certificate now runs out in five days.
        expires = china_date(datetime.now(UTC)) + timedelta(days=5)
        travel_in_time(mongo_client[f"{stack.db_prefix}metrology"].instruments, f"{USCC}:{serial}", expires)

        due = eventually(instruments, lambda seen: next(
            i for i in seen["instruments"] if i["serial_number"] == serial)["due"] is not None)
        reminder = next(i for i in due["instruments"] if i["serial_number"] == serial)["due"]
        assert reminder["days_before"] == 7 and reminder["valid_until"] == expires.isoformat()
        timeline = eventually(lambda: tracked(api, code), lambda seen: seen["timeline"][-1]["event"] == "calibration_due")
        assert timeline["status"] == "completed"
        assert f"器具 {serial} 检定有效期至 {expires.isoformat()}" in timeline["timeline"][-1]["label"]

        renewal = api.post("/api/v1/instruments/renewals", json={"uscc": USCC, "phone": PHONE, "serial_number": serial})
        assert renewal.status_code == 201, renewal.text
        new_code = renewal.json()["code"]
        assert renewal.json()["item"] == "JL01" and renewal.json()["renewal_of"] == number
        again = api.post("/api/v1/instruments/renewals", json={"uscc": USCC, "phone": PHONE, "serial_number": serial})
        assert again.status_code == 200 and again.json()["code"] == new_code
        assert tracked(api, new_code)["status"] == "submitted"  # for its station to accept
        through_the_station(api, new_code)
        renewed = eventually(lambda: tracked(api, new_code), lambda seen: seen["status"] == "in_progress")
        assert renewed["item"]["code"] == "JL01"
        listed = next(i for i in instruments()["instruments"] if i["serial_number"] == serial)
        assert listed["renewal_request"] == new_code

    def test_the_instrument_file_needs_the_enterprises_phone(self, api):
        answer = api.get("/api/v1/instruments", params={"uscc": USCC, "phone": "13800000000"})
        assert answer.status_code == 404 and answer.json()["error"] == "enterprise_not_found"
        assert api.get("/api/v1/instruments", params={"uscc": "91321322MA1ABC1230", "phone": PHONE}).status_code == 400


def travel_in_time(instruments, key, expires):
    """Make the instrument's current certificate run out on ``expires`` (as if months
    had passed) and ask the recall check to look at it."""
    document = instruments.find_one({"_id": key})
    document["current"]["valid_until"] = expires.isoformat()
    document["recall_check_at"] = 0
    instruments.replace_one({"_id": key}, document)


class TestATestingRequest:
    def test_goes_through_sample_intake_and_ends_with_a_report_that_verifies_and_an_amendment_supersedes_it(self, api):
        code = submitted_and_received(api, JC01_BODY)
        job = step(api, "testing", code, "samples", {"samples": [
            {"name": "大米", "description": "5 kg 袋装", "condition_on_receipt": "包装完好", "quantity": "2袋"}]})
        sample = job["samples"][0]["sample_number"]
        step(api, "testing", code, "start", {})
        step(api, "testing", code, "results", {
            "specification": "GB 2762-2022", "decision_rule": "simple_acceptance",
            "results": [{"sample_number": sample, "item": "镉（以Cd计）", "method": "GB 5009.15-2023",
                         "value": "0.08", "unit": "mg/kg", "limit": {"max": "0.2"}}]})
        step(api, "testing", code, "review", {"approved": True})
        number = step(api, "testing", code, "issue", {})["documents"][0]["number"]

        completed = eventually(lambda: tracked(api, code), lambda seen: seen["status"] == "completed")
        assert completed["result"]["report_number"] == number
        assert "samples_received" in [entry["event"] for entry in completed["timeline"]]
        verified = api.get(f"/api/v1/verify/{number}").json()
        assert verified["status"] == "current" and verified["conclusion"] == "pass"
        assert "0.08" not in str(verified)

        proposed = api.post(f"/api/v1/testing/reports/{number}/amendments", headers=OPERATORS["testing"], json={
            "reason": "委托单位名称有误", "changes": {"customer_name": "宿迁市更正有限公司"}})
        assert proposed.status_code == 201 and proposed.json()["status"] == "proposed"
        approval = f"/api/v1/testing/reports/{number}/amendments/{proposed.json()['id']}/approval"
        refused = api.post(approval, json={"approved": False}, headers=REVIEWERS["testing"])
        assert refused.status_code == 422 and "comment" in refused.json()["fields"]  # a refusal says why
        amended = api.post(approval, json={"approved": True}, headers=REVIEWERS["testing"]).json()["document"]
        assert api.get(f"/api/v1/verify/{number}").json()["superseded_by"] == amended["number"]
        assert api.get(f"/api/v1/verify/{amended['number']}").json()["status"] == "current"

    def test_a_rapid_test_completes_quickly_with_a_qualitative_result(self, api):
        began = time.monotonic()
        code = submitted_and_received(api, JC02_BODY)
        job = step(api, "testing", code, "samples", {"samples": [
            {"name": "青菜", "description": "约 500 g", "condition_on_receipt": "新鲜", "quantity": "1份"}]})
        step(api, "testing", code, "start", {})
        step(api, "testing", code, "results", {"results": [{
            "sample_number": job["samples"][0]["sample_number"], "item": "有机磷和氨基甲酸酯类农药残留",
            "method": "GB/T 5009.199-2003", "outcome": "negative"}]})
        step(api, "testing", code, "review", {"approved": True})
        number = step(api, "testing", code, "issue", {})["documents"][0]["number"]
        eventually(lambda: tracked(api, code), lambda seen: seen["status"] == "completed")
        assert time.monotonic() - began < 20
        verified = api.get(f"/api/v1/verify/{number}").json()
        assert verified["kind"] == "rapid_test_report" and verified["conclusion"] == "pass"


def test_an_unknown_number_does_not_verify(api):
    for number in ("SQJL-2026-999999", "SQJC-2026-999999", "FAKE-123"):
        answer = api.get(f"/api/v1/verify/{number}")
        assert answer.status_code == 404 and answer.json()["error"] == "document_not_found"
