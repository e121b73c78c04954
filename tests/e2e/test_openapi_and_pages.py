"""The API describes itself (OpenAPI 3); the pages answer in both languages."""

import re

import pytest
from openapi_spec_validator import validate

from services.gateway.service import GatewayService
from services.gateway.web.openapi import API_PREFIXES, http_routes, openapi_path

from ..conftest import form_token
from ..support.data import JL02_BODY

pytestmark = pytest.mark.e2e


def test_the_openapi_document_validates_and_lists_every_api_endpoint(api):
    spec = api.get("/api/v1/openapi.json").json()
    validate(spec)
    routes = {(openapi_path(rule), method.lower()) for method, rule, _ in http_routes(GatewayService)
              if rule.startswith(API_PREFIXES)}
    documented = {(path, method) for path, operations in spec["paths"].items() for method in operations}
    assert routes == documented
    assert spec["paths"]["/api/v1/requests"]["post"]["requestBody"]
    assert "JL02Details" in spec["components"]["schemas"]


def test_every_enterprise_endpoint_has_its_own_description(api):
    spec = api.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/requests", "/api/v1/requests/{code}", "/api/v1/catalogue", "/health"):
        for operation in spec["paths"][path].values():
            assert operation["summary"] and operation["responses"], path


def test_the_api_docs_page_lists_the_endpoints(api):
    page = api.get("/api/docs")
    assert page.status_code == 200
    assert "/api/v1/requests/{code}" in page.text and "接口文档" in page.text


@pytest.mark.parametrize(("path", "chinese", "english"), [
    ("/", "选择服务事项", "Choose the services you need"),
    ("/track", "办件查询", "Track a request"),
    ("/apply?items=JL02", "填写申请表", "Application form"),
])
def test_pages_are_chinese_by_default_and_english_on_request(api, path, chinese, english):
    assert chinese in api.get(path).text
    separator = "&" if "?" in path else "?"
    assert english in api.get(f"{path}{separator}lang=en").text


def form_fields(body):
    instrument = body["details"]["instruments"][0]
    fields = {f"details.JL02.instruments.0.{key}": str(value) for key, value in instrument.items()}
    fields.update({f"enterprise.{key}": value for key, value in body["enterprise"].items()})
    fields.update({f"contact.{key}": value for key, value in body["contact"].items()})
    return fields


def test_a_plain_form_post_submits_and_redirects_to_the_confirmation(api):
    answer = api.post("/apply?items=JL02", data={**form_fields(JL02_BODY), "form_token": form_token(api, "/apply?items=JL02")})
    assert answer.status_code == 303
    confirmation = api.get(answer.headers["location"])
    code = re.search(r'id="request-code">([^<]+)<', confirmation.text).group(1)
    assert api.get(f"/api/v1/requests/{code}", params={"phone": "13912345678"}).status_code == 200
    assert "<svg" in confirmation.text  # the QR code of the tracking link


def test_a_plain_form_post_with_errors_shows_them_next_to_the_fields_and_keeps_the_values(api, gateway_db):
    before = gateway_db.requests.count_documents({})
    fields = {**form_fields(JL02_BODY), "enterprise.uscc": "91321322MA1ABC123Q", "contact.phone": "123",
              "form_token": form_token(api, "/apply?items=JL02")}
    answer = api.post("/apply?items=JL02", data=fields)
    assert answer.status_code == 422
    assert re.search(r'id="enterprise.uscc-error"[^>]*>[^<]*校验位', answer.text)
    assert re.search(r'id="contact.phone-error"[^>]*>请填写11位大陆手机号码', answer.text)
    assert 'value="SN-0001"' in answer.text
    assert gateway_db.requests.count_documents({}) == before


def test_the_confirmation_page_needs_the_link_handed_to_the_submitter(api):
    code = api.post("/api/v1/requests", json=JL02_BODY).json()["code"]
    assert api.get(f"/confirmation/{code}").status_code == 404
    assert api.get(f"/confirmation/{code}?t=0000").status_code == 404


def test_the_tracking_page_shows_the_timeline_and_explains_bad_codes(api):
    code = api.post("/api/v1/requests", json=JL02_BODY).json()["code"]
    token = form_token(api, "/track")
    found = api.post("/track", data={"code": code, "phone": "13912345678", "form_token": token})
    assert found.status_code == 200 and 'id="timeline"' in found.text
    typo = code[:-1] + ("1" if code[-1] != "1" else "2")
    wrong = api.post("/track", data={"code": typo, "phone": "13912345678", "lang": "en", "form_token": token})
    assert wrong.status_code == 400 and "check character" in wrong.text
    unknown = api.post("/track", data={"code": code, "phone": "13800000000", "form_token": token})
    assert unknown.status_code == 404 and "没有找到" in unknown.text
