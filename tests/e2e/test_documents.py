"""The documents people hold (issue 28), through the running platform: every kind the
platform issues, downloaded as the enterprise downloads it, read back with poppler
(``pdftotext``), its first page kept as a PNG in test-artifacts/documents/; the DCC of a
calibration certificate checked against PTB's schemas; uploads checked for genuineness;
a key rotation; stamped copies of documents that no longer stand."""

import re
import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from services.common.clock import china_date
from services.common.documents.dcc import DCC_NS, SI_NS, validate_dcc
from services.common.documents.keys import make_generation

from ..conftest import signed_in, staff_of
from ..support.data import (
    JC01_BODY,
    JC02_BODY,
    RZ01_DETAILS,
    RZ02_DETAILS,
    calibration_results,
    jl02_body,
)
from ..support.waiting import eventually
from .test_catalogue_walk import submitted as catalogue_item_submitted
from .test_certification import certificate_step
from .test_certification import step as certification_step
from .test_certification import submitted as certification_submitted
from .test_enterprise_accounts import browser, signed_in_console
from .test_lab_work import (
    jl01_for,
    new_standard,
    step,
    submitted_and_received,
    tracked,
    verification_results,
)

pytestmark = pytest.mark.e2e

PHONE = "13912345678"
CUSTOMER = "宿迁市测试精密机械有限公司"
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "documents"


# -- reading a PDF as a person would ------------------------------------------------------------
def pdf_text(pdf):
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True,
                          timeout=60).stdout.decode("utf-8")


