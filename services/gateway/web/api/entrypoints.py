"""JSON entrypoints made from data, for endpoints that differ only in what they name (a
certificate's steps, a document's formats): ``name = json_entrypoint(method, rule, doc,
handler)`` in a mixin's body stands for::

    @http(method, rule)
    @doc
    @json_endpoint
    def name(self, request, ...): ...

nameko binds an entrypoint by the attribute that holds it, and the OpenAPI document names
its operation (``operationId``) by the function's ``__name__``; the handler is given the
attribute's name when the class is made (``__set_name__``), so the two cannot differ.
"""

from ..errors import json_endpoint
from ..server import http


def json_entrypoint(method, rule, doc, handler):
    """``handler`` (no docstring: ``doc`` says all) as the entrypoint of ``method rule``."""
    return _Unnamed(method, rule, doc, handler)


class _Unnamed:
    def __init__(self, method, rule, doc, handler):
        self.method, self.rule, self.doc, self.handler = method, rule, doc, handler

    def __set_name__(self, owner, name):
        self.handler.__name__ = name
        self.handler.__qualname__ = f"{owner.__qualname__}.{name}"
        setattr(owner, name, http(self.method, self.rule)(self.doc(json_endpoint(self.handler))))
