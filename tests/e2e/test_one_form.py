"""The one form over the API: several services in one submission, unique codes under load."""

import concurrent.futures
import time
import uuid

import httpx
import pytest

from ..conftest import new_client_address, through_the_station
from ..support.data import JL02_BODY, verification_results
from .test_lab_work import jl01_for, new_standard, step
from .test_walking_skeleton import complete_calibration

pytestmark = pytest.mark.e2e

PHONE = "13912345678"
MULTI = {
    "items": ["JL02", "BZ01"],
    "enterprise": JL02_BODY["enterprise"],
    "contact": JL02_BODY["contact"],
    "details": {"JL02": JL02_BODY["details"], "BZ01": {"query": "GB/T 19001-2016"}},
}


def tracked(api, code, lang="zh-CN"):
    return api.get(f"/api/v1/requests/{code}", params={"phone": PHONE, "lang": lang}).json()


def test_one_item_from_the_catalogue_is_served_alone(api):
    item = api.get("/api/v1/catalogue/JL02")
    assert item.status_code == 200 and item.json()["committed_days"] == 7
    assert api.get("/api/v1/catalogue/XX99").status_code == 404


def test_several_items_get_one_parent_code_and_a_child_each_routed_to_its_domain(api):
    answer = api.post("/api/v1/requests", json=MULTI)
    assert answer.status_code == 201
    group = answer.json()
    assert group["kind"] == "group"
    assert [child["item"]["code"] for child in group["children"]] == ["JL02", "BZ01"]
    child_codes = [child["code"] for child in group["children"]]
    assert len(set(child_codes + [group["code"]])) == 3
    for code in child_codes:  # the station accepts and dispatches each item on its own
        through_the_station(api, code)

    # the calibration waits in the lab; the lookup is answered from the catalogue at once
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        children = tracked(api, group["code"])["children"]
        if [child["status"] for child in children] == ["in_progress", "completed"]:
            break
        time.sleep(0.1)
    assert [child["status"] for child in children] == ["in_progress", "completed"]
    assert children[0]["holder"]["role"] == "metrology" and children[1]["holder"] is None
    parent = tracked(api, group["code"])
    assert (parent["status"], parent["status_label"]) == ("partially_completed", "部分办结")  # one done, one not
    assert [each["tracking_url"] for each in parent["children"]] == [f"/api/v1/requests/{code}" for code in child_codes]
    child = tracked(api, child_codes[1])
    assert child["parent"] == group["code"] and child["domain"] == "standards"
    assert child["due_date"] is not None and child["result"]


def test_the_parent_completes_only_when_every_child_has(api):
    serial = f"PG-{uuid.uuid4().hex[:6]}"
    group = api.post("/api/v1/requests", json={**MULTI, "items": ["JL02", "JL01"], "details": {
        "JL02": JL02_BODY["details"], "JL01": jl01_for(serial)["details"]}}).json()
    first, second = (child["code"] for child in group["children"])
    for code in (first, second):
        through_the_station(api, code)
        deadline = time.monotonic() + 15
        while tracked(api, code)["status"] != "in_progress" and time.monotonic() < deadline:
            time.sleep(0.1)
    complete_calibration(api, first)
    deadline = time.monotonic() + 15
    while tracked(api, first)["status"] != "completed" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert tracked(api, group["code"])["status"] == "partially_completed"
    standard = new_standard(api)
    step(api, "metrology", second, "start", {})
    step(api, "metrology", second, "results", verification_results(serial=serial, standard=standard))
    step(api, "metrology", second, "review", {"approved": True})  # by the second operator
    step(api, "metrology", second, "issue", {})
    deadline = time.monotonic() + 15
    while tracked(api, group["code"])["status"] != "completed" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert tracked(api, group["code"], "en")["status_label"] == "Completed"


def test_two_hundred_parallel_submissions_get_two_hundred_distinct_codes(stack):
    def submit(_):
        # two hundred enterprises, each from an address of its own (intake is limited per client)
        with httpx.Client(base_url=stack.gateway_url, timeout=60,
                          headers={"X-Forwarded-For": new_client_address()}) as client:
            answer = client.post("/api/v1/requests", json=JL02_BODY)
            assert answer.status_code == 201, answer.text
            return answer.json()["code"]

    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        codes = list(pool.map(submit, range(200)))
    assert len(set(codes)) == 200


def test_withdrawing_the_parent_code_withdraws_every_request_not_yet_dispatched(api):
    group = api.post("/api/v1/requests", json={**MULTI, "items": ["JL02", "BZ01"], "details": {
        "JL02": JL02_BODY["details"], "BZ01": {"query": "GB/T 19001-2016"}}}).json()
    calibration, lookup = (child["code"] for child in group["children"])
    through_the_station(api, calibration)
    withdrawn = api.post(f"/api/v1/requests/{group['code']}/cancel", json={"phone": PHONE, "reason": "改期申请"})
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["kind"] == "group"
    going, cancelled = (child["status"] for child in withdrawn.json()["children"])
    assert going in ("dispatched", "in_progress") and cancelled == "cancelled"  # the lab's job carries on
    assert tracked(api, lookup)["timeline"][-1]["reason"] == "改期申请"
    again = api.post(f"/api/v1/requests/{group['code']}/cancel", json={"phone": PHONE})
    assert again.status_code == 409
    assert api.post(f"/api/v1/requests/{group['code']}/cancel", json={"phone": "13800000000"}).status_code == 404
