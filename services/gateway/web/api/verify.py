"""``GET /api/v1/verify/{number}``: anyone checks a certificate or report number (防伪核验).

No sign-in. The number's prefix says which service issued it; that service answers
whether the document is genuine and current, superseded (by which) or withdrawn, and
shows nothing private (no contacts, no results beyond the conclusion a verifier
compares with the paper). Adding an issuer is one line in
``handlers/operators.VERIFYING_SERVICES``.
"""

from ....common.documents import wiring
from ...domain.throttle import VERIFICATIONS_PER_CLIENT, TooManyRequests
from ...exceptions import DocumentNotFound, ServiceUnavailable
from ...handlers import documents, operators
from ..apidoc import SERVICE, documented
from ..errors import ApiError, as_api_error, json_endpoint, request_language
from ..messages import MESSAGES, message
from ..schemas.responses import VerificationSchema
from ..server import client_address, http
from ..templating import (
    form_token_matches,
    page_endpoint,
    page_language,
    render,
    too_many_requests_page,
)
from .documents import MAX_UPLOAD_BYTES, labelled


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
        return self._number_page(request, request.args.get("number", "").strip())

    @http("GET", "/verify/<string:number>")
    @page_endpoint
    def verify_number_page(self, request, number):
        """The page a document's QR code opens: what the issuer says of that number today."""
        return self._number_page(request, number.strip())

    @http("POST", "/verify")
    @page_endpoint
    def verify_upload_page(self, request):
        """The same page with a file: is this PDF or signed DCC genuine, unaltered, and where
        does its document stand today? (Works without JavaScript; CSRF like the other public forms.)"""
        if request.content_length and request.content_length > MAX_UPLOAD_BYTES + 64 * 1024:
            return verify_page_render(request, status=413, number="", answer=None,
                          problem="file_too_large")
        request.max_content_length = MAX_UPLOAD_BYTES + 64 * 1024
        lang = page_language(request)
        if not form_token_matches(request):
            return verify_page_render(request, status=403, number="", answer=None, problem="form_expired")
        upload = request.files.get("file")
        data = upload.stream.read(MAX_UPLOAD_BYTES + 1) if upload is not None else b""
        if not data or len(data) > MAX_UPLOAD_BYTES:
            problem, status = ("file_required", 422) if not data else ("file_too_large", 413)
            return verify_page_render(request, status=status, number="", answer=None, problem=problem)
        try:
            with self.gateway.throttle.lookup(client_address(request), budget=VERIFICATIONS_PER_CLIENT):
                checked = labelled(documents.check_uploaded(self.services, wiring.issuing_keys().generations, data),
                                   lang)
        except TooManyRequests as refused:
            return too_many_requests_page(request, refused)
        except (ServiceUnavailable, ApiError) as exc:
            error = as_api_error(exc)
            return verify_page_render(request, status=error.status, number="", answer=None, problem=error.code)
        return verify_page_render(request, number=checked.get("number") or "", answer=None, problem=None,
                      checked=checked, filename=upload.filename if upload is not None else "")

    def _number_page(self, request, number):
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
        return verify_page_render(request, status=status, number=number, answer=answer, problem=problem)


def verify_page_render(request, status=200, **context):
    """The verification page, with what its template reads given even when not shown."""
    shown = {"number": "", "answer": None, "problem": None, "checked": None, "filename": "",
             "upload_limit": MAX_UPLOAD_BYTES, **context}
    return render(request, "verify.html", status=status, **shown)


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
