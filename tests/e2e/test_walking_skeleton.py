"""One calibration request end to end, through the gateway and the metrology service."""

import time

import pytest

from ..conftest import signed_in, through_the_station
from ..support.data import JL02_BODY, REFERENCE_STANDARD, calibration_results, jl02_body

pytestmark = pytest.mark.e2e

# Two people of the laboratory: results are reviewed by someone other than who recorded them.
OPERATOR = signed_in("metrology-1")
REVIEWER = signed_in("metrology-2")


def wait_for_status(api, code, status, phone="13912345678", timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tracked = api.get(f"/api/v1/requests/{code}", params={"phone": phone}).json()
        if tracked["status"] == status:
            return tracked
        time.sleep(0.1)
    raise AssertionError(f"{code} stayed {tracked['status']}, never {status}")


def test_the_platform_reports_healthy_when_everything_answers(api):
    health = api.get("/health")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    assert set(health.json()["checks"]) == {"rabbitmq", "mongodb", "metrology", "standards", "certification", "testing"}


def test_the_catalogue_lists_the_items_of_all_four_domains(api):
    catalogue = api.get("/api/v1/catalogue").json()
    codes = {item["code"] for item in catalogue["items"]}
    assert {"JL01", "JL02", "BZ01", "RZ02", "JC01"} <= codes
    assert {domain["code"] for domain in catalogue["domains"]} == {"metrology", "standards", "certification", "testing"}


def test_a_calibration_request_is_submitted_tracked_and_completed_with_a_certificate(api):
    submitted = api.post("/api/v1/requests", json=JL02_BODY)
    assert submitted.status_code == 201
    code = submitted.json()["code"]
    assert submitted.json()["status"] == "submitted"

    through_the_station(api, code)
    in_progress = wait_for_status(api, code, "in_progress")
    assert [entry["event"] for entry in in_progress["timeline"]] == [
        "submitted", "accepted", "dispatched", "job_accepted"
    ]
    assert [entry["actor"]["role"] for entry in in_progress["timeline"][1:3]] == ["staff", "staff"]

    number = complete_calibration(api, code)

    completed = wait_for_status(api, code, "completed")
    assert completed["result"]["certificate_number"] == number
    labels = [entry["label"] for entry in completed["timeline"]]
    assert f"出具证书 {number}" in labels and labels[-1] == "办结"
    english = api.get(f"/api/v1/requests/{code}", params={"phone": "13912345678", "lang": "en"}).json()
    assert f"Certificate {number} issued" in [entry["label"] for entry in english["timeline"]]


def test_every_domain_receives_its_own_requests(api):
    bodies = {
        "standards": {"item": "BZ01", "details": {"query": "GB/T 19001-2016"}},
        "certification": {"item": "RZ03", "details": {"certificate_number": "CQC2026010101"}},
        "testing": {"item": "JC03", "details": {"question": "能否检测水中铅含量？"}},
    }
    codes = {domain: api.post("/api/v1/requests", json=jl02_body(**body)).json()["code"] for domain, body in bodies.items()}
    for code in codes.values():
        through_the_station(api, code)
    for domain, code in codes.items():
        # BZ01 and RZ03 are answered the moment they arrive, so look for the receipt itself.
        received = wait_for_entry(api, code, "job_accepted")
        assert received["actor"]["role"] == domain


def wait_for_entry(api, code, event, phone="13912345678", timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        timeline = api.get(f"/api/v1/requests/{code}", params={"phone": phone}).json()["timeline"]
        entry = next((entry for entry in timeline if entry["event"] == event), None)
        if entry:
            return entry
        time.sleep(0.1)
    raise AssertionError(f"{code} never showed {event}")


def test_a_certificate_is_issued_once_and_only_for_known_jobs(api):
    code = api.post("/api/v1/requests", json=JL02_BODY).json()["code"]
    through_the_station(api, code)
    wait_for_status(api, code, "in_progress")
    complete_calibration(api, code)
    again = api.post(f"/api/v1/metrology/jobs/{code}/issue", json={"operator": "钱主任"}, headers=OPERATOR)
    assert again.status_code == 409 and again.json()["error"] == "invalid_transition"
    unknown = api.post("/api/v1/metrology/jobs/321322-20261126-09999-2/start", json={"operator": "李工"},
                       headers=OPERATOR)
    assert unknown.status_code == 404


def test_operator_calls_need_a_sign_in(api):
    code = api.post("/api/v1/requests", json=JL02_BODY).json()["code"]
    through_the_station(api, code)
    wait_for_status(api, code, "in_progress")
    assert api.post(f"/api/v1/metrology/jobs/{code}/start", json={"operator": "李工"}).status_code == 401
    wrong = api.post(f"/api/v1/metrology/jobs/{code}/start", json={"operator": "李工"},
                     headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "unauthorized"
    other_domain = api.post(f"/api/v1/metrology/jobs/{code}/start", json={}, headers=signed_in("testing-1"))
    assert other_domain.status_code == 403 and other_domain.json()["error"] == "forbidden"
    assert api.get(f"/api/v1/metrology/jobs/{code}", headers=OPERATOR).json()["status"] == "received"


def complete_calibration(api, code):
    """The laboratory's steps for a JL02 job, with the standard RS-SKELETON; the certificate number."""
    standard = {**REFERENCE_STANDARD, "id": "RS-SKELETON"}
    registered = api.post("/api/v1/metrology/reference-standards", json=standard, headers=OPERATOR)
    assert registered.status_code in (201, 409)  # registered by an earlier test of this session
    steps = [("start", {}, OPERATOR),
             ("results", calibration_results(standard="RS-SKELETON"), OPERATOR),
             ("review", {"approved": True}, REVIEWER),
             ("issue", {}, OPERATOR)]
    for step, body, who in steps:
        answer = api.post(f"/api/v1/metrology/jobs/{code}/{step}", json=body, headers=who)
        assert answer.status_code == 200, answer.text
    return answer.json()["documents"][0]["number"]
