"""The one form: the contract body is accepted as it is; every mistake is named by field."""

import pytest
from marshmallow import ValidationError

from services.gateway.bootstrap import reference_data
from services.gateway.web.messages import localize
from services.gateway.web.schemas.intake import load_submission

from ..support.data import JL02_BODY, jl02_body

CATALOGUE, STATIONS = reference_data()


def errors_of(body, lang="zh-CN"):
    with pytest.raises(ValidationError) as caught:
        load_submission(body, CATALOGUE, STATIONS)
    return localize(caught.value.messages, lang)


def test_the_contract_example_is_accepted_as_it_is():
    submission = load_submission(JL02_BODY, CATALOGUE, STATIONS)
    assert [item.code for item in submission.items] == ["JL02"]
    assert submission.details["JL02"]["instruments"][0]["serial_number"] == "SN-0001"
    assert not submission.grouped


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
    from services.gateway.web.schemas.intake import details_schema

    schema = details_schema(CATALOGUE.item(code))
    required = [spec["name"] for spec in CATALOGUE.item(code).fields if spec.get("required")]
    with pytest.raises(ValidationError) as caught:
        schema.load({})
    assert sorted(caught.value.messages) == sorted(required)


class TestSeveralItemsInOneForm:
    def body(self, **changes):
        body = {**jl02_body(), "items": ["JL02", "BZ01"],
                "details": {"JL02": JL02_BODY["details"], "BZ01": {"query": "GB/T 19001-2016"}}}
        del body["item"]
        return {**body, **changes}

    def test_items_with_details_keyed_by_item_are_accepted(self):
        submission = load_submission(self.body(), CATALOGUE, STATIONS)
        assert submission.grouped
        assert [item.code for item in submission.items] == ["JL02", "BZ01"]
        assert submission.details["BZ01"] == {"query": "GB/T 19001-2016"}

    def test_each_items_details_are_checked_under_its_code(self):
        errors = errors_of(self.body(details={"JL02": JL02_BODY["details"], "BZ01": {}}), "en")
        assert errors == {"details": {"BZ01": {"query": ["This field is required."]}}}

    def test_details_missing_for_an_item_or_given_for_an_unchosen_one_are_named(self):
        errors = errors_of(self.body(details={"JL02": JL02_BODY["details"], "RZ03": {}}), "en")
        assert errors["details"] == {"BZ01": ["This field is required."], "RZ03": ["This field is not part of the form."]}

    def test_unknown_and_repeated_items_are_named_by_position(self):
        errors = errors_of(self.body(items=["JL02", "XX01", "JL02"]), "en")
        assert errors["items"] == {"1": ["There is no such service item."], "2": ["Each service item can be chosen once."]}

    def test_item_and_items_together_are_refused(self):
        errors = errors_of({**self.body(), "item": "JL02"}, "en")
        assert errors["item"] == ["Give either one service item (item) or several (items), not both."]

    def test_an_empty_list_of_items_is_refused(self):
        assert errors_of(self.body(items=[]), "en")["items"] == ["Give between 1 and 10 entries."]


def test_the_catalogue_as_the_api_answers_it_keeps_both_languages_and_each_items_fields():
    from services.gateway.web.schemas.intake import CatalogueItemSchema, CatalogueSchema

    item = CatalogueItemSchema().dump(CATALOGUE.item("JL02").as_dict())
    assert item["name"] == {"zh-CN": "校准", "en": "Calibration"}
    assert [field["name"] for field in item["fields"]][0] == "instruments"
    assert all("zh-CN" in each["name"] for each in CatalogueSchema().dump(CATALOGUE.as_dict())["items"])
