"""Documentation attached to HTTP handlers, read by ``openapi.py``.

Each endpoint describes itself next to its code::

    @http("POST", "/api/v1/requests")
    @documented("Submit the one form", tags=["intake"], body=SubmissionSchema,
                responses={201: RequestViewSchema}, errors=[400, 413, 422])
    @json_endpoint
    def submit(self, request): ...
"""

from dataclasses import dataclass, field

ATTRIBUTE = "__apidoc__"


@dataclass(frozen=True)
class ApiDoc:
    summary: str
    tags: tuple = ()
    body: object = None  # a marshmallow schema class, or a dict (a JSON schema)
    query: tuple = ()  # (name, description, required)
    responses: dict = field(default_factory=dict)  # status -> schema class or dict or None
    errors: tuple = ()  # statuses answered with the error body
    auth: str | None = None  # "operator" when the operator key is needed
    description: str = ""


def documented(summary, tags=(), body=None, query=(), responses=None, errors=(), auth=None, description=""):
    def attach(handler):
        setattr(
            handler,
            ATTRIBUTE,
            ApiDoc(summary, tuple(tags), body, tuple(query), dict(responses or {}), tuple(errors), auth,
                   description or (handler.__doc__ or "").strip()),
        )
        return handler

    return attach
