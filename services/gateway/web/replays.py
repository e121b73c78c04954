"""``Idempotency-Key`` on the JSON API's POSTs (issue 26 §2; rules in ``domain/idempotency.py``).

:func:`json_endpoint` (errors.py) hands every POST that carries the header to
:func:`answered_once`, unless its handler keeps the key itself (intake: in the request
document, :func:`keeps_own_key`) or must never be answered from a store
(:func:`never_replayed`: a sign-in's answer is a token). The key is scoped to who sends
it, so two people's keys never meet; the fingerprint is the method, path and body.
"""

from werkzeug.wrappers import Response

from ..domain.idempotency import request_key
from ..handlers.replays import answer_once
from .auth import Unauthenticated, principal_of

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"  # "true" on an answer given again
OWN_KEY = "__keeps_own_idempotency_key__"
NEVER = "__never_replayed__"


def keeps_own_key(handler):
    """The handler reads ``Idempotency-Key`` itself (and keeps it with the write it guards)."""
    setattr(handler, OWN_KEY, True)
    return handler


def never_replayed(handler):
    """Never answered from the store of answers (what it answers must not be kept)."""
    setattr(handler, NEVER, True)
    return handler


def replayable(handler, request):
    """Whether this request to this handler is answered once per key."""
    return (request.method == "POST" and IDEMPOTENCY_HEADER in request.headers
            and not getattr(handler, OWN_KEY, False) and not getattr(handler, NEVER, False))


def key_of(request, body):
    """The request's key as kept (BadIdempotencyKey if the header is not one), scoped to
    the signed-in person; None when the sign-in is not valid (that answer is a 401)."""
    try:
        principal = principal_of(request)
    except Unauthenticated:
        return None
    who = principal.username if principal is not None else ""
    return request_key(request.headers[IDEMPOTENCY_HEADER], who,
                       b"%s %s\n%s" % (request.method.encode(), request.path.encode("utf-8", "surrogatepass"), body))


def answered_once(gateway, request, body, respond):
    """The response to ``request``: ``respond()``'s, kept under the request's key, or the
    one kept from the first time the same request was sent."""
    key = key_of(request, body)
    if key is None:
        return respond()

    def run():
        response = respond()
        return {"status": response.status_code, "body": response.get_data(as_text=True),
                "content_type": response.mimetype}

    answer, replayed = answer_once(gateway.replays, key, gateway.now(), run)
    response = Response(answer["body"], status=answer["status"], mimetype=answer["content_type"])
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return response
