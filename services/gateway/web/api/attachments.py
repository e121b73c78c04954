"""Attachments (issue 28 §4): ``POST /api/v1/files`` uploads files, which are then named
by id where they are used (the one form's ``attachments``, a 补正 answer's, an
operator's written answer's); ``GET /api/v1/requests/{code}/files/{id}`` gives a file
a request holds to whoever may read that request.

An upload is multipart/form-data with its own limit per file (``UPLOAD_MAX_BYTES``,
20 MiB), apart from the 1 MiB of JSON bodies; its type is read from its bytes and must
be one of the allowed ones (``domain/files.ALLOWED``). Uploads count against a budget
per client; downloads against the tracking budget, as documents do.
"""

from ...domain.files import ALLOWED
from ...domain.throttle import UPLOADS_PER_CLIENT
from ...handlers import documents, files
from ...handlers.throttling import code_subject
from ..apidoc import CODE, REQUEST_CODE, SERVICE, Binary, documented
from ..auth import Unauthenticated, principal_of
from ..errors import ApiError, json_endpoint
from ..schemas.responses import UploadedFilesSchema
from ..server import client_address, http
from ..uploads import file_response, posted_files

ALLOWED_TYPES = ", ".join(f"{kind.label} ({kind.media_type})" for kind in ALLOWED.values())
UPLOAD_BODY = {"type": "object", "required": ["file"], "properties": {"file": {
    "type": "array", "minItems": 1, "maxItems": 5, "items": {"type": "string", "format": "binary"},
    "description": "one to five files, each as a part named `file`"}}}
FILE_ID = {"type": "string", "pattern": "^[0-9a-f]{32}$", "description": "the id POST /api/v1/files answered"}


class AttachmentsApi:
    @http("POST", "/api/v1/files")
    @documented("Upload files to attach to a request", tags=["files"], auth="optional",
                body=UPLOAD_BODY, body_media_type="multipart/form-data",
                responses={201: UploadedFilesSchema}, errors=[400, 413, 415, 422, 429, *SERVICE],
                description="Multipart, one to five parts named `file`, each at most UPLOAD_MAX_BYTES (20 MiB by "
                f"default). The type is read from the bytes, never from the name: {ALLOWED_TYPES}. Another type, or a "
                "name whose extension says another type, is 415; a file over the limit 413; an empty one 422; "
                "and then none of the files is kept. Each answer's `id` is then named in `attachments` (the form's "
                "application materials, a 补正 answer, an operator's written answer); an upload no request takes "
                "within UPLOAD_KEEP_SECONDS (24 h) is deleted. Anyone may upload; a signed-in uploader is recorded.")
    @json_endpoint
    def upload_files(self, request):
        gateway = self.gateway
        limits = gateway.uploads
        client = client_address(request)
        uploader = files.uploader_of(signed_in_or_none(request), client)
        with gateway.throttle.lookup(client, budget=UPLOADS_PER_CLIENT):
            posted = posted_files(request, "file", limits.max_bytes, limits.max_files)
            if not posted:
                raise ApiError(422, "validation_failed", fields={"file": ["required"]})
            stored = files.upload(gateway.files, posted, uploader, limits, gateway.now())
        return 201, UploadedFilesSchema().dump({"files": [
            {**record.reference(), "expires_at": record.expires_at} for record in stored]})

    @http("GET", "/api/v1/requests/<string:code>/files/<string:file_id>")
    @documented("A file the request holds (an application material, a 补正 answer's, a written answer's)",
                tags=["files"], auth="optional", path={"code": REQUEST_CODE, "file_id": FILE_ID},
                query=[("phone", "the contact phone given at submission (not needed when signed in)", False)],
                responses={200: Binary(*ALLOWED)}, errors=[CODE, 401, 404, 429],
                description="The same rule as tracking: the contact phone, or a sign-in that may see the request "
                "(its enterprise, its station's staff, its domain's operators, managers, admins). As uploaded, "
                "with the type read from its bytes, as an attachment with its name (filename* in UTF-8).")
    @json_endpoint
    def request_file(self, request, code, file_id):
        gateway = self.gateway
        phone = request.args.get("phone", "")
        with gateway.throttle.lookup(client_address(request), code_subject(code, phone)):
            record, data = documents.request_file(gateway.files, gateway.requests, gateway.groups, code, phone,
                                                  principal_of(request), file_id)
        return file_response(record, data)


def signed_in_or_none(request):
    """Who uploads, if signed in: anyone may upload, so a token that no longer holds
    makes the upload anonymous rather than refused."""
    try:
        return principal_of(request)
    except Unauthenticated:
        return None
