"""Refusals are declared where they are raised: every domain service's RPC methods expect
the refusals of that service, and every exception a service raises that the gateway
answers with a 4xx is one of them (so it is logged as one INFO line, not as a fault).
The gateway logs its own 4xx answers in one line too."""

import importlib
import logging
import pkgutil

import pytest
from nameko.rpc import Rpc
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from services.gateway.web.errors import REMOTE_ERRORS, ApiError, json_endpoint

from ..deployment import domain_services, entrypoints

domains = pytest.mark.parametrize("service", domain_services())


def refusals_of(service):
    return importlib.import_module(f"services.{service}.exceptions").REFUSALS


def exceptions_raised_in(service):
    """Exception classes defined or imported in the service's modules (domain, handlers…)."""
    package = importlib.import_module(f"services.{service}")
    found = set()
    for module_info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        module = importlib.import_module(module_info.name)
        found.update(value for value in vars(module).values()
                     if isinstance(value, type) and issubclass(value, Exception))
    return found


@domains
def test_every_rpc_method_expects_its_services_refusals(service):
    # health is every domain service's alike (common/domain_service.py) and refuses nothing
    methods = [entrypoint for entrypoint in entrypoints(service)
               if isinstance(entrypoint, Rpc) and entrypoint.method_name != "health"]
    assert methods
    for method in methods:
        assert method.expected_exceptions == refusals_of(service), method.method_name


@domains
def test_everything_a_service_raises_that_the_gateway_answers_with_a_4xx_is_a_refusal(service):
    answered_4xx = [cls for cls in exceptions_raised_in(service)
                    if cls.__name__ in REMOTE_ERRORS and REMOTE_ERRORS[cls.__name__][0] < 500]
    assert answered_4xx
    assert [cls.__name__ for cls in answered_4xx if not issubclass(cls, refusals_of(service))] == []


@json_endpoint
def refusing(self, request):
    raise ApiError(404, "document_not_found")


@json_endpoint
def failing(self, request):
    raise RuntimeError("a bug")


def request(path):
    return Request(EnvironBuilder(method="GET", path=path).get_environ())


def test_the_gateway_logs_a_4xx_in_one_info_line_and_a_bug_as_an_error_with_its_traceback(caplog):
    caplog.set_level(logging.INFO, logger="services.gateway.web.errors")
    assert refusing(None, request("/api/v1/verify/SQJL-2026-999999")).status_code == 404
    assert failing(None, request("/api/v1/verify/SQJL-2026-000001")).status_code == 500

    refusal, fault = caplog.records
    assert (refusal.levelname, refusal.getMessage()) == (
        "INFO", "GET /api/v1/verify/SQJL-2026-999999 answered 404 document_not_found")
    assert refusal.exc_info is None
    assert fault.levelname == "ERROR" and fault.exc_info[0] is RuntimeError
