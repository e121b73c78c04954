"""The one form: the contract body is accepted as it is; every mistake is named by field."""

import pytest
from marshmallow import ValidationError

from services.gateway.messages import localize
from services.gateway.reference import reference_data
from services.gateway.schemas import load_request_form

from .fixtures import JL02_BODY, jl02_body

CATALOGUE, STATIONS = reference_data()


def errors_of(body, lang="zh-CN"):
    with pytest.raises(ValidationError) as caught:
        load_request_form(body, CATALOGUE, STATIONS)
    return localize(caught.value.messages, lang)


def test_the_contract_example_is_accepted_as_it_is():
    form, item = load_request_form(JL02_BODY, CATALOGUE, STATIONS)
    assert item.code == "JL02" and item.domain == "metrology"
    assert form["details"]["instruments"][0]["serial_number"] == "SN-0001"


def test_the_catalogue_has_all_fourteen_items_in_four_domains():
    assert len(CATALOGUE.items) >= 14
    assert {item.domain for item in CATALOGUE.items.values()} == {"metrology", "standards", "certification", "testing"}


def test_a_wrong_credit_code_check_character_is_explained_in_chinese_and_english():
    body = jl02_body(enterprise={**JL02_BODY["enterprise"], "uscc": "91321322MA1ABC123Q"})
    assert "校验位" in errors_of(body)["enterprise"]["uscc"][0]
    assert "check character" in errors_of(body, "en")["enterprise"]["uscc"][0]


def test_an_unknown_item_code_is_an_error_on_item():
    assert errors_of(jl02_body(item="XX99")) == {"item": ["没有这个服务事项"]}


def test_an_unknown_station_is_an_error_on_the_station():
    body = jl02_body(enterprise={**JL02_BODY["enterprise"], "station": "110101"})
    assert errors_of(body, "en") == {"enterprise": {"station": ["There is no such service station."]}}


def test_a_landline_is_not_a_mobile_phone():
    body = jl02_body(contact={"name": "张伟", "phone": "025-84561234"})
    assert errors_of(body)["contact"]["phone"] == ["请填写11位大陆手机号码"]


def test_every_problem_is_reported_at_once():
    body = {"item": "JL02", "enterprise": {"name": "", "uscc": 12, "station": "321322"}, "contact": {}, "details": {"instruments": []}}
    errors = errors_of(body, "en")
    assert errors["enterprise"]["name"] == ["This field may not be blank."]
    assert errors["enterprise"]["uscc"] == ["This field must be text."]
    assert errors["contact"] == {"name": ["This field is required."], "phone": ["This field is required."]}
    assert errors["details"]["instruments"] == ["Give between 1 and 100 entries."]


def test_instrument_rows_are_checked_field_by_field():
    instrument = {**JL02_BODY["details"]["instruments"][0], "quantity": 0, "colour": "red"}
    errors = errors_of(jl02_body(details={"instruments": [instrument]}), "en")
    assert errors["details"]["instruments"]["0"] == {
        "quantity": ["Must be between 1 and 1000."],
        "colour": ["This field is not part of the form."],
    }


def test_more_than_a_hundred_instruments_are_refused():
    rows = JL02_BODY["details"]["instruments"] * 101
    assert errors_of(jl02_body(details={"instruments": rows}), "en")["details"]["instruments"] == [
        "Give between 1 and 100 entries."
    ]


def test_a_choice_outside_its_options_lists_the_options():
    body = jl02_body(details={**JL02_BODY["details"], "service_mode": "by_post"})
    assert errors_of(body, "en")["details"]["service_mode"] == ["Choose one of: bring_in, on_site."]


def test_unknown_top_level_fields_and_wrong_types_are_refused():
    errors = errors_of({**JL02_BODY, "priority": "urgent", "details": ["x"]}, "en")
    assert errors["priority"] == ["This field is not part of the form."]
    assert errors["details"] == ["This field must be an object."]


@pytest.mark.parametrize("code", sorted(CATALOGUE.items))
def test_every_catalogue_item_builds_a_details_schema(code):
    from services.gateway.schemas import details_schema

    schema = details_schema(CATALOGUE.item(code))
    required = [spec["name"] for spec in CATALOGUE.item(code).fields if spec.get("required")]
    with pytest.raises(ValidationError) as caught:
        schema.load({})
    assert sorted(caught.value.messages) == sorted(required)
