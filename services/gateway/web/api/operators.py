"""Who may act for a domain service, and as whom (the laboratory's endpoints are in ``lab.py``).

Operators sign in (``POST /api/v1/auth/login``) and present their access token. An
operator acts for the one domain service their account is bound to; managers may read
(GET) everywhere and change nothing; admins may do everything.
"""

from ...domain.access import may_administer, may_operate, require
from ...handlers.operators import signed
from ..auth import require_principal
from ..errors import read_json_object

READ_METHODS = ("GET", "HEAD")


def require_operator(request, domain):
    """The signed-in principal, if it may do this request's kind of thing in ``domain``."""
    principal = require_principal(request)
    require(may_operate(principal, domain, read_only=request.method in READ_METHODS))
    return principal


def require_admin(request):
    principal = require_principal(request)
    require(may_administer(principal))
    return principal


def signed_body(request, principal):
    """The command as posted, signed with the operator's own name (``operators.signed``)."""
    return signed(read_json_object(request), principal)
