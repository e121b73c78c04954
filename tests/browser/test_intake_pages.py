"""The enterprise's pages in a real browser: choose, fill, submit, confirm, track."""

import re

import pytest

from .conftest import by_id

pytestmark = pytest.mark.browser

PHONE = "13912345678"


def choose(page, *codes, lang="zh-CN"):
    page.goto("/" if lang == "zh-CN" else "/?lang=en")
    for code in codes:
        page.check(f"#item-{code}")
    page.click("#choose-items button[type=submit]")
    page.wait_for_url(re.compile(r"/apply\?"))


def fill_applicant(page, uscc="91321322MA1ABC123P"):
    by_id(page, "enterprise.name").fill("宿迁市测试精密机械有限公司")
    by_id(page, "enterprise.uscc").fill(uscc)
    by_id(page, "enterprise.station").select_option("321322")
    by_id(page, "contact.name").fill("张伟")
    by_id(page, "contact.phone").fill(PHONE)


def fill_instrument(page, index, serial):
    prefix = f"details.JL02.instruments.{index}"
    for field, value in [("name", "数字压力表"), ("model", "YB-150"), ("serial_number", serial),
                         ("measuring_range", "0-1.6 MPa"), ("accuracy_class", "0.4级"), ("quantity", "1")]:
        by_id(page, f"{prefix}.{field}").fill(value)


def submit(page):
    page.click("#apply-form button[value=submit]")
    page.wait_for_url(re.compile(r"/confirmation/"))
    return page.inner_text("#request-code").strip()


def test_a_calibration_of_two_instruments_is_submitted_and_tracked(page):
    choose(page, "JL02")
    fill_instrument(page, 0, "SN-0001")
    page.click("fieldset.group .add-row")
    fill_instrument(page, 1, "SN-0002")
    fill_applicant(page)
    code = submit(page)
    assert re.fullmatch(r"321322-\d{8}-\d{5}-[0-9X]", code)
    assert page.locator(".qr svg").count() == 1
    assert "7个工作日" in page.inner_text("#due-rule")

    page.click("text=查询办件进度")
    assert page.input_value("#code") == code
    page.fill("#phone", PHONE)
    page.click("#track-form button[type=submit]")
    page.wait_for_selector("#timeline li")
    timeline = page.inner_text("#timeline")
    assert "企业提交申请" in timeline
    assert page.inner_text("#status")


def test_an_invalid_credit_code_is_explained_next_to_the_field_in_chinese(page):
    choose(page, "JL02")
    fill_instrument(page, 0, "SN-0001")
    fill_applicant(page, uscc="91321322MA1ABC123Q")
    by_id(page, "contact.name").focus()  # leaving the field checks it at once
    assert "校验位" in by_id(page, "enterprise.uscc-error").inner_text()
    page.click("#apply-form button[value=submit]")
    assert "/apply" in page.url  # not submitted
    assert "校验位" in by_id(page, "enterprise.uscc-error").inner_text()


def test_without_javascript_the_server_says_the_same_next_to_the_field(browser, stack):
    context = browser.new_context(base_url=stack.gateway_url, java_script_enabled=False)
    page = context.new_page()
    choose(page, "JL02")
    fill_instrument(page, 0, "SN-0001")
    fill_applicant(page, uscc="91321322MA1ABC123Q")
    page.click("#apply-form button[value=submit]")
    assert "校验位" in by_id(page, "enterprise.uscc-error").inner_text()
    assert page.input_value('[id="details.JL02.instruments.0.serial_number"]') == "SN-0001"  # kept
    by_id(page, "enterprise.uscc").fill("91321322MA1ABC123P")
    page.click("fieldset.group .add-row")  # a second row, by reloading the form
    fill_instrument(page, 1, "SN-0002")
    code = submit(page)
    assert code
    context.close()


def test_several_items_in_one_form_show_their_children(page):
    choose(page, "JC01", "RZ01")
    by_id(page, "details.JC01.samples.0.name").fill("螺纹钢")
    by_id(page, "details.JC01.samples.0.quantity").fill("3")
    by_id(page, "details.JC01.test_items").fill("屈服强度、抗拉强度")
    by_id(page, "details.RZ01.product_name").fill("电热水壶")
    by_id(page, "details.RZ01.product_models").fill("SQ-1")
    by_id(page, "details.RZ01.scheme").select_option("ccc")
    by_id(page, "details.RZ01.product_standard").fill("GB 4706.1-2005")
    by_id(page, "details.RZ01.factory_address").fill("宿迁市沭阳县")
    fill_applicant(page)
    code = submit(page)
    assert page.locator("#child-codes li").count() == 2

    page.goto(f"/track?code={code}")
    page.fill("#phone", PHONE)
    page.click("#track-form button[type=submit]")
    page.wait_for_selector("#children tbody tr")
    rows = page.locator("#children tbody tr")
    assert rows.count() == 2
    names = " ".join(rows.nth(index).inner_text() for index in range(2))
    assert "委托检验" in names and "产品认证" in names


def test_the_pages_switch_to_english(page):
    page.goto("/")
    page.click("#switch-language")
    assert page.inner_text("h1") == "Choose the services you need"
    page.check("#item-JL04")
    page.click("#choose-items button[type=submit]")
    assert "lang=en" in page.url
    by_id(page, "details.JL04.topic").select_option("traceability")
    by_id(page, "details.JL04.question").fill("How often should our balances be calibrated?")
    fill_applicant(page)
    by_id(page, "contact.phone").fill("12345")
    page.click("#apply-form button[value=submit]")
    assert by_id(page, "contact.phone-error").inner_text() == "Enter an 11-digit mainland China mobile number."
    by_id(page, "contact.phone").fill(PHONE)
    submit(page)
    assert "Your request has been submitted" in page.inner_text("h1")


def fill_required_fields(page):
    """Fill every required input the way a careful user would, whatever the item."""
    for element in page.locator("#apply-form [data-required]").all():
        name = element.get_attribute("name")
        tag = element.evaluate("e => e.tagName")
        if name in ("enterprise.name", "enterprise.uscc", "enterprise.station", "contact.name", "contact.phone"):
            continue
        if tag == "SELECT":
            element.select_option(index=1)
        elif element.get_attribute("type") == "number":
            element.fill(element.get_attribute("min") or "1")
        else:
            element.fill("测试内容" if tag == "TEXTAREA" else "测试")


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_catalogue_item_can_be_requested_through_the_page(page, api, lang):
    codes = [item["code"] for item in api.get("/api/v1/catalogue").json()["items"]]
    assert len(codes) >= 14
    for code in codes:
        choose(page, code, lang=lang)
        fill_required_fields(page)
        fill_applicant(page)
        request_code = submit(page)
        tracked = api.get(f"/api/v1/requests/{request_code}", params={"phone": PHONE}).json()
        assert tracked["item"]["code"] == code


def test_the_pages_script_runs_under_the_content_security_policy(page):
    """The policy forbids inline script; the page's own script, fed by its JSON data
    block, still checks a field as soon as it is left, and nothing is refused."""
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    choose(page, "JL02", lang="en")
    by_id(page, "contact.phone").fill("123")
    by_id(page, "contact.name").focus()  # leaves the phone field
    assert by_id(page, "contact.phone-error").inner_text() == "Enter an 11-digit mainland China mobile number."
    assert violations == []
