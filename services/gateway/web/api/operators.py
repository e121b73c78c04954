"""Who may act for a domain service, and as whom (the laboratory's endpoints are in ``lab.py``).

Operators sign in (``POST /api/v1/auth/login``) and present their access token. An
operator acts for the one domain service their account is bound to; managers may read
(GET) everywhere and change nothing; admins may do everything.
"""

from ....common.clock import china_date
from ...domain.access import may_administer, may_operate, require
from ...domain.request_code import parse_code
from ...handlers import operators
from ...handlers.operators import signed
from ..apidoc import BODY, CODE, REQUEST_CODE, SERVICE, SIGNED_IN, documented
from ..auth import require_principal
from ..errors import read_json_object
from ..schemas.operators import command_from
from ..schemas.responses import DeclinedSchema
from .entrypoints import json_entrypoint

READ_METHODS = ("GET", "HEAD")
# An operator's read and step: who may (401/403), what exists (404), the state (409), the
# fields (422, judged by the gateway's form or the domain service's own schema), the
# service answering (503).
READ = [*SIGNED_IN, 404, *SERVICE]
STEP = [*BODY, *SIGNED_IN, 404, 409, 422, *SERVICE]
DECLINE = {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string", "maxLength": 500}}}


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


def answer_in_writing(gateway, services, request, domain, code, form, sign):
    """A written answer by an operator of ``domain`` (BZ01/BZ03/BZ04, JL04, JC03): the body
    read by the gateway's ``form``, signed with the operator's name if the service records
    who answered (``sign``), and the uploads it names given to the request it answers."""
    principal = require_operator(request, domain)
    code = str(parse_code(code))  # a mistyped address is told before the body is read
    command = command_from(request, form, china_date(gateway.now()))
    if sign:
        command = signed(command, principal)
    return operators.answer_in_writing(services, gateway.files, gateway.requests, domain, code, command,
                                       gateway.now())


def read_job(gateway, services, request, domain, code):
    """A request's work as ``domain``'s operators read it: the service's view of it, with
    the request's committed date from its clock."""
    require_operator(request, domain)
    return operators.job(services, gateway.requests, gateway.catalogue, gateway.calendar.current(), domain, code,
                         china_date(gateway.now()))


def decline(domain, rule, summary):
    """The entrypoint by which ``domain``'s operators decline a dispatched request before
    taking it on (its ``reason`` in the body): back to the station's queue."""

    def decline_job(self, request, code):
        principal = require_operator(request, domain)
        return operators.command(self.services, domain, "decline_job", str(parse_code(code)),
                                 signed_body(request, principal))

    return json_entrypoint("POST", rule, documented(
        summary, tags=[domain], auth="bearer", path={"code": REQUEST_CODE}, body=DECLINE,
        responses={200: DeclinedSchema}, errors=[CODE, *STEP], description=f"{summary}."), decline_job)
