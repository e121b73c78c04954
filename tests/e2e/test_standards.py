"""Standards through the gateway: public search, BZ cases, and the standards watch."""

import time

import pytest

from services.gateway.domain.uscc import check_character

from ..conftest import signed_in, through_the_station
from ..support.data import RZ02_DETAILS, jl02_body
from .test_certification import OPERATOR as CERTIFICATION_OPERATOR
from .test_certification import certificate_step, step, wait_for_event
from .test_walking_skeleton import wait_for_status

pytestmark = pytest.mark.e2e

OPERATOR = signed_in("standards-1")
TABLE = "标准清单：GB 4706.1-2005, GB 4706.19-2008\n".encode()


def search(api, q, **params):
    return api.get("/api/v1/standards", params={"q": q, **params})


def submit(api, item, details, enterprise=None):
    body = jl02_body(item=item, details=details)
    if enterprise:
        body["enterprise"] = {**body["enterprise"], **enterprise}
    response = api.post("/api/v1/requests", json=body)
    assert response.status_code == 201, response.text
    code = response.json()["code"]
    through_the_station(api, code)
    return code


def case_step(api, code, name, body, expected=200):
    response = api.post(f"/api/v1/standards/cases/{code}/{name}", json=body, headers=OPERATOR)
    assert response.status_code == expected, response.text
    return response.json()


def test_anyone_searches_the_catalogue_by_number_however_typed_or_by_chinese_words(api):
    found = search(api, "ｇｂ／ｔ19001－2016").json()
    assert found["normalized"] == "GB/T 19001-2016"
    assert found["results"][0]["number"] == "GB/T 19001-2016"
    assert found["results"][0]["state_label"] == "现行"
    by_words = search(api, "质量管理体系 要求", lang="en").json()["results"]
    assert [s["number"] for s in by_words[:2]] == ["GB/T 19001-2016", "GB/T 19001-2008"]
    assert (
        by_words[1]["state_label"] == "Superseded"
        and by_words[1]["replaced_by"] == "GB/T 19001-2016"
    )
    assert search(api, "GB 7718").json()["results"][0]["state"] == "upcoming"


def test_a_search_without_words_or_with_a_bad_limit_is_refused_with_field_messages(api):
    missing = api.get("/api/v1/standards")
    assert missing.status_code == 422 and missing.json()["fields"] == {"q": ["此项为必填项"]}
    assert search(api, "GB", limit="many").json()["fields"] == {"limit": ["此项应为整数"]}


def test_a_standard_has_its_own_page_with_its_editions(api):
    page = api.get("/api/v1/standards/JJG 52-1999")
    assert page.status_code == 200
    assert page.json()["state"] == "superseded" and page.json()["replaced_by"] == "JJG 52-2013"
    assert api.get("/api/v1/standards/GB/T 19001").json()["number"] == "GB/T 19001-2016"
    assert api.get("/api/v1/standards/GB/T 99999-2020").status_code == 404


def test_a_lookup_request_is_answered_from_the_catalogue(api):
    code = submit(api, "BZ01", {"query": "GB/T 19001", "purpose": "体系认证准备"})
    completed = wait_for_status(api, code, "completed")
    assert [s["number"] for s in completed["result"]["standards"]][:2] == [
        "GB/T 19001-2016",
        "GB/T 19001-2008",
    ]
    assert completed["timeline"][-1]["event"] == "lookup_answered"
    assert completed["timeline"][-1]["label"].startswith("已从标准目录答复")


def test_a_lookup_the_catalogue_cannot_answer_is_answered_by_staff(api):
    code = submit(api, "BZ01", {"query": "量子纠缠咖啡机"})
    wait_for_event(api, code, "lookup_unmatched")
    case_step(api, code, "answer", {"answer": "目录中暂无该类标准，建议参照…"})
    assert wait_for_status(api, code, "completed")["result"] == {
        "answer": "目录中暂无该类标准，建议参照…",
        "attachments": [],
    }


def test_a_declaration_citing_a_superseded_standard_is_sent_back_with_comments(api):
    code = submit(
        api,
        "BZ02",
        {
            "product_name": "精密压力表",
            "standard_number": "Q/SQJM 001-2026",
            "referenced_standards": "GB/T 1.1-2020\nJJG 52-1999",
        },
    )
    wait_for_event(api, code, "references_checked")
    case = api.get(f"/api/v1/standards/cases/{code}", headers=OPERATOR).json()
    assert {r["cited"]: r["state"] for r in case["references"]} == {
        "GB/T 1.1-2020": "current",
        "JJG 52-1999": "superseded",
    }
    refused = case_step(api, code, "review", {"decision": "approved"}, expected=409)
    assert refused["error"] == "flagged_references"
    assert case_step(api, code, "review", {"decision": "changes_requested"}, expected=422)[
        "fields"
    ] == {"comments": ["此项为必填项"]}
    case_step(
        api,
        code,
        "review",
        {"decision": "changes_requested", "comments": "JJG 52-1999 已被 JJG 52-2013 代替"},
    )
    completed = wait_for_status(api, code, "completed")
    assert completed["result"]["decision"] == "changes_requested"
    assert completed["result"]["flagged_references"] == ["JJG 52-1999"]


