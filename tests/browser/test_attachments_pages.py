"""Attachments in a real browser (issue 28 §4): the form takes a file for a listed
material, the clerk asks for more (补正), the enterprise answers on its tracking page
with a file, and the station clerk sees it in the console and downloads it; a file of
the wrong type is refused on the page. Screenshots in test-artifacts/."""

import re

import pytest

from ..support.files import EXE, PDF, PNG
from .conftest import ARTIFACTS, by_id
from .test_intake_pages import choose, fill_applicant, fill_instrument, submit
from .test_staff_console import sign_in

pytestmark = pytest.mark.browser

PHONE = "13912345678"


def test_a_supplement_answered_with_a_file_reaches_the_station_clerk_as_a_download(page, browser, stack, tmp_path):
    # the enterprise applies with its business licence as the first listed material
    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(PDF)
    choose(page, "JL02")
    fill_instrument(page, 0, "SN-ATT-1")
    fill_applicant(page)
    by_id(page, "attachments.JL02.0").set_input_files(str(licence))
    code = submit(page)

    # the clerk sees the material and asks for the last calibration certificate (补正)
    clerk = browser.new_context(base_url=stack.gateway_url, viewport={"width": 1100, "height": 900},
                                accept_downloads=True).new_page()
    sign_in(clerk)
    clerk.goto(f"/staff/requests/{code}")
    assert "营业执照.pdf" in clerk.inner_text("#files")
    clerk.fill("#request-material-note", "请补充上次校准证书的扫描件")
    clerk.click("#step-request-material button")
    clerk.wait_for_url(re.compile(r"done=request-material"))

    # the enterprise answers on its tracking page with the scan
    scan = tmp_path / "上次校准证书.png"
    scan.write_bytes(PNG)
    page.goto(f"/track?code={code}")
    page.fill("#phone", PHONE)
    page.click("#track-form button[type=submit]")
    assert "请补充上次校准证书的扫描件" in page.inner_text("#material-request")
    page.set_input_files("#answer-files", str(scan))
    page.click("#supplement-form button")
    assert page.inner_text("#track-done")
    files = page.inner_text("#files")
    assert "上次校准证书.png" in files and "补正材料" in files and "营业执照.pdf" in files
    page.screenshot(path=str(ARTIFACTS / "attachments-tracking-page.png"), full_page=True)

    # the clerk sees the answer and downloads the file
    clerk.reload()
    assert clerk.inner_text("#status") == "已提交"
    supplied = clerk.locator("#material a.supplied-file")
    assert supplied.inner_text() == "上次校准证书.png"
    with clerk.expect_download() as downloading:
        supplied.click()
    assert downloading.value.suggested_filename == "上次校准证书.png"
    saved = tmp_path / "downloaded.png"
    downloading.value.save_as(saved)
    assert saved.read_bytes() == PNG
    clerk.screenshot(path=str(ARTIFACTS / "attachments-console-request.png"), full_page=True)
    clerk.context.close()


def test_an_executable_renamed_pdf_is_refused_on_the_form_and_the_rest_is_kept(page, tmp_path):
    fake = tmp_path / "营业执照.pdf"
    fake.write_bytes(EXE)
    real = tmp_path / "身份证.pdf"
    real.write_bytes(PDF)
    choose(page, "JL02")
    fill_instrument(page, 0, "SN-ATT-2")
    fill_applicant(page)
    by_id(page, "attachments.JL02.0").set_input_files(str(fake))
    page.click("#apply-form button[value=submit]")
    problem = page.inner_text("#error-summary")
    assert "营业执照.pdf" in problem and "application/x-msdownload" in problem
    assert by_id(page, "contact.name").input_value() == "张伟"  # what was typed stays
    page.screenshot(path=str(ARTIFACTS / "attachments-form-refused.png"), full_page=True)

    by_id(page, "attachments.JL02.1").set_input_files(str(real))
    page.click("#apply-form button[value=submit]")
    page.wait_for_url(re.compile(r"/confirmation/"))
