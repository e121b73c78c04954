"""The gateway's HTTP server: nameko's, with hardening applied to every response.

Every gateway entrypoint is declared with this module's :data:`http` (not nameko's), so
all of them share :class:`GatewayWebServer`, whose WSGI app is wrapped by
:func:`hardened`. The wrapper sits below routing, so even werkzeug's own 404 and 405
answers for paths and methods nobody serves carry the headers; under ``/api/`` those
answers are the API's JSON error body, as the OpenAPI document says, not an HTML page.

Who the client is (:func:`client_address`) and whether it came over HTTPS
(:func:`is_https`) is read from ``X-Forwarded-For`` / ``X-Forwarded-Proto`` only when
``TRUSTED_PROXY_HOPS`` says how many proxies in front of the gateway add them; with the
default 0 those headers are ignored, since any client can write them.
"""

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer
from werkzeug.wrappers import Request

from ...common.config import setting
from .errors import ApiError, error_response, request_language

# Pages load their scripts and styles from /static only: no inline script, no inline
# style, no plugin, and no other site may frame them or be posted to.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    # The tracking page's address carries a request code: other sites are not told it.
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def hardened(app):
    """WSGI middleware: the security headers on every answer, HSTS on HTTPS, and
    ``Cache-Control: no-store`` unless the handler chose its own caching (answers carry
    contact details and tokens, which shared caches must not keep)."""
    app = json_routing_errors(app)

    def hardened_app(environ, start_response):
        def start(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            added = [(name, value) for name, value in SECURITY_HEADERS if name.lower() not in present]
            if "cache-control" not in present:
                added.append(("Cache-Control", "no-store"))
            hsts = strict_transport_security(environ)
            if hsts:
                added.append(("Strict-Transport-Security", hsts))
            return start_response(status, [*headers, *added], exc_info)

        return app(environ, start)

    return hardened_app


ROUTING_ERRORS = {"404": (404, "not_found"), "405": (405, "method_not_allowed")}


def json_routing_errors(app):
    """werkzeug's HTML 404/405 for an /api/ path nobody serves, as the API's JSON error."""

    def app_with_json_errors(environ, start_response):
        if not environ.get("PATH_INFO", "").startswith("/api/"):
            return app(environ, start_response)
        refused = []

        def start(status, headers, exc_info=None):
            html = any(name.lower() == "content-type" and value.startswith("text/html") for name, value in headers)
            if html and status[:3] in ROUTING_ERRORS:
                refused.append((status, [(name, value) for name, value in headers if name.lower() == "allow"]))
                return lambda data: None
            return start_response(status, headers, exc_info)

        body = app(environ, start)
        if not refused:
            return body
        if hasattr(body, "close"):
            body.close()
        status, allow = refused[0]
        error = error_response(ApiError(*ROUTING_ERRORS[status[:3]]), request_language(Request(environ)))
        error.headers.extend(allow)
        return error(environ, start_response)

    return app_with_json_errors


def strict_transport_security(environ):
    seconds = int(setting("HSTS_SECONDS"))
    if seconds <= 0 or not _came_over_https(environ):
        return None
    return f"max-age={seconds}; includeSubDomains"


class GatewayWebServer(WebServer):
    def get_wsgi_app(self):
        return hardened(super().get_wsgi_app())


class GatewayHttp(HttpRequestHandler):
    """nameko's HTTP entrypoint on the gateway's hardened server."""

    server = GatewayWebServer()


http = GatewayHttp.decorator


def named_entrypoint(method, rule, handler, *decorators):
    """``handler`` as the entrypoint of ``method rule``, for an entrypoint made by a
    factory (``name = named_entrypoint(…)`` in a class body), wrapped by ``decorators``
    listed outermost first, as they would stand above a ``def``.

    nameko binds an entrypoint by the attribute that holds it, and the OpenAPI document
    names its operation (``operationId``) by the function's ``__name__``; the handler is
    given the attribute's name when the class is made (``__set_name__``), before it is
    wrapped, so the two cannot differ."""
    return _NamedByAttribute(method, rule, handler, decorators)


class _NamedByAttribute:
    def __init__(self, method, rule, handler, decorators):
        self.method, self.rule, self.handler, self.decorators = method, rule, handler, decorators

    def __set_name__(self, owner, name):
        handler = self.handler
        handler.__name__ = name
        handler.__qualname__ = f"{owner.__qualname__}.{name}"
        for decorate in reversed(self.decorators):
            handler = decorate(handler)
        setattr(owner, name, http(self.method, self.rule)(handler))


# -- who is asking ------------------------------------------------------------------------
def trusted_proxy_hops():
    return max(0, int(setting("TRUSTED_PROXY_HOPS")))


def client_address(request):
    """The client's IP address: the peer's, or with N trusted proxies in front, the
    address the outermost trusted proxy saw (the Nth entry of ``X-Forwarded-For`` from
    the right). Entries further left were written by the client and are not believed."""
    return _client_address(request.environ)


def _client_address(environ):
    peer = environ.get("REMOTE_ADDR") or "unknown"
    hops = trusted_proxy_hops()
    if hops == 0:
        return peer
    forwarded = [part.strip() for part in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < hops:
        return forwarded[0] if forwarded else peer
    return forwarded[-hops]


def lookup_asker(request, principal=None):
    """Who a public lookup is counted against (handlers/throttling.py): a signed-in
    account by its username, so that nobody sharing its address spends its budget;
    anyone else by address."""
    return f"account:{principal.username}" if principal is not None else client_address(request)


def is_https(request):
    return _came_over_https(request.environ)


def _came_over_https(environ):
    if environ.get("wsgi.url_scheme") == "https":
        return True
    if trusted_proxy_hops() == 0:
        return False
    proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[0].strip().lower()
    return proto == "https"
