"""``GET /api/v1/verify/{number}``: anyone checks a certificate or report number (防伪核验).

No sign-in. The number's prefix says which service issued it; that service answers
whether the document is genuine and current, superseded (by which) or withdrawn, and
shows nothing private (no contacts, no results beyond the conclusion a verifier
compares with the paper). Adding an issuer is one line in ``VERIFYING_SERVICES``.
"""

from nameko.web.handlers import http

from ..errors import ApiError, json_endpoint, request_language
from ..messages import MESSAGES, message

# Number prefix (before the first "-") → the service whose ``verify`` RPC answers for it.
VERIFYING_SERVICES = {
    "SQJL": "metrology",  # verification and calibration certificates, notices of failure (检定/校准证书)
    "SQJC": "testing",  # test reports and rapid-test reports (检验检测报告)
    "SQRZ": "certification",  # certification certificates: valid, suspended, withdrawn, expired (认证证书)
}


def verifying_service(number):
    return VERIFYING_SERVICES.get(number.partition("-")[0])


class VerifyApi:
    @http("GET", "/api/v1/verify/<string:number>")
    @json_endpoint
    def verify(self, request, number):
        normalized = "".join(number.split()).upper()
        service = verifying_service(normalized)
        if service is None:
            raise ApiError(404, "document_not_found")
        answer = self.call_service(service, "verify", normalized)
        return {**answer, "status_label": status_label(answer["status"], request_language(request))}


def status_label(status, lang):
    key = f"certificate_status.{status}"
    return message(key, lang) if key in MESSAGES else status
