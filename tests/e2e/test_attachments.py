"""Attachments over HTTP (issue 28 §4): files uploaded first and named by id where they are
used: the form's application materials, the enterprise's answer to a 补正, an operator's
written answer. The station clerk downloads what the enterprise sent, the enterprise
what the laboratory answered with; a file of the wrong type or size is refused and
nothing is kept; only those who may read the request read its files."""

import hashlib
from urllib.parse import quote

import pytest

from ..conftest import signed_in, staff_of, through_the_station
from ..support.data import jl02_body
from ..support.files import EXE, PDF, PNG, upload
from ..support.waiting import eventually

pytestmark = pytest.mark.e2e

PHONE = "13912345678"
STAFF = staff_of("321322")
TESTER = signed_in("testing-1")


def stored_files(gateway_db):
    return gateway_db.attachments.count_documents({})


def station_step(api, code, step, **body):
    version = api.get(f"/api/v1/station/requests/{code}", headers=STAFF).json()["version"]
    answer = api.post(f"/api/v1/station/requests/{code}/{step}", json={"version": version, **body}, headers=STAFF)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_an_upload_answers_its_id_digest_and_the_type_read_from_its_bytes(api):
    (licence, photo) = upload(api, ("营业执照.pdf", PDF, "image/png"), ("照片", PNG, "application/pdf"))["files"]
    assert (licence["name"], licence["size"], licence["content_type"]) == ("营业执照.pdf", len(PDF), "application/pdf")
    assert licence["sha256"] == hashlib.sha256(PDF).hexdigest() and len(licence["id"]) == 32
    assert (photo["name"], photo["content_type"]) == ("照片.png", "image/png")  # what the client said is not read
    assert licence["expires_at"]


def test_an_executable_renamed_pdf_or_a_file_over_the_limit_is_refused_and_nothing_is_kept(api, gateway_db):
    before = stored_files(gateway_db)
    refused = upload(api, ("说明.pdf", PDF), ("营业执照.pdf", EXE), expected=415)
    assert refused["error"] == "file_type_not_allowed" and refused["file"] == {"index": 1, "name": "营业执照.pdf"}
    assert "application/x-msdownload" in refused["message"] and "营业执照.pdf" in refused["message"]
    mismatch = api.post("/api/v1/files?lang=en", files={"file": ("licence.pdf", PNG)})
    assert mismatch.status_code == 415 and "PNG" in mismatch.json()["message"] and ".pdf" in mismatch.json()["message"]
    too_big = upload(api, ("大文件.pdf", PDF + b"\x00" * (20 * 1024 * 1024)), expected=413)
    assert too_big["error"] == "file_too_large"
    assert upload(api, ("空.txt", b""), expected=422)["error"] == "file_empty"
    assert upload(api, expected=422)["fields"] == {"file": ["此项为必填项"]}
    assert stored_files(gateway_db) == before


def test_the_forms_materials_are_the_requests_files_for_its_readers_only(api):
    (licence,) = upload(api, ("营业执照（副本）.pdf", PDF))["files"]
    submitted = api.post("/api/v1/requests", json=jl02_body(attachments=[{"id": licence["id"], "material": 0}]))
    assert submitted.status_code == 201, submitted.text
    (held,) = submitted.json()["files"]
    assert held["url"] == f"/api/v1/requests/{submitted.json()['code']}/files/{licence['id']}"
    assert (held["id"], held["purpose"], held["label"]) == (licence["id"], "material", "营业执照（或统一社会信用代码证明）复印件")

    download = api.get(held["url"], params={"phone": PHONE})
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"] == (
        f"attachment; filename=\"file.pdf\"; filename*=UTF-8''{quote('营业执照（副本）.pdf')}")
    for who in (signed_in("staff-321322"), signed_in("91321322MA1ABC123P"), signed_in("metrology-1"),
                signed_in("manager")):
        assert api.get(held["url"], headers=who).content == PDF
    for refused in ({"params": {"phone": "13800000000"}}, {"headers": signed_in("staff-321302")},
                    {"headers": signed_in("testing-1")}):
        answer = api.get(held["url"], **refused)
        assert answer.status_code == 404 and answer.json()["error"] == "request_not_found"

    again = api.post("/api/v1/requests", json=jl02_body(attachments=[{"id": licence["id"]}]))
    assert again.status_code == 422 and again.json()["fields"] == {"attachments": {"0": ["这个文件已附在另一件申请上"]}}
    other_code = api.post("/api/v1/requests", json=jl02_body()).json()["code"]
    elsewhere = api.get(f"/api/v1/requests/{other_code}/files/{licence['id']}", params={"phone": PHONE})
    assert elsewhere.status_code == 404 and elsewhere.json()["error"] == "file_not_found"


