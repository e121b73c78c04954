"""Certification through the gateway, as an enterprise, an operator and the public see it."""

import time

import pytest

from ..conftest import signed_in, through_the_station
from ..support.data import RZ01_DETAILS, RZ02_DETAILS, jl02_body
from .test_walking_skeleton import wait_for_status

pytestmark = pytest.mark.e2e

OPERATOR = signed_in("certification-1")
# The decision is by someone who neither reviewed nor audited the application (ISO/IEC 17021-1 §9.5).
DECIDER = signed_in("certification-2")
PHONE = "13912345678"
HOLDER = "宿迁市测试精密机械有限公司"


def submitted(api, item, details):
    response = api.post("/api/v1/requests", json=jl02_body(item=item, details=details))
    assert response.status_code == 201, response.text
    code = response.json()["code"]
    through_the_station(api, code)
    wait_for_status(api, code, "in_progress")
    return code


def step(api, code, name, body=None, expected=200, by=None):
    who = by or (DECIDER if name == "decision" else OPERATOR)
    response = api.post(
        f"/api/v1/certification/applications/{code}/{name}", json=body or {}, headers=who
    )
    assert response.status_code == expected, response.text
    return response.json()


def certificate_step(api, number, name, body=None, expected=200):
    response = api.post(
        f"/api/v1/certification/certificates/{number}/{name}", json=body or {}, headers=OPERATOR
    )
    assert response.status_code == expected, response.text
    return response.json()


def certified_rz02(api):
    code = submitted(api, "RZ02", RZ02_DETAILS)
    step(api, code, "review", {"accepted": True, "comments": "资料齐全"})
    step(api, code, "stage1", {"ready_for_stage2": True})
    step(api, code, "stage2", {"recommendation": "grant", "minor_nonconformities": 1})
    decided = step(api, code, "decision", {"decision": "grant"})
    return code, decided["certificate_number"]


