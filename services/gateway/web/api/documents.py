"""The files of issued documents (issue 28): ``GET /api/v1/requests/{code}/documents/{number}.pdf``,
``.xml`` (a calibration certificate's DCC) and ``.signed.xml`` (that DCC inside its XML
signature), for whoever may read the request; and ``POST /api/v1/verify``, anyone's check
of an uploaded PDF or signed DCC.

Downloads follow the tracking rule (the contact phone, or a sign-in that may see the
request; ``handlers/intake.track_request``) and count against the same lookup budget
as tracking. Uploads have a size limit of their own (10 MiB), apart from the 1 MiB of
JSON bodies, and count against the verification budget.
"""

from werkzeug.wrappers import Response

from ....common.documents import wiring
from ....common.documents.kinds import DCC, PDF, SIGNED_DCC
from ...domain.throttle import VERIFICATIONS_PER_CLIENT
from ...handlers import documents
from ...handlers.throttling import code_subject
from ..apidoc import CODE, REQUEST_CODE, SERVICE, Binary, documented
from ..auth import principal_of
from ..errors import ApiError, json_endpoint, request_language
from ..messages import MESSAGES, message
from ..schemas.responses import FileVerificationSchema
from ..server import client_address, http
from ..uploads import posted_files
from .entrypoints import json_entrypoint

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
DOCUMENT_NUMBER = {"type": "string", "maxLength": 40,
                   "description": "e.g. SQJL-2026-000001, a correction SQJL-2026-000001-R1, SQJC-…, SQRZ-…"}
PHONE = [("phone", "the contact phone given at submission (not needed when signed in)", False)]
DOWNLOAD_ERRORS = [CODE, 401, 404, 429, *SERVICE]
UPLOAD_BODY = {"type": "object", "required": ["file"],
               "properties": {"file": {"type": "string", "format": "binary",
                                       "description": "a PDF or signed DCC (….signed.xml) the platform issued"}}}
WHO = "The same rule as tracking: the contact phone, or a sign-in that may see the request."


def download(suffix, fmt, summary, media_type, description):
    """GET …/documents/{number}``suffix``: the document's file in ``fmt``, to whoever may
    read the request (the tracking rule)."""

    def download_file(self, request, code, number):
        phone = request.args.get("phone", "")
        gateway = self.gateway
        with gateway.throttle.lookup(client_address(request), code_subject(code, phone)):
            file = documents.document_file(self.services, gateway.requests, gateway.groups, code, phone,
                                           principal_of(request), number, fmt)
        return Response(file.content, status=200, mimetype=file.media_type, headers={
            "Content-Disposition": f'attachment; filename="{file.filename}"', "X-Document-State": file.state})

    return json_entrypoint("GET", f"/api/v1/requests/<string:code>/documents/<string:number>{suffix}", documented(
        summary, tags=["documents"], auth="optional", path={"code": REQUEST_CODE, "number": DOCUMENT_NUMBER},
        query=PHONE, responses={200: Binary(media_type)}, errors=DOWNLOAD_ERRORS, description=f"{WHO} {description}"),
        download_file)


class DocumentsApi:
    document_pdf = download(
        ".pdf", PDF, "The document as a signed PDF", "application/pdf",
        "The signed original while the document stands; a superseded, withdrawn, suspended or expired one comes "
        "as a fresh signed copy with that state stamped across every page.")
    document_dcc = download(
        ".xml", DCC, "A calibration certificate as a DCC (PTB DCC 3.1.2 XML)", "application/xml",
        "Valid against PTB's schema, as issued; its signature is the .signed.xml file. Other documents have no "
        "DCC (404).")
    document_signed_dcc = download(
        ".signed.xml", SIGNED_DCC, "A calibration certificate's DCC inside its enveloping XML signature",
        "application/xml", "A ds:Signature whose ds:Object holds the DCC: upload it to POST /api/v1/verify.")

    @http("POST", "/api/v1/verify")
    @documented("Is this file a document the platform issued, unaltered? (public)", tags=["verify"],
                body=UPLOAD_BODY, body_media_type="multipart/form-data",
                responses={200: FileVerificationSchema}, errors=[400, 413, 422, 429, *SERVICE],
                description="Upload a PDF or a signed DCC (multipart, field `file`, at most 10 MiB). The answer says "
                "whether its signature is the platform's and covers the whole file unchanged (one changed byte: "
                "not genuine), which document it is, and where that document stands today.")
    @json_endpoint
    def verify_file(self, request):
        lang = request_language(request)
        data = _uploaded(request)
        with self.gateway.throttle.lookup(client_address(request), budget=VERIFICATIONS_PER_CLIENT):
            answer = documents.check_uploaded(self.services, wiring.issuing_keys().generations, data)
        return labelled(answer, lang)


def _uploaded(request):
    """The uploaded file's bytes: 413 over the limit, 422 without a file."""
    posted = posted_files(request, "file", MAX_UPLOAD_BYTES, 1)
    if not posted:
        raise ApiError(422, "validation_failed", fields={"file": ["required"]})
    data = posted[0].data
    if len(data) > MAX_UPLOAD_BYTES:
        raise ApiError(413, "file_too_large", limit=MAX_UPLOAD_BYTES)
    if not data:
        raise ApiError(422, "validation_failed", fields={"file": ["blank"]})
    return data


def labelled(answer, lang):
    """The check's answer with its reason and the document's status in the reader's language."""
    reason = answer.get("reason")
    status = answer.get("status")
    return {
        **answer,
        "reason_label": message(f"file_check.{reason}", lang) if reason and f"file_check.{reason}" in MESSAGES else None,
        **({"status_label": message(f"certificate_status.{status}", lang)}
           if status and f"certificate_status.{status}" in MESSAGES else {}),
    }
