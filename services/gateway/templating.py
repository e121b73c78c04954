"""Server-rendered pages: Jinja2 templates in ``gateway/templates``, text from messages.py.

Pages work without any JavaScript; ``static/intake.js`` only adds conveniences
(adding rows without a reload, checking a field as soon as it is left).
"""

import functools
import hashlib
import hmac
import json
import logging
from datetime import datetime
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from werkzeug.wrappers import Response

from ..common.clock import CHINA
from ..common.config import secret
from .messages import DEFAULT_LANGUAGE, MESSAGES, message

log = logging.getLogger(__name__)

ENVIRONMENT = Environment(
    loader=PackageLoader("services.gateway", "templates"),
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
    return "en" if request.values.get("lang", "").lower().startswith("en") else DEFAULT_LANGUAGE


def messages_for(lang):
    """Every message in one language, for the page's own checks (the same words)."""
    index = 0 if lang == DEFAULT_LANGUAGE else 1
    return {key: pair[index] for key, pair in MESSAGES.items() if not key.startswith("page.")}


def render(request, template, status=200, **context):
    lang = page_language(request)
    other = "en" if lang == DEFAULT_LANGUAGE else DEFAULT_LANGUAGE
    query = {key: value for key, value in request.args.items(multi=True) if key != "lang"}
    query["lang"] = other
    html = ENVIRONMENT.get_template(template).render(
        lang=lang,
        t=lambda key, **params: message(key, lang, **params),
        switch_url=f"{request.path}?{urlencode(list(query.items()))}",
        with_lang=lambda path: f"{path}{'&' if '?' in path else '?'}lang={lang}" if lang != DEFAULT_LANGUAGE else path,
        messages_json=json.dumps(messages_for(lang), ensure_ascii=False),
        **context,
    )
    return Response(html, status=status, mimetype="text/html")


def confirmation_token(code):
    """Only the submitter gets the link to the confirmation page of a code."""
    return hmac.new(secret("SECRET_KEY").encode(), code.encode(), hashlib.sha256).hexdigest()[:20]


def token_matches(code, token):
    return bool(token) and hmac.compare_digest(confirmation_token(code), token)


def page_endpoint(handler):
    """Wrap an ``@http`` page handler: a bug shows a plain error page, never internals."""

    @functools.wraps(handler)
    def wrapper(self, request, *args, **kwargs):
        try:
            return handler(self, request, *args, **kwargs)
        except Exception:  # noqa: BLE001 - the one place page errors are caught
            log.exception("unexpected error in page %s", handler.__name__)
            return render(request, "message.html", status=500, key="internal_error", params={})

    return wrapper
