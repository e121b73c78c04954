"""The enterprise's instrument file and recall: its instruments with their due reminders,
and one call that turns a due reminder into a new JL01 request.

Access is by credit code and a contact phone of one of the enterprise's requests.
"""

from datetime import UTC, datetime

from marshmallow import ValidationError

from ...domain.uscc import InvalidCreditCode, normalize_credit_code
from ...handlers.renewals import enterprise_request, renew
from ..apidoc import BODY, SERVICE, documented
from ..errors import ApiError, json_endpoint, read_json_object
from ..schemas.responses import InstrumentFileSchema, RenewalSchema
from ..server import client_address, http

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
        with self.throttle.lookup(client_address(request), ("uscc", uscc)):
            known = enterprise_request(self.requests, uscc, phone)
        renewed = {renewal.certificate_number: renewal.request_code for renewal in self.renewals.of_enterprise(uscc)}
        instruments = self.call_service("metrology", "enterprise_instruments", uscc)
        for instrument in instruments:
            current = instrument.get("current") or {}
            instrument["renewal_request"] = renewed.get(current.get("number"))
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
        with self.throttle.lookup(client_address(request), ("uscc", uscc)):
            known = enterprise_request(self.requests, uscc, phone)
        instrument = self.call_service("metrology", "get_instrument", uscc, serial.strip())
        renewed, created = renew(self.renewals, self.requests, instrument, known, self._submit_through_intake,
                                 datetime.now(UTC))
        return (201 if created else 200), {
            "code": renewed.code, "status": renewed.status, "item": renewed.item,
            "renewal_of": instrument["current"]["number"], "tracking_url": f"/api/v1/requests/{renewed.code}",
        }

    def _submit_through_intake(self, form):
        """The path of ``POST /api/v1/requests``: the form is validated and stored with its
        event in one write, and gets a request code like any submission."""
        submitted, _ = self.submit_form(form)
        return submitted


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
