"""The enterprise's API: the catalogue, submitting the one form, tracking a request."""

from datetime import UTC, datetime

from nameko.web.handlers import http

from .. import handlers
from ..errors import ApiError, json_endpoint, read_json_object, request_language
from ..reference import reference_data
from ..schemas import load_request_form
from ..views import submitted_view, tracking_view


class IntakeApi:
    @http("GET", "/api/v1/catalogue")
    @json_endpoint
    def catalogue(self, request):
        catalogue, _ = reference_data()
        return catalogue.as_dict()

    @http("POST", "/api/v1/requests")
    @json_endpoint
    def submit(self, request):
        catalogue, stations = reference_data()
        form, item = load_request_form(read_json_object(request), catalogue, stations)
        submitted = handlers.submit_request(self.requests, form, item, datetime.now(UTC))
        self.relay.notify()
        station = stations.get(submitted.station)
        return 201, submitted_view(submitted, item, station, request_language(request))

    @http("GET", "/api/v1/requests/<string:code>")
    @json_endpoint
    def track(self, request, code):
        phone = request.args.get("phone", "")
        if not phone:
            raise ApiError(400, "validation_failed", fields={"phone": ["required"]})
        found = handlers.track_request(self.requests, code, phone)
        catalogue, stations = reference_data()
        notices = self.notices.for_enterprise(found.enterprise["uscc"])
        return tracking_view(
            found, catalogue.item(found.item), stations.get(found.station), request_language(request), notices
        )
