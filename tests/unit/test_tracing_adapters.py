"""Every entrypoint of every service gets a span: the nameko instrumentation picks its
adapter by the entrypoint's exact class, and an entrypoint class without one is traced
with the library's defaults (no request code, broker URI on the span) or not at all."""

import inspect

import pytest
from nameko_opentelemetry.entrypoints import DEFAULT_ADAPTERS

from services.certification.service import CertificationService
from services.common.tracing_adapters import ADAPTERS
from services.gateway.service import GatewayService
from services.metrology.service import MetrologyService
from services.standards.service import StandardsService
from services.testing.service import TestingService


@pytest.mark.parametrize("service", [GatewayService, MetrologyService, StandardsService,
                                     CertificationService, TestingService], ids=lambda cls: cls.__name__)
def test_every_entrypoint_class_has_our_span_adapter(service):
    classes = {
        f"{type(entrypoint).__module__}.{type(entrypoint).__qualname__}"
        for _, method in inspect.getmembers(service, callable)
        for entrypoint in getattr(method, "nameko_entrypoints", ())
    }
    assert classes, "no entrypoints found"
    # ours, or the library's own for nameko's classes (its timer adapter, say)
    known = set(ADAPTERS) | set(DEFAULT_ADAPTERS)
    assert classes <= known, classes - known