def pdf_pages(pdf):
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True, timeout=60).stdout.decode()
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def first_page_png(pdf, name):
    """Page 1 as a PNG kept in test-artifacts/documents/ (look at them)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(source),
                    str(ARTIFACTS / name)], check=True, timeout=60)
    png = ARTIFACTS / f"{name}.png"
    assert png.stat().st_size > 10_000  # a rendered page, not an empty one
    return png


def download(api, code, number, fmt="pdf", phone=PHONE, expect=200, **headers):
    answer = api.get(f"/api/v1/requests/{code}/documents/{number}.{fmt}",
                     params={"phone": phone} if phone else {}, headers=headers)
    assert answer.status_code == expect, answer.text[:500]
    return answer


def printed(api, code, number, name, *expected):
    """The PDF as downloaded: every page carries the number and "第 i 页 共 n 页"; the
    text has the customer and everything ``expected``; page 1 is kept as a PNG."""
    answer = download(api, code, number)
    assert answer.headers["content-type"] == "application/pdf"
    assert f'filename="{number}.pdf"' in answer.headers["content-disposition"]
    pdf = answer.content
    text = pdf_text(pdf)
    pages = pdf_pages(pdf)
    for page in range(1, pages + 1):
        assert f"第 {page} 页 共 {pages} 页" in text
    assert text.count(number) >= pages + 1  # the header of every page and the title block
    for wanted in (CUSTOMER, *expected):
        assert wanted in text, f"{wanted!r} not in the PDF of {number}"
    first_page_png(pdf, name)
    return pdf, text


def approved_new_version(api, proposals, domain, body):
    """A correction or amendment proposed by one operator and approved by a second (four
    eyes): the number of the new version."""
    proposed = api.post(proposals, headers=signed_in(f"{domain}-1"), json=body)
    assert proposed.status_code == 201, proposed.text
    approved = api.post(f"{proposals}/{proposed.json()['id']}/approval", headers=signed_in(f"{domain}-2"),
                        json={"approved": True, "comment": "已核对"})
    assert approved.status_code == 200, approved.text
    return approved.json()["document"]["number"]


def uploaded(api, data, name="document.pdf"):
    answer = api.post("/api/v1/verify", files={"file": (name, data)})
    assert answer.status_code == 200, answer.text
    return answer.json()


def one_byte_changed(data, at=None):
    changed = bytearray(data)
    index = len(changed) // 2 if at is None else at
    changed[index] = (changed[index] + 1) % 256
    return bytes(changed)


# -- issuing each kind through the real services ---------------------------------------------------
def calibrated(api, serial=None):
    serial = serial or f"SN-{uuid.uuid4().hex[:6]}"
    standard = new_standard(api)
    body = jl02_body()
    body["details"] = {"instruments": [{**body["details"]["instruments"][0], "serial_number": serial}]}
    code = submitted_and_received(api, body)
    step(api, "metrology", code, "start", {})
    step(api, "metrology", code, "results", calibration_results(serial=serial, standard=standard))
    step(api, "metrology", code, "review", {"approved": True})
    number = step(api, "metrology", code, "issue", {})["documents"][0]["number"]
    return code, number


def verified_instrument(api, conclusion):
    serial = f"PG-{uuid.uuid4().hex[:6]}"
    standard = new_standard(api)
    code = submitted_and_received(api, jl01_for(serial))
    step(api, "metrology", code, "start", {})
    step(api, "metrology", code, "results", verification_results(serial=serial, standard=standard,
                                                                 conclusion=conclusion))
    step(api, "metrology", code, "review", {"approved": True})
    return code, step(api, "metrology", code, "issue", {})["documents"][0]["number"]


def tested(api):
    code = submitted_and_received(api, JC01_BODY)
    job = step(api, "testing", code, "samples", {"samples": [
        {"name": "大米", "description": "5 kg 袋装", "condition_on_receipt": "包装完好", "quantity": "2袋"}]})
    sample = job["samples"][0]["sample_number"]
    step(api, "testing", code, "start", {})
    step(api, "testing", code, "results", {
        "specification": "GB 2762-2022", "decision_rule": "simple_acceptance",
        "test_conditions": {"temperature_c": 22, "humidity_pct": 50},
        "results": [{"sample_number": sample, "item": "镉（以Cd计）", "method": "GB 5009.15-2023",
                     "value": "0.08", "unit": "mg/kg", "limit": {"max": "0.2"}}]})
    step(api, "testing", code, "review", {"approved": True})
    return code, step(api, "testing", code, "issue", {})["documents"][0]["number"]


def rapid_tested(api):
    code = submitted_and_received(api, JC02_BODY)
    job = step(api, "testing", code, "samples", {"samples": [
        {"name": "青菜", "description": "约 500 g", "condition_on_receipt": "新鲜", "quantity": "1份"}]})
    step(api, "testing", code, "start", {})
    step(api, "testing", code, "results", {"results": [{
        "sample_number": job["samples"][0]["sample_number"], "item": "有机磷和氨基甲酸酯类农药残留",
        "method": "GB/T 5009.199-2003", "outcome": "negative"}]})
    step(api, "testing", code, "review", {"approved": True})
    return code, step(api, "testing", code, "issue", {})["documents"][0]["number"]


def jl03_submitted(api):
    return catalogue_item_submitted(api, "JL03", {
        "standard_name": "精密压力表标准装置", "assessment_type": "new", "measuring_range": "(0-60) MPa",
        "uncertainty": "0.05级", "main_equipment": "活塞式压力计"})


def assessed_standard(api):
    """A JL03 assessment granted: the 计量标准考核证书's number (the decision by a second
    metrology operator, who took no part in the assessment)."""
    code = jl03_submitted(api)
    step(api, "metrology", code, "document-review", {"passed": True})
    step(api, "metrology", code, "assessment", {
        "assessed_on": china_date(datetime.now(UTC)).isoformat(), "assessors": ["考评员甲", "考评员乙"],
        "findings": "稳定性、重复性符合要求", "conclusion": "pass"})
    decided = api.post(f"/api/v1/metrology/jobs/{code}/decision", json={"decision": "grant"},
                       headers=signed_in("metrology-2"))
    assert decided.status_code == 200, decided.text
    return code, decided.json()["documents"][0]["number"]


def certified(api, item):
    code = certification_submitted(api, item, RZ02_DETAILS if item == "RZ02" else RZ01_DETAILS)
    certification_step(api, code, "review", {"accepted": True, "comments": "资料齐全"})
    if item == "RZ02":
        certification_step(api, code, "stage1", {"ready_for_stage2": True})
        certification_step(api, code, "stage2", {"recommendation": "grant", "minor_nonconformities": 1})
    else:
        certification_step(api, code, "type-test", {"result": "pass", "reference": "SQJC-2026-000031"})
        certification_step(api, code, "factory-inspection", {"result": "pass"})
    number = certification_step(api, code, "decision", {"decision": "grant"})["certificate_number"]
    eventually(lambda: tracked(api, code), lambda seen: seen["status"] == "completed")
    return code, number


# -- the tests ------------------------------------------------------------------------------------
class TestEveryKindPrints:
    def test_a_calibration_certificate_prints_with_u_k_and_traceability_and_has_a_valid_dcc(self, api):
        code, number = calibrated(api)
        eventually(lambda: tracked(api, code), lambda seen: seen["status"] == "completed")
        pdf, text = printed(api, code, number, "calibration-certificate", "校准证书", "JJG 875-2019", "1.5985",
                            "0.0012", "0.95", "MPa", "精密数字压力计", "JSJL-2026-01234", "计量溯源性",
                            "校准员", "核验员", "批准人", "/verify/" + number)
        assert download(api, code, number).content == pdf  # the signed original never changes

        dcc = download(api, code, number, "xml")
        assert dcc.headers["content-type"].startswith("application/xml")
        validate_dcc(dcc.content)  # PTB's DCC 3.1.2 with D-SI 2.1.0
        (ARTIFACTS / "calibration-certificate.xml").write_bytes(dcc.content)
        root = etree.fromstring(dcc.content)
        assert root.findtext(f".//{{{DCC_NS}}}uniqueIdentifier") == number
        units = {unit.text for unit in root.iter(f"{{{SI_NS}}}unit")}
        assert r"\mega\pascal" in units and r"\degreecelsius" in units
        uncertainty = root.find(f".//{{{SI_NS}}}expandedUnc")
        assert [child.text for child in uncertainty] == ["0.0008", "2", "0.95"]
        assert {content.get("lang") for content in root.iter(f"{{{DCC_NS}}}content")} == {"zh", "en"}
        assert CUSTOMER in dcc.text and "精密数字压力计" in dcc.text

        signed = download(api, code, number, "signed.xml").content
        inside = etree.fromstring(signed).find(".//{http://www.w3.org/2000/09/xmldsig#}Object")[0]
        validate_dcc(etree.tostring(inside))  # the DCC inside its signature is the same valid DCC

    def test_a_verification_certificate_and_a_notice_of_failure_print_their_conclusion(self, api):
        code, number = verified_instrument(api, "pass")
        printed(api, code, number, "verification-certificate", "检定证书", "合格", "有效期至", "示值误差", "检定员")
        download(api, code, number, "xml", expect=404)  # only calibration certificates have a DCC
        code, number = verified_instrument(api, "fail")
        printed(api, code, number, "verification-failure-notice", "检定结果通知书", "不合格",
                "示值误差超过最大允许误差")

    def test_a_measurement_standard_certificate_prints_the_standard_its_assessment_and_validity(self, api):
        code, number = assessed_standard(api)
        assert number.startswith("SQBK-")
        printed(api, code, number, "measurement-standard-certificate", "计量标准考核证书", "精密压力表标准装置",
                "(0-60) MPa", "JJF 1033-2023", "考评员甲", "有效期至")
        download(api, code, number, "xml", expect=404)  # a DCC is for calibration certificates only

    def test_a_test_report_and_a_rapid_test_report_print_results_and_the_decision_rule(self, api):
        code, number = tested(api)
        printed(api, code, number, "test-report", "检验检测报告", "镉（以Cd计）", "0.08 mg/kg", "≤ 0.2",
                "简单接受", "GB 2762-2022", "检测人")
        code, number = rapid_tested(api)
        printed(api, code, number, "rapid-test-report", "快速检测结果报告", "阴性", "有机磷")

    def test_certification_certificates_print_scope_standard_and_validity_and_a_new_edition_after_a_change(
            self, api):
        code, number = certified(api, "RZ02")
        printed(api, code, number, "management-system-certificate", "管理体系认证证书", "GB/T 19001-2016",
                "精密机械零部件的设计和生产", "有效期至")
        certificate_step(api, number, "reduce-scope", {"sites": ["宿迁市沭阳县经济开发区上海路18号"],
                                                       "reason": "南关场所停产"})
        _, text = printed(api, code, number, "management-system-certificate-edition-2", "第 2 版")
        assert "南关工业园" not in text
        code, number = certified(api, "RZ01")
        printed(api, code, number, "product-certificate", "产品认证证书", "家用电热水壶")

    def test_corrected_and_amended_versions_say_what_they_replace_and_the_old_one_comes_stamped(self, api):
        code, number = calibrated(api)
        new_number = approved_new_version(
            api, f"/api/v1/metrology/certificates/{number}/corrections", "metrology",
            {"reason": "器具型号有误", "changes": {"instrument": {"model": "YB-160"}}})
        printed(api, code, new_number, "calibration-certificate-corrected", f"替代 {number}", "器具型号有误",
                "YB-160")
        old = download(api, code, number)
        assert old.headers["x-document-state"] == "superseded"
        assert "已被替代" in pdf_text(old.content)

        code, number = tested(api)
        amended = approved_new_version(api, f"/api/v1/testing/reports/{number}/amendments", "testing",
                                       {"reason": "委托单位名称有误", "changes": {"remarks": "样品由委托方送检"}})
        printed(api, code, amended, "test-report-amended", f"替代 {number}", "委托单位名称有误")


class TestFilesAreCheckedFromThemselves:
    def test_a_genuine_pdf_and_signed_dcc_verify_and_one_changed_byte_does_not(self, api):
        code, number = calibrated(api)
        pdf = download(api, code, number).content
        genuine = uploaded(api, pdf)
        assert genuine["genuine"] is True and genuine["number"] == number
        assert (genuine["kind"], genuine["title"], genuine["status"]) == ("calibration_certificate", "校准证书",
                                                                          "current")
        for at in (len(pdf) // 3, len(pdf) // 2, len(pdf) - 40):
            assert uploaded(api, one_byte_changed(pdf, at))["genuine"] is False

        signed = download(api, code, number, "signed.xml").content
        answer = uploaded(api, signed, "certificate.signed.xml")
        assert (answer["genuine"], answer["number"], answer["format"]) == (True, number, "xml")
        answer = uploaded(api, one_byte_changed(signed, signed.index(b"JJG 875")))
        assert answer["genuine"] is False and answer["reason"] == "altered"
        assert uploaded(api, download(api, code, number, "xml").content)["reason"] == "not_signed"
        assert uploaded(api, b"hello")["reason"] == "unsupported_file"

    def test_a_withdrawn_document_downloads_stamped_and_both_copies_verify_with_todays_state(self, api):
        code, number = calibrated(api)
        original = download(api, code, number).content
        withdrawn = api.post(f"/api/v1/metrology/certificates/{number}/withdrawal", headers=signed_in("metrology-1"),
                             json={"reason": "计量标准失准"})
        assert withdrawn.status_code == 200, withdrawn.text
        stamped = download(api, code, number)
        assert stamped.headers["x-document-state"] == "withdrawn"
        text = pdf_text(stamped.content)
        assert "已撤销" in text and "WITHDRAWN" in text
        first_page_png(stamped.content, "calibration-certificate-withdrawn")
        for copy in (original, stamped.content):
            answer = uploaded(api, copy)
            assert (answer["genuine"], answer["number"], answer["status"]) == (True, number, "withdrawn")

    def test_old_documents_stay_verifiable_after_the_key_is_rotated(self, api, stack):
        code, number = calibrated(api)
        before = download(api, code, number).content
        signed_before = uploaded(api, before)["signed_by"]
        keys = Path(stack.var_dir) / "issuing-keys"
        rotated = make_generation(keys, f"z-{uuid.uuid4().hex[:6]}", "QI platform issuing key (rotated in a test)")
        code_after, number_after = calibrated(api)
        after = download(api, code_after, number_after).content
        answer = uploaded(api, after)
        assert answer["genuine"] is True and answer["signed_by"] == rotated.name != signed_before
        again = uploaded(api, before)
        assert again["genuine"] is True and again["signed_by"] == signed_before


class TestWhoGetsTheFiles:
    def test_the_contact_phone_or_a_sign_in_that_may_see_the_request_and_nobody_else(self, api):
        code, number = tested(api)
        download(api, code, number, phone="13900000000", expect=404)
        download(api, code, number, phone=None, expect=404)
        download(api, code, number, phone=None, **staff_of("321322"))
        download(api, code, number, phone=None, expect=404, **staff_of("321302"))
        other_code, _ = rapid_tested(api)
        download(api, other_code, number, expect=404)  # not issued for that request
        download(api, code, "SQJC-2099-999999", expect=404)

    def test_the_tracking_page_and_the_console_link_each_file(self, api, stack):
        code, number = calibrated(api)
        eventually(lambda: tracked(api, code), lambda seen: seen["status"] == "completed")
        page = api.post("/track", data={"code": code, "phone": PHONE, "form_token": _form_token(api, "/track")})
        assert f"/api/v1/requests/{code}/documents/{number}.pdf?phone={PHONE}" in page.text
        assert f"/api/v1/requests/{code}/documents/{number}.signed.xml?phone={PHONE}" in page.text
        with browser(stack) as clerk:
            signed_in_console(clerk)
            console_page = clerk.get(f"/staff/requests/{code}")
            assert f"/staff/documents/{code}/documents/{number}.pdf" in console_page.text
            pdf = clerk.get(f"/staff/documents/{code}/documents/{number}.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert api.get(f"/staff/documents/{code}/documents/{number}.pdf").status_code == 401


def _form_token(api, page):
    from ..conftest import form_token

    return form_token(api, page)
