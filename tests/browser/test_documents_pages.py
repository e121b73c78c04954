"""The documents in a real browser: the tracking page links the signed PDF, the public
verification page checks an uploaded file (a genuine one, and one with a byte changed),
and a document's QR code opens its verification page."""

import re

import pytest

from ..e2e.test_documents import calibrated, one_byte_changed
from ..e2e.test_lab_work import tracked
from ..support.waiting import eventually

pytestmark = pytest.mark.browser

PHONE = "13912345678"


def test_the_verify_page_checks_an_uploaded_pdf_and_a_changed_copy_is_not_genuine(page, api, tmp_path):
    code, number = calibrated(api)
    eventually(lambda: tracked(api, code), lambda seen: seen["status"] == "completed")

    page.goto("/track")
    page.fill("#code", code)
    page.fill("#phone", PHONE)
    page.click("#track-form button[type=submit]")
    link = page.locator(f'[id="pdf-{number}"]')
    with page.expect_download() as downloading:
        link.click()
    pdf = tmp_path / "certificate.pdf"
    downloading.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    page.goto("/verify")
    page.set_input_files("#verify-file", str(pdf))
    page.click("#verify-file-submit")
    assert "真实且未被改动" in page.inner_text("#file-verdict")
    assert page.inner_text("#file-number").strip() == number
    assert page.inner_text("#file-status").strip() == "现行有效"

    changed = tmp_path / "changed.pdf"
    changed.write_bytes(one_byte_changed(pdf.read_bytes()))
    page.set_input_files("#verify-file", str(changed))
    page.click("#verify-file-submit")
    assert page.inner_text("#file-verdict").strip() == "不是真实文件"
    assert "改动" in page.inner_text("#file-reason")


def test_a_documents_qr_code_opens_its_verification_page(page, api):
    code, number = calibrated(api)
    page.goto(f"/verify/{number}?lang=en")
    assert page.inner_text("#verify-status").strip() == "Current"
    assert re.search(r"Calibration|校准", page.inner_text("#verified"))