def test_a_consulting_question_is_answered_in_writing_with_attachments(api):
    code = submit(api, "BZ03", {"topic": "selection", "question": "出口电热水壶应执行哪些标准？"})
    wait_for_status(api, code, "in_progress")
    bad = case_step(api, code, "answer", {"answer": "见附件", "attachments": [{"id": "abc"}]}, expected=422)
    assert bad["fields"] == {"attachments": {"0": {"id": ["应为上传文件得到的编号（32位十六进制）"]}}}
    unknown = case_step(api, code, "answer", {"answer": "见附件", "attachments": [{"id": "0" * 32}]}, expected=422)
    assert unknown["fields"]["attachments"]["0"][0].startswith("没有这个上传文件")
    uploaded = api.post("/api/v1/files", files={"file": ("标准清单.txt", TABLE)}, headers=OPERATOR)
    assert uploaded.status_code == 201, uploaded.text
    (table,) = uploaded.json()["files"]
    case_step(api, code, "answer",
              {"answer": "建议执行 GB 4706.1-2005 与 GB 4706.19-2008。", "attachments": [{"id": table["id"]}]})
    completed = wait_for_status(api, code, "completed")
    assert completed["result"]["attachments"] == [
        {"id": table["id"], "name": "标准清单.txt", "size": len(TABLE), "sha256": table["sha256"],
         "content_type": "text/plain"}]
    assert [(each["purpose"], each["name"]) for each in completed["files"]] == [("answer", "标准清单.txt")]
    download = api.get(f"/api/v1/requests/{code}/files/{table['id']}", params={"phone": "13912345678"})
    assert download.status_code == 200 and download.content == TABLE
    assert (
        case_step(api, code, "answer", {"answer": "再答"}, expected=409)["error"]
        == "invalid_transition"
    )


def test_administering_the_catalogue_needs_a_standards_sign_in_and_real_numbers(api):
    assert api.post("/api/v1/standards/supersessions", json={}).status_code == 401
    bad = api.post(
        "/api/v1/standards/supersessions",
        json={"number": "GB 2760", "status": "gone"},
        headers=OPERATOR,
    )
    assert bad.status_code == 422
    assert set(bad.json()["fields"]) == {"number", "status"}
    unknown = api.post(
        "/api/v1/standards/supersessions",
        headers=OPERATOR,
        json={
            "number": "GB/T 19001-2016",
            "status": "superseded",
            "replaced_by": "GB/T 19001-2031",
        },
    )
    assert unknown.status_code == 422 and unknown.json()["error"] == "unknown_replacement"


def test_a_superseded_standard_reaches_every_enterprise_and_certificate_that_depends_on_it(api):
    # An enterprise of its own, so its notices are only this test's.
    first17 = "91321322MA1WATCH"[:16] + "1"
    follower = {"name": "宿迁市标准跟踪示范有限公司", "uscc": first17 + check_character(first17)}
    asked = submit(api, "BZ01", {"query": "GB/T 24001-2016"}, enterprise=follower)
    wait_for_status(api, asked, "completed")

    certification = submit(api, "RZ02", {**RZ02_DETAILS, "standard": "GB/T 24001-2016"})
    wait_for_status(api, certification, "in_progress")
    step(api, certification, "review", {"accepted": True})
    step(api, certification, "stage1", {"ready_for_stage2": True})
    step(api, certification, "stage2", {"recommendation": "grant"})
    number = step(api, certification, "decision", {"decision": "grant"})["certificate_number"]

    added = api.post(
        "/api/v1/standards",
        headers=OPERATOR,
        json={
            "number": "GB/T 24001-2026",
            "title_zh": "环境管理体系 要求及使用指南",
            "effective": "2026-11-01",
        },
    )
    assert added.status_code == 201 and added.json()["state"] == "current"
    ended = api.post(
        "/api/v1/standards/supersessions",
        headers=OPERATOR,
        json={
            "number": "GB/T 24001-2016",
            "status": "superseded",
            "replaced_by": "GB/T 24001-2026",
        },
    )
    assert ended.status_code == 200 and ended.json()["state"] == "superseded"
    again = api.post(
        "/api/v1/standards/supersessions",
        headers=OPERATOR,
        json={"number": "GB/T 24001-2016", "status": "withdrawn"},
    )
    assert again.status_code == 409

    notices = _wait_for_notices(api, asked)
    assert (
        notices[0]["label"] == "您关注的标准 GB/T 24001-2016 已被 GB/T 24001-2026 代替，请及时转换"
    )
    flagged = wait_for_event(api, certification, "standard_flagged")
    assert flagged["timeline"][-1]["details"]["replaced_by"] == "GB/T 24001-2026"
    alerts = api.get(f"/api/v1/certification/certificates/{number}", headers=CERTIFICATION_OPERATOR).json()[
        "standard_alerts"
    ]
    assert [alert["number"] for alert in alerts] == ["GB/T 24001-2016"]
    certificate_step(api, number, "withdraw", {"reason": "测试结束"})


def _wait_for_notices(api, code, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        notices = api.get(f"/api/v1/requests/{code}", params={"phone": "13912345678"}).json()[
            "notices"
        ]
        if notices:
            return notices
        time.sleep(0.1)
    raise AssertionError(f"no notice reached the enterprise of {code}")
