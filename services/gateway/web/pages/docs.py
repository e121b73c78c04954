"""``/api/v1/openapi.json`` (generated, see openapi.py) and a readable page of it."""

from ..apidoc import documented
from ..errors import json_endpoint
from ..openapi import build_spec
from ..server import http
from ..templating import page_endpoint, render

_specs = {}


class ApiDocs:
    @http("GET", "/api/v1/openapi.json")
    @documented("This document (OpenAPI 3)", tags=["operations"],
                responses={200: {"type": "object", "required": ["openapi", "info", "paths"]}})
    @json_endpoint
    def openapi_document(self, request):
        return openapi_spec(type(self), self.gateway.catalogue)

    @http("GET", "/api/docs")
    @documented("This document as a page to read (HTML)", tags=["operations"], responses={200: None})
    @page_endpoint
    def api_docs_page(self, request):
        return render(request, "api_docs.html", spec=openapi_spec(type(self), self.gateway.catalogue))


def openapi_spec(service_cls, catalogue):
    """The service's OpenAPI document, built once per process (it changes only with a release)."""
    if service_cls not in _specs:
        _specs[service_cls] = build_spec(service_cls, catalogue)
    return _specs[service_cls]
