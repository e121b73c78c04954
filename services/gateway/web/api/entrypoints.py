"""JSON entrypoints made from data, for endpoints that differ only in what they name (a
certificate's steps, a document's formats): ``name = json_entrypoint(method, rule, doc,
handler)`` in a mixin's body stands for::

    @http(method, rule)
    @doc
    @json_endpoint
    def name(self, request, ...): ...

The name is the attribute's (``server.named_entrypoint``).
"""

from ..errors import json_endpoint
from ..server import named_entrypoint


def json_entrypoint(method, rule, doc, handler):
    """``handler`` (no docstring: ``doc`` says all) as the entrypoint of ``method rule``."""
    return named_entrypoint(method, rule, handler, doc, json_endpoint)
