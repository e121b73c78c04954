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
    query: tuple = ()  # (name, description, required[, JSON schema of the value; a string if none])
    responses: dict = field(default_factory=dict)  # status -> schema class or dict or None
    errors: tuple = ()  # statuses answered with the error body
    auth: str | None = None  # "bearer": a sign-in is needed; "optional": it may stand in for a phone
    path: dict = field(default_factory=dict)  # path parameter -> JSON schema (default: a string)
    body_required: bool = True  # False: no body at all is an empty command
    description: str = ""
    body_media_type: str = "application/json"  # or multipart/form-data for an upload


class Binary:
    """A response that is a file of one of these media types (a PDF, an XML document)."""

    def __init__(self, *media_types):
        self.media_types = media_types


def documented(summary, tags=(), body=None, query=(), responses=None, errors=(), auth=None, description="",
               path=None, body_required=True, body_media_type="application/json"):
    def attach(handler):
        setattr(
            handler,
            ATTRIBUTE,
            ApiDoc(summary, tuple(tags), body, tuple(query), dict(responses or {}), tuple(sorted(set(errors))),
                   auth, dict(path or {}), body_required, description or (handler.__doc__ or "").strip(),
                   body_media_type),
        )
        return handler

    return attach


# Statuses many endpoints share, named by why they happen.
BODY = (400, 413)  # not a JSON object; over 1 MiB
SIGNED_IN = (401, 403)  # no valid sign-in; a role or binding that may not do this
SERVICE = (503,)  # the domain service did not answer in time
CODE = 400  # a mistyped request code (malformed, or a wrong check character)
REQUEST_CODE = {"type": "string", "maxLength": 40,
                "description": "request code DDDDDD-YYYYMMDD-NNNNN-C; hyphens, spaces and the case of x are ignored"}
# What a written answer's ``attachments`` are, wherever one is given.
ANSWER_FILES = ("`attachments` names uploads (POST /api/v1/files) by `id`: they become the request's files (an "
                "unknown or expired upload, or another request's file, is 422 beside its place in the list), and "
                "the answer records each one's name, size, sha256 and type; the enterprise reads "
                "`result.attachments` and downloads them (GET /api/v1/requests/{code}/files/{id}).")


def one_of(*values):
    return {"type": "string", "enum": list(values)}
