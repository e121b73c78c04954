"""The enterprise's instrument file and recall: its instruments with their due reminders,
and one call that turns a due reminder into a new JL01 request.

Both are keyed by a credit code, so they need a sign-in (issue 26 §1): the enterprise's
own verified account, or a role that may read the file (managers, admins, metrology's
operators). A credit code and a contact phone open nothing here.
"""

from marshmallow import ValidationError

from ...domain.uscc import InvalidCreditCode, normalize_credit_code
from ...handlers import renewals
from ..apidoc import BODY, SERVICE, SIGNED_IN, documented
from ..auth import require_principal
from ..errors import ApiError, json_endpoint, read_json_object
from ..schemas.responses import InstrumentFileSchema, RenewalSchema
from ..server import http
from .intake import submit_body

MAX_SERIAL_NUMBER = 64  # as the laboratory records it


class InstrumentApi:
    @http("GET", "/api/v1/instruments")
    @documented(
        "The enterprise's instrument file: each instrument, its current certificate and the due reminder",
        tags=["instruments"], auth="bearer",
        query=[("uscc", "the enterprise's credit code (an enterprise's own account: its own, the default)", False,
                {"type": "string", "maxLength": 40})],
        responses={200: InstrumentFileSchema}, errors=[400, *SIGNED_IN, *SERVICE],
        description="For the enterprise's verified account, managers, admins and metrology's operators; "
        "401 without a sign-in, 403 for an account that may not read this enterprise's file.",
    )
    @json_endpoint
    def enterprise_instruments(self, request):
        principal = require_principal(request)
        uscc = _credit_code(request.args.get("uscc"), principal)
        gateway = self.gateway
        name, instruments = renewals.instrument_file(self.services, gateway.accounts, gateway.renewals, principal,
                                                     uscc)
        return {"uscc": uscc, "enterprise": name, "instruments": instruments}

    @http("POST", "/api/v1/instruments/renewals")
    @documented(
        "The signed-in enterprise turns a due reminder into a new JL01 request", tags=["instruments"],
        auth="bearer",
        body={"type": "object", "required": ["serial_number"], "properties": {
            "serial_number": {"type": "string", "maxLength": MAX_SERIAL_NUMBER},
            "uscc": {"type": "string", "maxLength": 40, "description": "if given, the signed-in enterprise's own"}}},
        responses={201: RenewalSchema, 200: RenewalSchema},
        errors=[*BODY, *SIGNED_IN, 404, 409, 422, *SERVICE],
        description="201 with the new request; asked again for the same certificate, 200 with the same one. "
        "Only the enterprise's own verified account renews.",
    )
    @json_endpoint
    def renew_instrument(self, request):
        principal = require_principal(request)
        body = read_json_object(request)
        if body.get("uscc") is not None:
            _credit_code(body.get("uscc"), principal)
        serial = body.get("serial_number")
        if not isinstance(serial, str) or not serial.strip():
            raise ValidationError({"serial_number": ["required"]})
        if len(serial) > MAX_SERIAL_NUMBER:
            raise ValidationError({"serial_number": [f"too_long|max={MAX_SERIAL_NUMBER}"]})
        gateway = self.gateway

        def submit(form):  # the path of every submission: validated, stored with its event
            return submit_body(gateway, form, principal)[0]

        renewed, created, instrument = renewals.renew_instrument(
            self.services, gateway.requests, gateway.renewals, gateway.accounts, principal, serial.strip(), submit,
            gateway.now())
        return (201 if created else 200), {
            "code": renewed.code, "status": renewed.status, "item": renewed.item,
            "renewal_of": instrument["current"]["number"], "tracking_url": f"/api/v1/requests/{renewed.code}",
        }


def _credit_code(uscc, principal):
    """The credit code asked for (an enterprise's own by default), checked."""
    if uscc is None or (isinstance(uscc, str) and not uscc.strip()):
        if principal.uscc:
            return principal.uscc
        raise ApiError(400, "validation_failed", fields={"uscc": ["required"]})
    if not isinstance(uscc, str):
        raise ApiError(400, "validation_failed", fields={"uscc": ["not_text"]})
    try:
        uscc = normalize_credit_code(uscc)
    except InvalidCreditCode as exc:
        raise ApiError(400, "validation_failed", fields={"uscc": [f"uscc_{exc.reason}"]}) from exc
    if principal.role == "enterprise" and uscc != principal.uscc:
        raise ApiError(403, "forbidden")
    return uscc