def wait_for_event(api, code, event, phone=PHONE, timeout=15):
    """The tracking view once its timeline shows ``event`` (events arrive asynchronously)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tracked = api.get(f"/api/v1/requests/{code}", params={"phone": phone}).json()
        if any(entry["event"] == event for entry in tracked["timeline"]):
            return tracked
        time.sleep(0.1)
    raise AssertionError(
        f"{code} never showed {event}: {[e['event'] for e in tracked['timeline']]}"
    )


def verify(api, number, **params):
    return api.get(f"/api/v1/verify/{number}", params=params)


def test_a_management_system_request_ends_in_a_certificate_that_verifies_then_verifies_as_suspended(
    api,
):
    code, number = certified_rz02(api)
    assert number.startswith("SQRZ-")

    completed = wait_for_status(api, code, "completed")
    assert completed["result"]["certificate_number"] == number
    assert [entry["event"] for entry in completed["timeline"]] == [
        "submitted",
        "accepted",
        "dispatched",
        "job_accepted",
        "application_accepted",
        "stage1_audit_recorded",
        "stage2_audit_recorded",
        "certificate_granted",
    ]

    valid = verify(api, number)
    assert valid.status_code == 200
    assert valid.json()["status"] == "valid" and valid.json()["status_label"] == "有效"
    assert valid.json()["customer"] == HOLDER and valid.json()["standards"] == ["GB/T 19001-2016"]

    certificate_step(api, number, "suspend", {"reason": "监督审核发现严重不符合"})
    suspended = verify(api, number.lower(), lang="en").json()
    assert (suspended["status"], suspended["status_label"]) == ("suspended", "Suspended")
    assert suspended["suspended_until"]

    tracked = wait_for_event(api, code, "certificate_suspended")
    assert tracked["status"] == "completed"
    assert tracked["timeline"][-1]["label"].startswith(f"证书 {number} 暂停至")


def test_a_suspended_certificate_is_restored_or_withdrawn_and_a_withdrawal_is_final(api):
    _, number = certified_rz02(api)
    certificate_step(api, number, "restore", expected=409)
    certificate_step(api, number, "suspend", {"reason": "暂停"})
    certificate_step(api, number, "restore", {"comments": "整改完成"})
    assert verify(api, number).json()["status"] == "valid"
    certificate_step(api, number, "withdraw", {"reason": "企业申请注销"})
    withdrawn = verify(api, number).json()
    assert withdrawn["status"] == "withdrawn" and withdrawn["withdrawn_on"]
    refused = certificate_step(api, number, "suspend", {"reason": "再暂停"}, expected=409)
    assert refused["error"] == "invalid_transition"
    assert refused["message"] == "当前状态（已撤销）下不能执行此操作"  # in words, not "withdrawn"


def test_surveillance_scope_reduction_and_an_early_recertification_through_the_api(api):
    code, number = certified_rz02(api)
    audited = certificate_step(api, number, "surveillance", {"findings": "体系运行有效"})
    assert [visit["status"] for visit in audited["certificate"]["surveillance"]][:1] == [
        "completed"
    ]
    certificate_step(
        api,
        number,
        "reduce-scope",
        {"sites": ["宿迁市沭阳县经济开发区上海路18号"], "reason": "南关场所停产"},
    )
    assert api.get(f"/api/v1/certification/certificates/{number}", headers=OPERATOR).json()[
        "certificate"
    ]["sites"] == ["宿迁市沭阳县经济开发区上海路18号"]
    early = certificate_step(api, number, "recertify", expected=409)
    assert early["error"] == "recertification_not_due"
    events = [
        entry["event"]
        for entry in wait_for_event(api, code, "certificate_scope_reduced")["timeline"]
    ]
    assert "surveillance_completed" in events


def test_steps_out_of_order_are_refused_and_nothing_changes(api):
    code = submitted(api, "RZ02", RZ02_DETAILS)
    assert (
        step(api, code, "stage1", {"ready_for_stage2": True}, expected=409)["error"]
        == "invalid_transition"
    )
    step(api, code, "review", {"accepted": True})
    assert (
        step(api, code, "review", {"accepted": True}, expected=409)["message"]
        == "当前状态（审核中）下不能执行此操作"
    )
    assert (
        step(api, code, "stage2", {"recommendation": "grant"}, expected=409)["error"]
        == "audit_incomplete"
    )
    assert (
        step(api, code, "decision", {"decision": "grant"}, expected=409)["error"]
        == "audit_incomplete"
    )
    assert (
        step(api, code, "type-test", {"result": "pass"}, expected=409)["error"]
        == "invalid_transition"
    )
    application = api.get(f"/api/v1/certification/applications/{code}", headers=OPERATOR).json()
    assert (application["status"], application["audits"]) == ("under_audit", {})


def test_bad_input_gets_field_messages_and_no_sign_in_gets_401(api):
    code = submitted(api, "RZ02", RZ02_DETAILS)
    refused = step(api, code, "review", {"accepted": False}, expected=422)
    assert refused["fields"] == {"comments": ["此项为必填项"]}
    unknown = step(api, code, "review", {"accepted": True, "colour": "blue"}, expected=422)
    assert unknown["fields"] == {"colour": ["表单中没有这一项"]}
    assert (
        api.post(
            f"/api/v1/certification/applications/{code}/review", json={"accepted": True}
        ).status_code
        == 401
    )
    assert (
        api.post(
            "/api/v1/certification/applications/not-a-code/review", json={}, headers=OPERATOR
        ).status_code
        == 400
    )
    missing = api.post(
        "/api/v1/certification/applications/321322-20261126-09999-2/review",
        json={"accepted": True},
        headers=OPERATOR,
    )
    assert missing.status_code == 404


def test_a_product_whose_type_test_failed_is_refused_and_the_request_says_why(api):
    code = submitted(api, "RZ01", RZ01_DETAILS)
    step(api, code, "review", {"accepted": True})
    step(api, code, "type-test", {"result": "fail", "reference": "SQJC-2026-000031"})
    step(api, code, "factory-inspection", {"result": "pass"})
    assert (
        step(api, code, "decision", {"decision": "grant"}, expected=409)["error"]
        == "grant_not_supported"
    )
    step(api, code, "decision", {"decision": "refuse", "comments": "型式试验不合格"})
    completed = wait_for_status(api, code, "completed")
    assert completed["result"] == {"decision": "refused", "reason": "型式试验不合格"}


def test_a_verification_request_is_answered_from_the_registry(api):
    _, number = certified_rz02(api)
    code = api.post(
        "/api/v1/requests",
        json=jl02_body(
            item="RZ03", details={"certificate_number": number, "certificate_holder": "别家公司"}
        ),
    ).json()["code"]
    through_the_station(api, code)
    answered = wait_for_status(api, code, "completed")
    assert answered["result"]["certificate_status"] == "valid"
    assert answered["result"]["holder_matches"] is False


def test_the_public_verification_tells_unknown_numbers_apart(api):
    unknown = verify(api, "SQRZ-2026-999999")
    assert unknown.status_code == 404 and unknown.json()["error"] == "document_not_found"
    assert verify(api, "XYZ-1").status_code == 404


def test_an_application_not_accepted_completes_the_request_with_the_reason(api):
    code = submitted(api, "RZ02", RZ02_DETAILS)
    step(api, code, "review", {"accepted": False, "comments": "管理体系运行不足三个月"})
    completed = wait_for_status(api, code, "completed")
    assert completed["result"] == {"decision": "not_accepted", "reason": "管理体系运行不足三个月"}
    assert completed["timeline"][-1]["label"] == "认证申请未予受理：管理体系运行不足三个月"
    assert (
        step(api, code, "stage1", {"ready_for_stage2": True}, expected=409)["message"]
        == "当前状态（申请未予受理）下不能执行此操作"
    )


def test_no_one_who_reviewed_or_audited_an_application_decides_it_and_each_step_says_who(api):
    code = submitted(api, "RZ02", RZ02_DETAILS)
    step(api, code, "review", {"accepted": True})
    step(api, code, "stage1", {"ready_for_stage2": True})
    step(api, code, "stage2", {"recommendation": "grant", "auditors": ["审核员甲", "技术专家乙"]})
    refused = step(api, code, "decision", {"decision": "grant"}, expected=409, by=OPERATOR)
    me = api.get("/api/v1/auth/me", headers=OPERATOR).json()["name"]
    assert refused["error"] == "impartiality_conflict"
    assert refused["message"].startswith(f"{me}参与过本项考核或审核（申请评审人）")
    english = api.post(f"/api/v1/certification/applications/{code}/decision", params={"lang": "en"},
                       json={"decision": "grant"}, headers=OPERATOR).json()
    assert "took part in this assessment or audit (reviewer of the application)" in english["message"]
    decided = step(api, code, "decision", {"decision": "grant"})
    assert decided["status"] == "certified"
    assert decided["review"]["by"] == me and decided["audits"]["stage2"]["auditors"] == ["审核员甲", "技术专家乙"]
    assert decided["decision"]["by"] == api.get("/api/v1/auth/me", headers=DECIDER).json()["name"]
