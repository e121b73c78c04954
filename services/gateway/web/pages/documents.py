"""The console's links to a request's documents (``/staff/documents/{code}/documents/{number}.pdf``,
``.xml``, ``.signed.xml``) and to the files it holds (``/staff/files/{code}/{id}``: its
application materials, the enterprise's 补正 answers, a written answer's files): the same
files as the API, for a console session (its cookies), with the same rule
(``handlers/intake.track_request``: staff of the request's station, the operators of its
domain, managers and admins). The enterprise's own pages send theirs the same way
(:func:`send_document`)."""

from werkzeug.wrappers import Response

from ....common.documents.kinds import DCC, PDF, SIGNED_DCC
from ...domain.request_code import MalformedCode, WrongCheckCharacter
from ...exceptions import DocumentNotFound, FileNotFound, RequestNotFound, ServiceUnavailable
from ...handlers import documents
from ..server import http
from ..templating import page_endpoint, render
from ..uploads import file_response
from .session import console_session

BASE = "/staff/documents/<string:code>/documents/<string:number>"


class DocumentPages:
    @http("GET", f"{BASE}.pdf")
    @page_endpoint
    def console_document_pdf(self, request, code, number):
        return self._console_download(request, code, number, PDF)

    @http("GET", f"{BASE}.xml")
    @page_endpoint
    def console_document_dcc(self, request, code, number):
        return self._console_download(request, code, number, DCC)

    @http("GET", f"{BASE}.signed.xml")
    @page_endpoint
    def console_document_signed_dcc(self, request, code, number):
        return self._console_download(request, code, number, SIGNED_DCC)

    @http("GET", "/staff/files/<string:code>/<string:file_id>")
    @page_endpoint
    def console_request_file(self, request, code, file_id):
        return send_request_file(self.gateway, request, console_session(self.gateway, request), code, file_id)

    def _console_download(self, request, code, number, fmt):
        return send_document(self, request, console_session(self.gateway, request), code, number, fmt)


def send_request_file(gateway, request, session, code, file_id):
    """A file a request holds as a download, for the signed-in ``session`` (the console's
    or an enterprise's), with the tracking rule (``handlers/documents.request_file``)."""
    if session.principal is None:
        return render(request, "message.html", status=401, key="unauthorized", params={})
    try:
        record, data = documents.request_file(gateway.files, gateway.requests, gateway.groups, code, None,
                                              session.principal, file_id)
    except (MalformedCode, WrongCheckCharacter, RequestNotFound, FileNotFound):
        return render(request, "message.html", status=404, key="file_not_found", params={})
    return session.finish(file_response(record, data))


def send_document(service, request, session, code, number, fmt):
    """A document of a request as a download, for the signed-in ``session`` (the console's
    or an enterprise's), with the tracking rule (``handlers/documents.document_file``)."""
    if session.principal is None:
        return render(request, "message.html", status=401, key="unauthorized", params={})
    gateway = service.gateway
    try:
        download = documents.document_file(service.services, gateway.requests, gateway.groups, code, None,
                                           session.principal, number, fmt)
    except (MalformedCode, WrongCheckCharacter, RequestNotFound, DocumentNotFound):
        return render(request, "message.html", status=404, key="document_not_found", params={})
    except ServiceUnavailable as exc:
        return render(request, "message.html", status=503, key="service_unavailable", params={"service": exc.service})
    return session.finish(Response(download.content, mimetype=download.media_type, headers={
        "Content-Disposition": f'attachment; filename="{download.filename}"', "X-Document-State": download.state}))
