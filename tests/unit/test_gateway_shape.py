"""The gateway is put together from mixins; none may hide another's endpoint."""

import inspect

from services.gateway.service import GatewayService


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
