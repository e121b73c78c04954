"""The enterprise's API: the catalogue, submitting the one form, tracking a request."""

from datetime import UTC, datetime

from nameko.web.handlers import http

from .. import handlers
from ..errors import ApiError, json_endpoint, read_json_object, request_language
from ..reference import reference_data
from ..schemas import load_submission
from ..views import tracked_view


class IntakeApi:
    @http("GET", "/api/v1/catalogue")
    @json_endpoint
    def catalogue(self, request):
        catalogue, _ = reference_data()
        return catalogue.as_dict()

    @http("GET", "/api/v1/catalogue/<string:code>")
    @json_endpoint
    def catalogue_item(self, request, code):
        catalogue, _ = reference_data()
        item = catalogue.item(code.upper())
        if item is None:
            raise ApiError(404, "unknown_item")
        return item.as_dict()

    @http("POST", "/api/v1/requests")
    @json_endpoint
    def submit(self, request):
        catalogue, stations = reference_data()
        found, children = self.submit_form(read_json_object(request))
        return 201, tracked_view(found, children, catalogue, stations, request_language(request))

    @http("GET", "/api/v1/requests/<string:code>")
    @json_endpoint
    def track(self, request, code):
        phone = request.args.get("phone", "")
        if not phone:
            raise ApiError(400, "validation_failed", fields={"phone": ["required"]})
        return self.view_of(code, phone, request_language(request))

    # shared with the pages
    def submit_form(self, body):
        catalogue, stations = reference_data()
        submission = load_submission(body, catalogue, stations)
        submitted = handlers.submit(self.requests, self.groups, submission, catalogue, datetime.now(UTC))
        self.relay.notify()
        return submitted  # (request or group, children)

    def view_of(self, code, phone, lang):
        catalogue, stations = reference_data()
        found, children = handlers.track_request(self.requests, self.groups, code, phone)
        return tracked_view(found, children, catalogue, stations, lang)
