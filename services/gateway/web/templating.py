"""Server-rendered pages: Jinja2 templates in ``gateway/templates``, text from messages.py.

Pages work without any JavaScript; ``static/intake.js`` only adds conveniences
(adding rows without a reload, checking a field as soon as it is left).

The public forms (apply, track, supplement and cancel on the tracking page, the staff
sign-in) need no account, so there is no session to bind a CSRF token to. They carry a
*signed double-submit* token instead: every page makes sure the browser holds a random
``qi_form`` cookie and puts ``HMAC(SECRET_KEY, cookie)`` in a hidden ``form_token``
field; a post is taken only when the two agree. Another site can make a browser post
to us, but it can neither read the cookie nor compute its HMAC, and since the token is
signed, planting a cookie of its own choosing does not help either. Unlike an
Origin/Referer check this does not depend on what a browser or a privacy extension
sends, works without JavaScript, and needs no server-side state, so any replica checks
a token another one issued.
"""

import functools
import hashlib
import hmac
import logging
import re
import secrets
from datetime import datetime
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from ...common.clock import CHINA
from ...common.config import secret, setting
from ..adapters.probes import STORE_DOWN
from ..domain.files import ALLOWED_EXTENSIONS
from ..exceptions import ServiceUnavailable
from .auth import ACCESS_COOKIE, Unauthenticated, principal_from_token
from .errors import MAX_BODY_BYTES, as_api_error, log_refusal
from .messages import DEFAULT_LANGUAGE, MESSAGES, message
from .server import is_https

log = logging.getLogger(__name__)

ENVIRONMENT = Environment(
    loader=PackageLoader("services.gateway.web", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def local_time(iso_text):
    """An ISO timestamp as Suqian local time, to the minute."""
    if not iso_text:
        return ""
    return datetime.fromisoformat(iso_text).astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


ENVIRONMENT.filters["local_time"] = local_time


def page_language(request):
    """Pages are Chinese unless ``lang=en`` is in the query or the posted form."""
    try:
        chosen = request.values.get("lang", "")
    except RequestEntityTooLarge:  # the form is too large to read; the query still says
        chosen = request.args.get("lang", "")
    return "en" if chosen.lower().startswith("en") else DEFAULT_LANGUAGE


def messages_for(lang):
    """Every message in one language, for the page's own checks (the same words)."""
    index = 0 if lang == DEFAULT_LANGUAGE else 1
    return {key: pair[index] for key, pair in MESSAGES.items() if not key.startswith("page.")}


FORM_COOKIE = "qi_form"
FORM_FIELD = "form_token"
_NONCE = re.compile(r"^[0-9a-f]{32}$")
_TOKEN = re.compile(r"^([0-9a-f]{16})([0-9a-f]{32})$")


def form_token(nonce, salt=None):
    """A token of its own for each form a page shows (its ``salt``), signed for the
    browser's cookie: the one form's submission is known by it (single use, see
    ``pages.apply_post``), while any replica still checks it without stored state."""
    salt = salt or secrets.token_hex(8)
    signed = hmac.new(secret("SECRET_KEY").encode(), f"form:{nonce}:{salt}".encode(), hashlib.sha256)
    return salt + signed.hexdigest()[:32]


def form_token_matches(request):
    """Whether a posted public form came from one of our pages in this browser."""
    nonce = request.cookies.get(FORM_COOKIE, "")
    presented = _TOKEN.match(request.form.get(FORM_FIELD, ""))
    return bool(_NONCE.match(nonce) and presented) and hmac.compare_digest(
        form_token(nonce, presented.group(1)), presented.group(0))


def viewer_role(request, context):
    """Whose pages the header leads to: the role of the page's signed-in session if it
    has one, else of the access cookie's signature (no account read: the header only
    offers links, each page checks its own session); None for no one."""
    session = context.get("session")
    if session is not None and getattr(session, "principal", None) is not None:
        return session.principal.role
    token = request.cookies.get(ACCESS_COOKIE)
    try:
        return principal_from_token(token).role if token else None
    except Unauthenticated:
        return None


def render(request, template, status=200, **context):
    lang = page_language(request)
    nonce = request.cookies.get(FORM_COOKIE, "")
    new_nonce = None if _NONCE.match(nonce) else secrets.token_hex(16)
    other = "en" if lang == DEFAULT_LANGUAGE else DEFAULT_LANGUAGE
    query = {key: value for key, value in request.args.items(multi=True) if key != "lang"}
    query["lang"] = other
    html = ENVIRONMENT.get_template(template).render(
        lang=lang,
        t=lambda key, **params: message(key, lang, **params),
        switch_url=f"{request.path}?{urlencode(list(query.items()))}",
        with_lang=lambda path: f"{path}{'&' if '?' in path else '?'}lang={lang}" if lang != DEFAULT_LANGUAGE else path,
        page_messages=messages_for(lang),
        form_token=form_token(new_nonce or nonce),
        # what a file input takes (the server reads the type from the bytes anyway)
        accept=",".join(ALLOWED_EXTENSIONS),
        upload_mib=int(setting("UPLOAD_MAX_BYTES")) // (1024 * 1024),
        viewer=viewer_role(request, context),
        **context,
    )
    response = Response(html, status=status, mimetype="text/html")
    if new_nonce:
        response.set_cookie(FORM_COOKIE, new_nonce, httponly=True, samesite="Lax", secure=is_https(request), path="/")
    return response


def too_many_requests_page(request, refused):
    """429 with the wait in words and in ``Retry-After``."""
    response = render(request, "message.html", status=429, key=refused.code, params={"retry_after": refused.retry_after})
    response.headers["Retry-After"] = str(refused.retry_after)
    return response


def confirmation_token(code):
    """Only the submitter gets the link to the confirmation page of a code."""
    return hmac.new(secret("SECRET_KEY").encode(), code.encode(), hashlib.sha256).hexdigest()[:20]


def token_matches(code, token):
    return bool(token) and hmac.compare_digest(confirmation_token(code), token)


def page_endpoint(handler):
    """Wrap an ``@http`` page handler: a bug shows a plain error page, never internals."""

    @functools.wraps(handler)
    def wrapper(self, request, *args, **kwargs):
        # werkzeug refuses to parse a larger form (413) instead of reading it into memory
        request.max_content_length = MAX_BODY_BYTES
        try:
            return handler(self, request, *args, **kwargs)
        except RequestEntityTooLarge:
            return render(request, "message.html", status=413, key="body_too_large", params={"limit": MAX_BODY_BYTES})
        except (ServiceUnavailable, *STORE_DOWN) as exc:  # a part not answering: 503, saying which
            error = as_api_error(exc)
            log_refusal(request, error)
            return render(request, "message.html", status=503, key=error.message_key, params=error.params)
        except Exception:  # noqa: BLE001 - the one place page errors are caught
            log.exception("unexpected error in page %s", handler.__name__)
            return render(request, "message.html", status=500, key="internal_error", params={})

    return wrapper
