"""好差评: the enterprise rates a completed request once; a rating of 1 or 2 opens a
rectification (整改) the station answers (``answer-rectification``, a station step), and
the enterprise reads the answer on its tracking page."""

from datetime import UTC, datetime

from marshmallow import ValidationError

from ....common.domain import InvalidTransition
from ...bootstrap import reference_data
from ...domain.access import ADMIN, MANAGER, STAFF, require
from ...domain.request_code import MalformedCode, WrongCheckCharacter
from ...domain.throttle import TooManyRequests
from ...handlers import intake as handlers
from ...handlers.intake import RequestNotFound
from ...handlers.throttling import code_subject
from ..apidoc import documented
from ..auth import principal_of, require_principal
from ..errors import json_endpoint, read_json_object, request_language
from ..schemas.intake import REQUEST_VIEW, RequestViewSchema
from ..schemas.service_levels import (
    RATING_BODY_DOC,
    RECTIFICATIONS_DOC,
    RatingSchema,
    RectificationFiltersSchema,
)
from ..server import client_address, http
from ..templating import (
    form_token_matches,
    page_endpoint,
    page_language,
    render,
    too_many_requests_page,
)
from ..views import item_summary, request_view, station_summary


class RatingsApi:
    @http("POST", "/api/v1/requests/<string:code>/rating")
    @documented("The enterprise rates a completed request (好差评), once", tags=["intake"],
                body=RATING_BODY_DOC, responses={200: RequestViewSchema}, errors=[400, 401, 404, 409, 422, 429],
                description="`level` 1 非常不满意 … 5 非常满意, optional `comment`. Proven by `phone` or by "
                "signing in as the enterprise. 409 before completion or when already rated. A level of "
                "1 or 2 opens a rectification the station must answer.")
    @json_endpoint
    def rate(self, request, code):
        command = RatingSchema().load(read_json_object(request))
        with self.throttle.lookup(client_address(request), code_subject(code, command.get("phone"))):
            rated = self.rate_request(code, principal_of(request), command)
        catalogue, stations = reference_data()
        return REQUEST_VIEW.dump(request_view(rated, catalogue, stations, request_language(request),
                                              calendar=self.current_calendar()))

    @http("GET", "/api/v1/station/rectifications")
    @documented("Poor ratings (1-2) waiting for the station's answer, or answered", tags=["station"],
                auth="bearer", query=[("station", "staff: their own (default); managers: any, or all", False),
                                      ("state", "open (default) or answered", False)],
                responses={200: RECTIFICATIONS_DOC}, errors=[401, 403, 422])
    @json_endpoint
    def rectifications(self, request):
        principal = require_principal(request)
        filters = RectificationFiltersSchema().load({k: v for k, v in request.args.items() if v != ""})
        return {"requests": self.rectifications_for(principal, filters.get("station"), filters.get("state") or "open",
                                                    request_language(request))}

    @http("POST", "/track/rate")
    @page_endpoint
    def track_rate_page(self, request):
        """The enterprise rates on its tracking page."""
        code = request.form.get("code", "").strip()
        phone = request.form.get("phone", "").strip()
        lang = page_language(request)
        status, problem, done = 200, None, None
        if not form_token_matches(request):
            return render(request, "track.html", status=403, code=code, phone="", view=None, problem="form_expired",
                          done=None)
        try:
            command = RatingSchema().load({"level": request.form.get("level", ""),
                                           "comment": request.form.get("comment", "").strip() or None})
            with self.throttle.lookup(client_address(request), code_subject(code, phone)):
                self.rate_request(code, None, {**command, "phone": phone})
            done = "rating_saved"
        except TooManyRequests as refused:
            return too_many_requests_page(request, refused)
        except ValidationError:
            status, problem = 422, "page.track.rate_missing"
        except (MalformedCode, WrongCheckCharacter, RequestNotFound):
            status, problem = 404, "request_not_found"
        except InvalidTransition:
            status, problem = 409, "page.track.rate_refused"
        view = self.view_of(code, phone, lang) if status != 404 else None
        return render(request, "track.html", status=status, code=code, phone=phone, view=view, problem=problem,
                      done=done)

    # shared with the pages and the console
    def rate_request(self, code, principal, command):
        rated = handlers.rate_request(self.requests, code, principal, command.get("phone"), command["level"],
                                      command.get("comment"), datetime.now(UTC))
        return rated

    def rectifications_for(self, principal, station, state, lang):
        require(principal.role in (STAFF, MANAGER, ADMIN))
        if principal.role == STAFF:
            require(station in (None, principal.station))
            station = principal.station
        catalogue, stations = reference_data()
        return [{
            "code": found.code,
            "station": station_summary(stations.get(found.station), lang),
            "item": item_summary(catalogue.item(found.item), lang),
            "enterprise": {"name": found.enterprise["name"]},
            "rating": found.rating,
            "rectification": found.rectification,
            "version": found.version,
        } for found in handlers.rectifications(self.requests, station, state)]
