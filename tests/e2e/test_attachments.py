"""Attachments over HTTP (issue 28 §4): files uploaded first and named by id where they are
used: the form's application materials, the enterprise's answer to a 补正. The station
clerk downloads what the enterprise sent; a file of the wrong type or size is refused
and nothing is kept; only those who may read the request read its files."""

import hashlib
from urllib.parse import quote

import pytest

from ..conftest import signed_in, staff_of
from ..support.data import jl02_body

pytestmark = pytest.mark.e2e

PHONE = "13912345678"
STAFF = staff_of("321322")
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"\x80\x00\x00\x00" + b"\x00" * 64 \
    + b"PE\x00\x00" + b"\x00" * 200


def upload(api, *files, headers=None, expected=201):
    answer = api.post("/api/v1/files", files=[("file", each) for each in files], headers=headers)
    assert answer.status_code == expected, answer.text
    return answer.json()


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
