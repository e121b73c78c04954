"""A refusal in a laboratory service reaches the user as what it is, in their language."""

from marshmallow import ValidationError
from nameko.exceptions import deserialize, serialize

from services.common.domain import InvalidTransition, RuleViolated
from services.gateway.handlers.operators import verifying_service
from services.gateway.web.errors import as_api_error
from services.gateway.web.messages import message


def across_rpc(exc):
    return deserialize(serialize(exc))


def test_a_refused_rule_is_a_409_naming_the_rule_and_its_details():
    error = as_api_error(across_rpc(RuleViolated("reviewer_must_differ", {"operator": "李工"})))
    assert (error.status, error.code) == (409, "reviewer_must_differ")
    assert message(error.code, "zh-CN", **error.params) == "复核人不能是记录结果的人（李工）"


def test_a_wrong_state_is_a_409_naming_the_current_state():
    error = as_api_error(across_rpc(InvalidTransition("321322-20261126-00001-6", "received", "completed")))
    assert (error.status, error.params) == (409, {"current": "received"})


def test_field_errors_keep_their_fields():
    error = as_api_error(across_rpc(ValidationError({"instruments": {0: {"conclusion": ["required"]}}})))
    assert (error.status, error.fields) == (422, {"instruments": {"0": {"conclusion": ["required"]}}})


def test_a_number_is_verified_by_the_service_its_prefix_names():
    assert verifying_service("SQJL-2026-000001-R1") == "metrology"
    assert verifying_service("SQJC-2026-000001") == "testing"
    assert verifying_service("XX-2026-000001") is None
