"""schemathesis against /api/v1/openapi.json (issue 8): every operation, with examples
made up from its documented parameters and bodies, sent anonymously, as the admin (who
may change anything) and as station staff. No answer may be a 5xx, every answer must
match the document (a documented status, content type, headers and body), and a request
the document says is invalid must be refused.

Bounded for CI: ``QI_FUZZ_EXAMPLES`` examples per operation (default 6). ``make fuzz``
runs the same with many more (see README). A failure prints the curl command that
reproduces it.
"""

import os
from datetime import timedelta

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from services.gateway.bootstrap import reference_data
from services.gateway.service import GatewayService
from services.gateway.web.openapi import build_spec

from ..conftest import new_client_address, signed_in, through_the_station
from ..support.data import JL02_BODY

pytestmark = pytest.mark.e2e

EXAMPLES = int(os.environ.get("QI_FUZZ_EXAMPLES", "6"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]
IDENTITIES = ("anonymous", "admin", "staff-321322")


def checks_for(who):
    """With a token added to every example, a negative example that left out the
    Authorization header is no longer negative: "invalid data refused" is judged on the
    anonymous calls (the public endpoints' bodies and parameters)."""
    return CHECKS if who == "anonymous" else [check for check in CHECKS if check is not negative_data_rejection]

# Values that exist in the stack, mixed into the made-up path parameters so that some
# examples reach real requests and jobs instead of only "not found".
REAL = {}


@pytest.fixture(scope="module")
def real_things(stack):
    with httpx.Client(base_url=stack.gateway_url, timeout=30, headers={"X-Forwarded-For": new_client_address()}) as api:
        code = api.post("/api/v1/requests", json=JL02_BODY).json()["code"]
        through_the_station(api, code)
        REAL.update({"code": code, "type_id": "pressure-gauges-for-general-use"})
    yield REAL
    REAL.clear()


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    """Half of the examples address a real request (or standard, or instrument type)."""
    real = {name: REAL[name] for name in path_parameters or {} if name in REAL}
    if not real:
        return st.just(path_parameters)
    return st.sampled_from([path_parameters, {**path_parameters, **real}])


# The document the gateway serves at /api/v1/openapi.json, built here from the same code
# (tests/e2e/test_openapi_and_pages.py checks that the served one lists every endpoint),
# so the operations are known when tests are collected, before the stack runs.
schema = schemathesis.openapi.from_dict(build_spec(GatewayService, reference_data()[0]))


@schema.parametrize()
@settings(max_examples=EXAMPLES, phases=[Phase.explicit, Phase.generate], deadline=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented_and_never_with_a_server_error(case, stack, real_things):
    for who in IDENTITIES:
        # each example is a client of its own, so rate limits do not hide the operation behind 429s
        headers = {"X-Forwarded-For": new_client_address()}
        if who != "anonymous":
            headers.update(signed_in(who))
        case.call_and_validate(base_url=stack.gateway_url, headers=headers, checks=checks_for(who), timeout=30)


def test_the_answer_check_of_every_e2e_test_catches_an_answer_the_document_does_not_describe(documented_answers):
    """The other e2e tests' ``api`` client checks each answer against the document (conftest)."""
    request = httpx.Request("GET", "http://gateway/api/v1/catalogue")
    documented_answers.wrong.clear()
    for status, body in ((200, {"items": "not a list"}), (418, {})):
        answer = httpx.Response(status, json=body, request=request)
        answer.elapsed = timedelta(milliseconds=1)  # as if it had come over the wire
        documented_answers(answer)
    caught = list(documented_answers.wrong)
    documented_answers.wrong.clear()
    assert any("violates schema" in each and "not of type" in each for each in caught)
    assert caught[-1].endswith("→ 418: status not documented")
