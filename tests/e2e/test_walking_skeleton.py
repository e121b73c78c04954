"""One calibration request end to end, through the gateway and the metrology service."""

import time

import pytest

from ..unit.fixtures import JL02_BODY, jl02_body
from .conftest import OPERATOR_KEY

pytestmark = pytest.mark.e2e

OPERATOR = {"Authorization": f"Bearer {OPERATOR_KEY}"}


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

    in_progress = wait_for_status(api, code, "in_progress")
    assert [entry["event"] for entry in in_progress["timeline"]] == [
        "submitted", "accepted", "dispatched", "job_accepted"
    ]

    completed_job = api.post(f"/api/v1/metrology/jobs/{code}/complete", json={"summary": "合格"}, headers=OPERATOR)
    assert completed_job.status_code == 200
    number = completed_job.json()["certificate_number"]

    completed = wait_for_status(api, code, "completed")
    assert completed["result"] == {"certificate_number": number}
    assert completed["timeline"][-1]["label"] == f"出具证书 {number}"
    english = api.get(f"/api/v1/requests/{code}", params={"phone": "13912345678", "lang": "en"}).json()
    assert english["timeline"][-1]["label"] == f"Certificate {number} issued"


def test_every_domain_receives_its_own_requests(api):
    bodies = {
        "standards": {"item": "BZ01", "details": {"query": "GB/T 19001-2016"}},
        "certification": {"item": "RZ03", "details": {"certificate_number": "CQC2026010101"}},
        "testing": {"item": "JC03", "details": {"question": "能否检测水中铅含量？"}},
    }
    codes = {domain: api.post("/api/v1/requests", json=jl02_body(**body)).json()["code"] for domain, body in bodies.items()}
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
    wait_for_status(api, code, "in_progress")
    assert api.post(f"/api/v1/metrology/jobs/{code}/complete", headers=OPERATOR).status_code == 200
    again = api.post(f"/api/v1/metrology/jobs/{code}/complete", headers=OPERATOR)
    assert again.status_code == 409 and again.json()["error"] == "invalid_transition"
    unknown = api.post("/api/v1/metrology/jobs/321322-20261126-09999-2/complete", headers=OPERATOR)
    assert unknown.status_code == 404


def test_operator_calls_need_the_operator_key(api):
    code = api.post("/api/v1/requests", json=JL02_BODY).json()["code"]
    assert api.post(f"/api/v1/metrology/jobs/{code}/complete").status_code == 401
    wrong = api.post(f"/api/v1/metrology/jobs/{code}/complete", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "unauthorized"
