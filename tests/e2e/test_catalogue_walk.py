"""Every item of the service catalogue can be finished (issue 27 §2): each is submitted,
accepted and dispatched by its station, worked through every step of its domain over
the API by the people who do the work, and ends completed with what the enterprise
reads. The items are read from the catalogue the gateway serves, so an item added later
without a path to completion fails here."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.common.clock import china_date

from ..conftest import signed_in, staff_of, through_the_station
from ..support.data import (
    JC01_BODY,
    JC02_BODY,
    JL01_BODY,
    JL02_BODY,
    REFERENCE_STANDARD,
    RZ01_DETAILS,
    RZ02_DETAILS,
    calibration_results,
    verification_results,
)
from ..support.files import PDF, upload
from ..support.waiting import eventually

pytestmark = pytest.mark.e2e

PHONE = JL02_BODY["contact"]["phone"]
# Two people per domain: who records, reviews, audits or assesses never also approves or decides.
FIRST = {domain: signed_in(f"{domain}-1") for domain in ("metrology", "testing", "certification", "standards")}
SECOND = {domain: signed_in(f"{domain}-2") for domain in ("metrology", "testing", "certification", "standards")}


def post(api, path, body, who, expect=200):
    answer = api.post(path, json=body, headers=who)
    assert answer.status_code == expect, f"{path}: {answer.status_code} {answer.text}"
    return answer.json()


def tracked(api, code):
    return api.get(f"/api/v1/requests/{code}", params={"phone": PHONE}).json()


def submitted(api, item, details):
    body = {key: JL02_BODY[key] for key in ("enterprise", "contact")} | {"item": item, "details": details}
    code = post(api, "/api/v1/requests", body, {}, expect=201)["code"]
    through_the_station(api, code)
    eventually(lambda: tracked(api, code), lambda seen: seen["status"] != "dispatched")
    return code


def unique(serial):
    return f"{serial}-{uuid.uuid4().hex[:6]}"


# -- each item's path: its details, then the steps that finish it --------------------------------
def lab_path(domain, item):
    def job(api, code, step, body, who=None):
        return post(api, f"/api/v1/{domain}/jobs/{code}/{step}", body, who or FIRST[domain])
    return job


def jl01(api):
    serial = unique("PG")
    standard = new_reference_standard(api)
    code = submitted(api, "JL01", {"instruments": [{**JL01_BODY["details"]["instruments"][0], "serial_number": serial}]})
    job = lab_path("metrology", "JL01")
    job(api, code, "start", {})
    job(api, code, "results", verification_results(serial=serial, standard=standard))
    job(api, code, "review", {"approved": True}, SECOND["metrology"])
    job(api, code, "issue", {}, SECOND["metrology"])
    return code, lambda result: result["certificate_number"].startswith("SQJL-")


def jl02(api):
    serial = unique("SN")
    standard = new_reference_standard(api)
    row = {**JL02_BODY["details"]["instruments"][0], "serial_number": serial}
    code = submitted(api, "JL02", {"instruments": [row]})
    job = lab_path("metrology", "JL02")
    job(api, code, "start", {})
    job(api, code, "results", calibration_results(serial=serial, standard=standard))
    job(api, code, "review", {"approved": True}, SECOND["metrology"])
    job(api, code, "issue", {}, SECOND["metrology"])
    return code, lambda result: result["certificate_number"].startswith("SQJL-")


def jl03(api):
    code = submitted(api, "JL03", {"standard_name": "精密压力表标准装置", "assessment_type": "new",
                                   "measuring_range": "(0-60) MPa", "uncertainty": "0.05级",
                                   "main_equipment": "活塞式压力计"})
    job = lab_path("metrology", "JL03")
    job(api, code, "document-review", {"passed": True})
    job(api, code, "assessment", {"assessed_on": china_date(datetime.now(UTC)).isoformat(), "assessors": ["考评员甲", "考评员乙"],
                                  "findings": "稳定性、重复性符合要求", "conclusion": "pass"})
    job(api, code, "decision", {"decision": "grant"}, SECOND["metrology"])
    return code, lambda result: result["certificate_number"].startswith("SQBK-") and result["valid_until"]


def consulting(item, domain, details):
    def path(api):
        code = submitted(api, item, details)
        (attached,) = upload(api, ("答复.pdf", PDF), headers=FIRST[domain])["files"]
        post(api, f"/api/v1/{domain}/jobs/{code}/answer",
             {"answer": "书面答复：详见附件。", "attachments": [{"id": attached["id"]}]}, FIRST[domain])
        return code, lambda result: result["answer"] == "书面答复：详见附件。" and [
            (each["id"], each["sha256"]) for each in result["attachments"]] == [(attached["id"], attached["sha256"])]
    return path


def bz01(api):
    return submitted(api, "BZ01", {"query": "GB/T 19001-2016"}), lambda result: result["standards"]


def bz02(api):
    code = submitted(api, "BZ02", {"product_name": "精密压力表", "standard_number": "Q/SQJM 001-2026",
                                   "referenced_standards": "GB/T 1.1-2020\nJJG 52-2013"})
    eventually(lambda: tracked(api, code), lambda seen: "references_checked" in
               [entry["event"] for entry in seen["timeline"]])
    post(api, f"/api/v1/standards/cases/{code}/review", {"decision": "approved"}, FIRST["standards"])
    return code, lambda result: result["decision"] == "approved"


def standards_answer(item, details):
    def path(api):
        code = submitted(api, item, details)
        post(api, f"/api/v1/standards/cases/{code}/answer", {"answer": "书面答复", "attachments": []},
             FIRST["standards"])
        return code, lambda result: result["answer"] == "书面答复"
    return path


def certification_path(item, details, audits):
    def path(api):
        code = submitted(api, item, details)
        base = f"/api/v1/certification/applications/{code}"
        post(api, f"{base}/review", {"accepted": True}, FIRST["certification"])
        for step, body in audits:
            post(api, f"{base}/{step}", body, FIRST["certification"])
        post(api, f"{base}/decision", {"decision": "grant"}, SECOND["certification"])
        return code, lambda result: result["certificate_number"].startswith("SQRZ-")
    return path


def rz03(api):
    number = "SQRZ-2026-999999"
    code = submitted(api, "RZ03", {"certificate_number": number})
    return code, lambda result: result["certificate_number"] == number


def through_testing(item, body, results):
    def path(api):
        code = submitted(api, item, body["details"])
        job = lab_path("testing", item)
        received = job(api, code, "samples", {"samples": [{"name": "样品", "description": "送检样品",
                                                           "condition_on_receipt": "完好", "quantity": "1份"}]})
        job(api, code, "start", {})
        job(api, code, "results", results(received["samples"][0]["sample_number"]))
        job(api, code, "review", {"approved": True}, SECOND["testing"])
        job(api, code, "issue", {}, SECOND["testing"])
        return code, lambda result: result["report_number"].startswith("SQJC-")
    return path


def jc01_results(sample):
    return {"decision_rule": "simple_acceptance", "specification": "GB 2762-2022", "results": [{
        "sample_number": sample, "item": "镉（以Cd计）", "method": "GB 5009.15-2023", "value": "0.08",
        "unit": "mg/kg", "limit": {"max": "0.2"}, "expanded_uncertainty": "0.01"}]}


def jc02_results(sample):
    return {"results": [{"sample_number": sample, "item": "有机磷和氨基甲酸酯类农药残留",
                         "method": "GB/T 5009.199-2003", "outcome": "negative"}]}


PATHS = {
    "JL01": jl01,
    "JL02": jl02,
    "JL03": jl03,
    "JL04": consulting("JL04", "metrology", {"topic": "selection", "question": "压力表选几级精度？"}),
    "BZ01": bz01,
    "BZ02": bz02,
    "BZ03": standards_answer("BZ03", {"topic": "selection", "question": "出口电热水壶应执行哪些标准？"}),
    "BZ04": standards_answer("BZ04", {"standard_level": "enterprise", "project_name": "精密压力表企业标准",
                                      "stage": "drafting", "description": "起草企业标准，请给予辅导"}),
    "RZ01": certification_path("RZ01", RZ01_DETAILS, [
        ("type-test", {"result": "pass", "reference": "SQJC-2026-000031"}), ("factory-inspection", {"result": "pass"})]),
    "RZ02": certification_path("RZ02", RZ02_DETAILS, [
        ("stage1", {"ready_for_stage2": True}), ("stage2", {"recommendation": "grant"})]),
    "RZ03": rz03,
    "JC01": through_testing("JC01", JC01_BODY, jc01_results),
    "JC02": through_testing("JC02", JC02_BODY, jc02_results),
    "JC03": consulting("JC03", "testing", {"question": "贵中心能否检测大米中的镉？"}),
}


def new_reference_standard(api):
    today = china_date(datetime.now(UTC))
    standard = {**REFERENCE_STANDARD, "id": f"RS-{uuid.uuid4().hex[:6].upper()}",
                "calibration_valid_until": (today + timedelta(days=365)).isoformat(),
                "last_good_check_on": today.isoformat()}
    standard.pop("operator")
    post(api, "/api/v1/metrology/reference-standards", standard, FIRST["metrology"], expect=201)
    return standard["id"]


def catalogue_items(stack):
    import httpx

    return [item["code"] for item in httpx.get(f"{stack.gateway_url}/api/v1/catalogue", timeout=30).json()["items"]]


def test_every_catalogue_item_has_a_path_to_completion(stack):
    items = catalogue_items(stack)
    assert len(items) >= 14
    assert sorted(set(items) - set(PATHS)) == [], "an item of the catalogue no test can finish"


@pytest.mark.parametrize("item", sorted(PATHS))
def test_the_item_is_finished_through_the_api(api, stack, item):
    if item not in catalogue_items(stack):
        pytest.fail(f"{item} has a path but is no longer in the catalogue: remove its path")
    code, result_reads_right = PATHS[item](api)
    done = eventually(lambda: tracked(api, code), lambda seen: seen["status"] == "completed", timeout=20)
    assert result_reads_right(done["result"]), done["result"]
    assert done["service_level"]["on_time"] is True  # finished the same day: never a breach
    staff = api.get(f"/api/v1/station/requests/{code}", headers=staff_of("321322")).json()
    assert staff["status"] == "completed"  # the station sees it done, as the enterprise does
