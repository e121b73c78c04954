"""Public verification of a certificate or report number (anti-counterfeit), no sign-in.

The number's prefix names the service that issued it; that service answers whether the
document is genuine and current, superseded (by which) or withdrawn, and shows nothing
private (no contacts, no results beyond the conclusion a verifier compares).
"""

from nameko.web.handlers import http

from ..errors import ApiError, json_endpoint, request_language
from ..messages import message

# Number prefix → (issuing service, its RPC that answers for a number). One line each.
VERIFIERS = {
    "SQJL-": ("metrology", "verify"),  # verification and calibration certificates, failure notices
    "SQJC-": ("testing", "verify"),  # test reports and rapid-test reports
}


def verifier_for(number):
    return next((target for prefix, target in VERIFIERS.items() if number.startswith(prefix)), None)


class VerifyApi:
    @http("GET", "/api/v1/verify/<string:number>")
    @json_endpoint
    def verify(self, request, number):
        normalized = number.strip().upper()
        target = verifier_for(normalized)
        if target is None:
            raise ApiError(404, "document_not_found")
        service, method = target
        answer = self.call_service(service, method, normalized)
        return {**answer, "status_label": message(f"verify.{answer['status']}", request_language(request))}