def test_a_supplement_answered_with_a_file_reaches_the_station_clerk_as_a_download(api):
    code = api.post("/api/v1/requests", json=jl02_body()).json()["code"]
    station_step(api, code, "request-material", note="请补充上次校准证书复印件")
    (scan,) = upload(api, ("上次校准证书.png", PNG))["files"]
    answered = api.post(f"/api/v1/requests/{code}/supplement",
                        json={"phone": PHONE, "attachments": [{"id": scan["id"]}]})
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "submitted"
    assert answered.json()["material_request"]["files"] == [scan["id"]]

    seen = api.get(f"/api/v1/station/requests/{code}", headers=STAFF).json()
    (supplied,) = seen["files"]
    assert (supplied["purpose"], supplied["label"], supplied["name"]) == ("supplement", "补正材料", "上次校准证书.png")
    download = api.get(supplied["url"], headers=STAFF)
    assert download.status_code == 200 and download.content == PNG
    assert download.headers["content-type"] == "image/png"
    assert hashlib.sha256(download.content).hexdigest() == supplied["sha256"]
    assert api.get(supplied["url"], headers=staff_of("321302")).status_code == 404


def test_a_supplement_needs_words_or_files(api):
    code = api.post("/api/v1/requests", json=jl02_body()).json()["code"]
    station_step(api, code, "request-material", note="缺营业执照")
    empty = api.post(f"/api/v1/requests/{code}/supplement", json={"phone": PHONE, "attachments": []})
    assert empty.status_code == 422 and empty.json()["fields"] == {"answer": ["此项为必填项"]}
    blank = api.post(f"/api/v1/requests/{code}/supplement", json={"phone": PHONE, "answer": " "})
    assert blank.status_code == 422 and blank.json()["fields"] == {"answer": ["此项不能只填空格"]}


def test_a_laboratorys_written_answer_carries_an_uploaded_pdf_the_enterprise_downloads(api, gateway_db):
    code = api.post("/api/v1/requests", json=jl02_body(item="JC03", details={
        "question": "贵中心能否检测大米中的镉？"})).json()["code"]
    through_the_station(api, code)
    eventually(lambda: api.get(f"/api/v1/testing/jobs/{code}", headers=TESTER).status_code, lambda seen: seen == 200)
    job = f"/api/v1/testing/jobs/{code}/answer"

    # a file is named by its upload's id: neither a description of one nor an upload that does not exist
    described = api.post(job, json={"answer": "见附件", "attachments": [
        {"name": "能力说明.pdf", "size": 1024, "sha256": "3f" * 32}]}, headers=TESTER)
    assert described.status_code == 422 and described.json()["fields"]["attachments"]["0"]["id"] == ["此项为必填项"]
    unknown = api.post(job, json={"answer": "见附件", "attachments": [{"id": "0" * 32}]}, headers=TESTER)
    assert unknown.status_code == 422 and list(unknown.json()["fields"]) == ["attachments"]
    assert api.get(f"/api/v1/testing/jobs/{code}", headers=TESTER).json()["status"] == "received"

    (scope,) = upload(api, ("检测能力说明.pdf", PDF), headers=TESTER)["files"]
    answered = api.post(job, json={"answer": "可以，依据 GB 5009.15-2023 检测镉。", "attachments": [{"id": scope["id"]}]},
                        headers=TESTER)
    assert answered.status_code == 200, answered.text
    (attached,) = answered.json()["answer"]["attachments"]
    assert {key: attached[key] for key in ("id", "name", "size", "sha256", "content_type")} == {
        key: scope[key] for key in ("id", "name", "size", "sha256", "content_type")}
    assert answered.json()["answer"]["answered_by"] == "testing 业务员1"  # from the sign-in
    stored = gateway_db.attachments.find_one({"_id": scope["id"]})
    assert stored["request_code"] == code and stored["uploader"]["username"] == "testing-1"

    tracked = eventually(lambda: api.get(f"/api/v1/requests/{code}", params={"phone": PHONE}).json(),
                         lambda seen: seen["status"] == "completed")
    assert tracked["result"]["attachments"][0]["id"] == scope["id"]
    (held,) = [each for each in tracked["files"] if each["purpose"] == "answer"]
    assert held["url"] == f"/api/v1/requests/{code}/files/{scope['id']}" and held["label"] == "答复附件"
    download = api.get(held["url"], params={"phone": PHONE})
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(download.content).hexdigest() == tracked["result"]["attachments"][0]["sha256"]
    assert api.get(held["url"], params={"phone": "13800000000"}).status_code == 404
