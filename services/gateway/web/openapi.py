"""The OpenAPI 3 document of the gateway, generated (apispec) from the marshmallow schemas.

Paths come from the service's own ``@http`` entrypoints, so no endpoint can be left out;
what each one takes and answers comes from its ``@documented`` note (apidoc.py). The
form's ``details`` are described per catalogue item from the same schemas that validate
them.
"""

import inspect
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from nameko.web.handlers import HttpRequestHandler

from ..domain.idempotency import MAX_KEY_LENGTH
from .apidoc import ATTRIBUTE, Binary
from .replays import IDEMPOTENCY_HEADER, NEVER, OWN_KEY
from .schemas.intake import ErrorSchema, details_schema

API_PREFIXES = ("/api/", "/health")
ERROR_TEXT = {400: "Malformed request", 401: "Sign-in missing, expired or not valid", 403: "Not allowed",
              404: "Not found", 409: "Not allowed in the current state",
              413: "Body over 1 MiB (an uploaded file: over its own limit)",
              415: "A file of a type the platform does not take (read from its bytes)",
              422: "Field errors", 429: "Too many attempts: wait as many seconds as Retry-After says",
              503: "A service is not answering"}
RETRY_AFTER = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer", "minimum": 1}}}
# Who may call: a signed-in user's bearer token (POST /api/v1/auth/login), required or optional.
SECURITY = {"bearer": [{"bearer": []}], "optional": [{}, {"bearer": []}]}


def http_routes(service_cls):
    """(method, werkzeug rule, handler) for every HTTP entrypoint of the service."""
    for _, member in inspect.getmembers(service_cls, inspect.isfunction):
        for entrypoint in getattr(member, "nameko_entrypoints", ()):
            if isinstance(entrypoint, HttpRequestHandler):
                for method in entrypoint.method.split(","):
                    yield method.strip().upper(), entrypoint.url, member


def openapi_path(rule):
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def build_spec(service_cls, catalogue):
    spec = APISpec(
        title="QI one-stop service platform API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "质量基础设施“一站式”服务平台. Errors are "
              "{error, message, fields}; messages are zh-CN unless ?lang=en or Accept-Language: en."},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.schema("Error", schema=ErrorSchema)
    for item in catalogue.items.values():
        spec.components.schema(f"{item.code}Details", schema=details_schema(item).__class__)
    paths = {}
    for method, rule, handler in http_routes(service_cls):
        if rule.startswith(API_PREFIXES):
            paths.setdefault(openapi_path(rule), {})[method.lower()] = operation(spec, rule, handler, method)
    for path, operations in sorted(paths.items()):
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def operation(spec, rule, handler, method="GET"):
    doc = getattr(handler, ATTRIBUTE, None)
    summary = doc.summary if doc else (handler.__doc__ or handler.__name__).strip().splitlines()[0]
    result = {
        "operationId": handler.__name__,
        "summary": summary,
        "tags": list(doc.tags) if doc else [],
        "parameters": [
            {"name": name, "in": "path", "required": True,
             "schema": (doc.path.get(name) if doc else None) or {"type": "string"}}
            for name in re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", rule)
        ] + [
            {"name": "lang", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "language of messages: en (or en-…) for English; anything else is zh-CN"}
        ],
        "responses": {},
    }
    if doc and doc.description:
        result["description"] = doc.description
    for name, description, required, *value in doc.query if doc else ():
        result["parameters"].append(
            {"name": name, "in": "query", "required": required, "schema": value[0] if value else {"type": "string"},
             "description": description}
        )
    if doc and doc.body is not None:
        result["requestBody"] = {"required": doc.body_required,
                                 "content": {doc.body_media_type: {"schema": doc.body}}}
    for status, schema in (doc.responses if doc else {200: None}).items():
        response = {"description": "OK" if status < 300 else ERROR_TEXT.get(status, "")}
        if isinstance(schema, Binary):
            response["content"] = {media_type: {"schema": {"type": "string", "format": "binary"}}
                                   for media_type in schema.media_types}
        elif schema is not None:
            response["content"] = {"application/json": {"schema": schema}}
        result["responses"][str(status)] = response
    for status in (doc.errors if doc else ()):
        result["responses"][str(status)] = {
            "description": ERROR_TEXT.get(status, "Error"),
            "content": {"application/json": {"schema": "Error"}},
            **({"headers": RETRY_AFTER} if status == 429 else {}),
        }
    if doc and doc.auth:
        result["security"] = SECURITY[doc.auth]
    if method == "POST" and not getattr(handler, NEVER, False):
        with_idempotency_key(result, own=getattr(handler, OWN_KEY, False))
    return result


IDEMPOTENCY_KEY = {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": "^[!-~]+$"}


def with_idempotency_key(result, own):
    """Every POST but sign-in takes an ``Idempotency-Key`` (web/replays.py): 400 if it is
    no key, 422 if it was used for another request, 409 while its first request runs."""
    result["parameters"].append({
        "name": IDEMPOTENCY_HEADER, "in": "header", "required": False, "schema": IDEMPOTENCY_KEY,
        "description": "Names this request: sent again with the same body within 24 h, it gets the first "
        "answer and nothing is done twice; with another body, 422."})
    errors = (400, 422) if own else (400, 409, 422)
    for status in errors:
        result["responses"].setdefault(str(status), {
            "description": ERROR_TEXT.get(status, "Error"), "content": {"application/json": {"schema": "Error"}}})
