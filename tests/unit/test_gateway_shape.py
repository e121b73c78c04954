"""The gateway is put together from mixins; none may hide another's endpoint."""

import inspect

from services.gateway.service import GatewayService
from services.gateway.web.apidoc import ATTRIBUTE
from services.gateway.web.openapi import API_PREFIXES, http_routes
from services.gateway.web.server import GatewayHttp


def entrypoint_methods(cls):
    return {
        name: member
        for name, member in vars(cls).items()
        if inspect.isfunction(member) and getattr(member, "nameko_entrypoints", None)
    }


def test_every_mixins_endpoint_is_an_endpoint_of_the_gateway():
    for mixin in GatewayService.__mro__[1:]:
        for name, method in entrypoint_methods(mixin).items():
            assert getattr(GatewayService, name) is method, f"{mixin.__name__}.{name} is hidden by another mixin"


def test_every_http_entrypoint_is_served_by_the_hardened_server():
    """One server for all: nameko's own ``http`` would start a second, unhardened one."""
    for entrypoint in (e for _, member in inspect.getmembers(GatewayService, inspect.isfunction)
                       for e in getattr(member, "nameko_entrypoints", ()) if hasattr(e, "url")):
        assert type(entrypoint) is GatewayHttp, entrypoint.url


def test_every_api_endpoint_documents_what_it_takes_and_answers():
    undocumented = [f"{method} {rule}" for method, rule, handler in http_routes(GatewayService)
                    if rule.startswith(API_PREFIXES) and getattr(handler, ATTRIBUTE, None) is None]
    assert undocumented == [], "give these an @documented note (apidoc.py)"


def test_every_http_entrypoint_is_named_as_the_attribute_that_holds_it():
    """nameko binds an entrypoint by its attribute; the OpenAPI document names its operation
    by the function (``operationId``): entrypoints made from data (web/api/entrypoints.py)
    keep the two the same."""
    misnamed = [f"{name}: {member.__name__}" for name, member in inspect.getmembers(GatewayService, inspect.isfunction)
                if any(hasattr(e, "url") for e in getattr(member, "nameko_entrypoints", ()))
                and member.__name__ != name]
    assert misnamed == []
