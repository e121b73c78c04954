"""Bad input gets a clear 4xx with field-level messages, and nothing is stored."""

import re

import httpx
import pytest

from ..conftest import form_token, new_client_address
from ..support.data import JL02_BODY, jl02_body

pytestmark = pytest.mark.e2e


@pytest.fixture
def nothing_stored(gateway_db):
    before = gateway_db.requests.count_documents({})
    yield
    assert gateway_db.requests.count_documents({}) == before


def post_raw(api, content, content_type="application/json"):
    return api.post("/api/v1/requests", content=content, headers={"Content-Type": content_type})


@pytest.mark.usefixtures("nothing_stored")
class TestSubmittingBadInput:
    def test_malformed_json_is_400(self, api):
        answer = post_raw(api, b'{"item": "JL02",')
        assert answer.status_code == 400
        assert answer.json() == {"error": "malformed_json", "message": "请求内容不是有效的JSON", "fields": {}}

    @pytest.mark.parametrize("body", [b"[1, 2]", b'"JL02"', b"null", b"42"])
    def test_a_body_that_is_not_an_object_is_400(self, api, body):
        answer = post_raw(api, body)
        assert answer.status_code == 400 and answer.json()["error"] == "not_an_object"

    def test_a_body_over_one_mebibyte_is_413(self, api):
        answer = post_raw(api, b'{"item": "' + b"x" * (1024 * 1024) + b'"}')
        assert answer.status_code == 413 and answer.json()["error"] == "body_too_large"

    def test_an_invalid_credit_code_is_422_on_that_field_in_both_languages(self, api):
        body = jl02_body(enterprise={**JL02_BODY["enterprise"], "uscc": "91321322MA1ABC123Q"})
        answer = api.post("/api/v1/requests", json=body)
        assert answer.status_code == 422
        assert answer.json()["error"] == "validation_failed"
        assert "校验位" in answer.json()["fields"]["enterprise"]["uscc"][0]
        english = api.post("/api/v1/requests", json=body, params={"lang": "en"}).json()
        assert english["message"] == "Some fields need correcting; see the messages beside them."
        assert "check character" in english["fields"]["enterprise"]["uscc"][0]

    def test_an_unknown_item_is_422_on_item(self, api):
        answer = api.post("/api/v1/requests", json=jl02_body(item="ZZ01"))
        assert answer.status_code == 422 and list(answer.json()["fields"]) == ["item"]

    def test_missing_parts_are_each_named(self, api):
        answer = api.post("/api/v1/requests", json={"item": "JL02"}, headers={"Accept-Language": "en"})
        assert answer.status_code == 422
        assert answer.json()["fields"] == {
            "enterprise": ["This field is required."],
            "contact": ["This field is required."],
            "details": ["This field is required."],
        }

    def test_wrong_types_deep_inside_the_details_are_named(self, api):
        instrument = {**JL02_BODY["details"]["instruments"][0], "quantity": "many"}
        answer = api.post("/api/v1/requests", json=jl02_body(details={"instruments": [instrument]}))
        assert answer.status_code == 422
        assert answer.json()["fields"]["details"]["instruments"]["0"]["quantity"] == ["此项应为整数"]

    def test_a_form_post_is_not_json(self, api):
        answer = post_raw(api, b"item=JL02", "application/x-www-form-urlencoded")
        assert answer.status_code == 400 and answer.json()["error"] == "malformed_json"


class TestTrackingBadInput:
    def test_a_code_with_a_wrong_check_character_is_400(self, api):
        code = api.post("/api/v1/requests", json=JL02_BODY).json()["code"]
        typo = code[:-1] + ("1" if code[-1] != "1" else "2")
        answer = api.get(f"/api/v1/requests/{typo}", params={"phone": "13912345678"})
        assert answer.status_code == 400 and answer.json()["error"] == "wrong_check_character"

    def test_a_well_formed_unknown_code_is_404(self, api):
        answer = api.get("/api/v1/requests/321322-20261126-09999-2", params={"phone": "13912345678"})
        assert answer.status_code == 404 and answer.json()["error"] == "request_not_found"

    def test_a_wrong_phone_gets_the_same_404_as_an_unknown_code(self, api):
        code = api.post("/api/v1/requests", json=JL02_BODY).json()["code"]
        wrong_phone = api.get(f"/api/v1/requests/{code}", params={"phone": "13800000000"})
        unknown = api.get("/api/v1/requests/321322-20261126-09999-2", params={"phone": "13912345678"})
        assert wrong_phone.status_code == 404
        assert wrong_phone.json() == unknown.json()

    def test_tracking_without_a_phone_is_400_naming_the_phone(self, api):
        code = api.post("/api/v1/requests", json=JL02_BODY).json()["code"]
        answer = api.get(f"/api/v1/requests/{code}")
        assert answer.status_code == 400 and "phone" in answer.json()["fields"]

    def test_garbage_in_place_of_a_code_is_400(self, api):
        answer = api.get("/api/v1/requests/hello", params={"phone": "13912345678"})
        assert answer.status_code == 400 and answer.json()["error"] == "malformed_code"


class TestConsoleStepsOnBadCodes:
    """A step posted in the staff console for a code that is mistyped, malformed or
    unknown is a page saying so (4xx), never a 500 (issue 26 §5)."""

    @pytest.fixture
    def console(self, stack):
        with httpx.Client(base_url=stack.gateway_url, timeout=10,
                          headers={"X-Forwarded-For": new_client_address()}) as browser:
            signed = browser.post("/staff/login", data={"username": "staff-321322", "password": "demo-staff-321322",
                                                        "form_token": form_token(browser, "/staff/login")})
            assert signed.status_code == 303
            code = browser.post("/api/v1/requests", json=JL02_BODY).json()["code"]
            page = browser.get(f"/staff/requests/{code}").text
            csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
            yield browser, code, csrf

    @pytest.mark.parametrize(("typed", "status"), [
        ("hello", 400), ("321322-2026", 400), ("321322-20261126-09999-2", 404), ("x" * 300, 400),
    ])
    def test_a_step_on_a_malformed_or_unknown_code_is_a_clear_page(self, console, typed, status):
        browser, _, csrf = console
        answer = browser.post(f"/staff/requests/{typed}/accept", data={"csrf": csrf, "version": "1"})
        assert answer.status_code == status, answer.text[:500]
        assert "系统内部错误" not in answer.text

    def test_a_step_on_a_code_with_a_wrong_check_character_says_it_is_mistyped(self, console):
        browser, code, csrf = console
        typo = code[:-1] + ("1" if code[-1] != "1" else "2")
        answer = browser.post(f"/staff/requests/{typo}/accept", data={"csrf": csrf, "version": "1", "lang": "en"})
        assert answer.status_code == 400 and "check character" in answer.text
