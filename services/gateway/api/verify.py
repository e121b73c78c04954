"""``GET /api/v1/verify/{number}``: anyone checks a certificate or report number (防伪核验).

The number's prefix says which service issued it; that service answers with the same
public shape (genuine, status, kind, title, issuer, customer, validity). Adding an
issuer is one line in ``VERIFYING_SERVICES``.
"""

from nameko.web.handlers import http

from ...common.standard_number import normalize_text
from ..errors import ApiError, json_endpoint, request_language
from ..messages import MESSAGES, message

VERIFYING_SERVICES = {
    "SQRZ": "certification",  # certification certificates (认证证书)
}


class VerifyApi:
    @http("GET", "/api/v1/verify/<string:number>")
    @json_endpoint
    def verify(self, request, number):
        normalized = "".join(normalize_text(number).split())
        service = VERIFYING_SERVICES.get(normalized.partition("-")[0])
        if service is None:
            raise ApiError(404, "document_not_found")
        answer = self.call_service(service, "verify", normalized)
        return {**answer, "status_label": status_label(answer["status"], request_language(request))}


def status_label(status, lang):
    key = f"certificate_status.{status}"
    return message(key, lang) if key in MESSAGES else status
