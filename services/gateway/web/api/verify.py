"""``GET /api/v1/verify/{number}``: anyone checks a certificate or report number (防伪核验).

No sign-in. The number's prefix says which service issued it; that service answers
whether the document is genuine and current, superseded (by which) or withdrawn, and
shows nothing private (no contacts, no results beyond the conclusion a verifier
compares with the paper). Adding an issuer is one line in
``handlers/operators.VERIFYING_SERVICES``.
"""

from ...domain.throttle import VERIFICATIONS_PER_CLIENT, TooManyRequests
from ...exceptions import DocumentNotFound, ServiceUnavailable
from ...handlers import operators
from ..apidoc import SERVICE, documented
from ..errors import ApiError, as_api_error, json_endpoint, request_language
from ..messages import MESSAGES, message
from ..schemas.responses import VerificationSchema
from ..server import client_address, http
from ..templating import page_endpoint, page_language, render, too_many_requests_page


class VerifyApi:
    @http("GET", "/api/v1/verify/<string:number>")
    @documented("Is this certificate or report genuine and in force? (public)", tags=["verify"],
                path={"number": {"type": "string", "description": "e.g. SQJL-2026-000001, SQJC-…, SQRZ-…"}},
                responses={200: VerificationSchema}, errors=[404, 429, *SERVICE],
                description="Numbers that are not ours are 404. Lookups are limited per client; a number "
                "that is not found costs more, so trying numbers one after another is soon told to wait.")
    @json_endpoint
    def verify(self, request, number):
        with self.gateway.throttle.lookup(client_address(request), budget=VERIFICATIONS_PER_CLIENT):
            answer = operators.verify(self.services, number)
        return verification_view(answer, request_language(request))

    @http("GET", "/verify")
    @page_endpoint
    def verify_page(self, request):
        """The public page: type a number, see what the issuer says of it."""
        number = request.args.get("number", "").strip()
        answer, problem, status = None, None, 200
        if number:
            try:
                with self.gateway.throttle.lookup(client_address(request), budget=VERIFICATIONS_PER_CLIENT):
                    answer = verification_view(operators.verify(self.services, number[:64]), page_language(request))
            except TooManyRequests as refused:
                return too_many_requests_page(request, refused)
            except (DocumentNotFound, ServiceUnavailable, ApiError) as exc:  # not ours, or the issuer is not answering
                error = as_api_error(exc)
                problem, status = error.code, error.status
        return render(request, "verify.html", status=status, number=number, answer=answer, problem=problem)


FAILURE_NOTICE = "verification_failure_notice"


def verification_view(answer, lang):
    """What a verifier reads: the status in words (a notice of failure in force says it
    is one: the instrument failed, not "current"), the kind of document and the
    conclusion in the reader's language, and the latest version of a superseded one."""
    failure = answer.get("kind") == FAILURE_NOTICE and answer["status"] == "current"
    view = {
        **answer,
        "status_label": status_label("failure_notice" if failure else answer["status"], lang),
        "kind_label": message(f"document_kind.{answer.get('kind')}", lang) if answer.get("kind") else "",
        "badge": "failure" if failure else answer["status"],
    }
    if answer.get("conclusion"):
        view["conclusion_label"] = message(f"conclusion.{answer['conclusion']}", lang)
    if answer.get("latest_version"):
        latest = answer["latest_version"]
        view["latest_version"] = {**latest, "status_label": status_label(latest["status"], lang)}
    return view


def status_label(status, lang):
    key = f"certificate_status.{status}"
    return message(key, lang) if key in MESSAGES else status
