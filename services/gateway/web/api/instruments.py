"""The enterprise's instrument file and recall: its instruments with their due reminders,
and one call that turns a due reminder into a new JL01 request.

Access is by credit code and a contact phone of one of the enterprise's requests.
"""

from marshmallow import ValidationError

from ...domain.uscc import InvalidCreditCode, normalize_credit_code
from ...handlers import renewals
from ..apidoc import BODY, SERVICE, documented
from ..errors import ApiError, json_endpoint, read_json_object
from ..schemas.responses import InstrumentFileSchema, RenewalSchema
from ..server import client_address, http
from .intake import submit_body

MAX_SERIAL_NUMBER = 64  # as the laboratory records it
MAX_PHONE = 20  # as the one form takes it


class InstrumentApi:
    @http("GET", "/api/v1/instruments")
    @documented(
        "The enterprise's instrument file: each instrument, its current certificate and the due reminder",
        tags=["instruments"],
        query=[("uscc", "the enterprise's credit code", True, {"type": "string", "maxLength": 40}),
               ("phone", "a contact phone of one of its requests", True, {"type": "string", "maxLength": MAX_PHONE})],
        responses={200: InstrumentFileSchema}, errors=[400, 404, 429, *SERVICE],
        description="404 when no request of this credit code has this contact phone. Wrong phones count "
        "against the credit code: after too many the file answers 429 until the window ends.",
    )
    @json_endpoint
    def enterprise_instruments(self, request):
        uscc, phone = _identity(request.args.get("uscc"), request.args.get("phone"))
        gateway = self.gateway
        with gateway.throttle.lookup(client_address(request), ("uscc", uscc)):
            known, instruments = renewals.instrument_file(self.services, gateway.requests, gateway.renewals, uscc,
                                                          phone)
        return {"uscc": uscc, "enterprise": known.enterprise["name"], "instruments": instruments}

    @http("POST", "/api/v1/instruments/renewals")
    @documented(
        "Turn a due reminder into a new JL01 request", tags=["instruments"],
        body={"type": "object", "required": ["uscc", "phone", "serial_number"], "properties": {
            "uscc": {"type": "string", "maxLength": 40}, "phone": {"type": "string", "maxLength": MAX_PHONE},
            "serial_number": {"type": "string", "maxLength": MAX_SERIAL_NUMBER}}},
        responses={201: RenewalSchema, 200: RenewalSchema}, errors=[*BODY, 404, 409, 422, 429, *SERVICE],
        description="201 with the new request; asked again for the same certificate, 200 with the same one.",
    )
    @json_endpoint
    def renew_instrument(self, request):
        body = read_json_object(request)
        uscc, phone = _identity(body.get("uscc"), body.get("phone"))
        serial = body.get("serial_number")
        if not isinstance(serial, str) or not serial.strip():
            raise ValidationError({"serial_number": ["required"]})
        if len(serial) > MAX_SERIAL_NUMBER:
            raise ValidationError({"serial_number": [f"too_long|max={MAX_SERIAL_NUMBER}"]})
        gateway = self.gateway

        def submit(form):  # the path of every submission: validated, stored with its event
            return submit_body(gateway, form)[0]

        with gateway.throttle.lookup(client_address(request), ("uscc", uscc)):
            renewed, created, instrument = renewals.renew_instrument(
                self.services, gateway.requests, gateway.renewals, uscc, phone, serial.strip(), submit, gateway.now())
        return (201 if created else 200), {
            "code": renewed.code, "status": renewed.status, "item": renewed.item,
            "renewal_of": instrument["current"]["number"], "tracking_url": f"/api/v1/requests/{renewed.code}",
        }


def _identity(uscc, phone):
    errors = {}
    if not isinstance(phone, str) or not phone.strip():
        errors["phone"] = ["required"]
    elif len(phone) > MAX_PHONE:
        errors["phone"] = [f"too_long|max={MAX_PHONE}"]
    try:
        uscc = normalize_credit_code(uscc) if isinstance(uscc, str) and uscc.strip() else None
        if uscc is None:
            errors["uscc"] = ["required"]
    except InvalidCreditCode as exc:
        errors["uscc"] = [f"uscc_{exc.reason}"]
    if errors:
        raise ApiError(400, "validation_failed", fields=errors)
    return uscc, phone.strip()
