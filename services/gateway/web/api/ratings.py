"""好差评: the enterprise rates a completed request once; a rating of 1 or 2 opens a
rectification (整改) the station answers (``answer-rectification``, a station step), and
the enterprise reads the answer on its tracking page."""

from ...handlers import enterprise, station
from ..apidoc import documented
from ..auth import require_principal
from ..errors import json_endpoint, request_language
from ..schemas.intake import RequestViewSchema
from ..schemas.service_levels import (
    RATING_BODY_DOC,
    RECTIFICATIONS_DOC,
    RatingSchema,
    RectificationFiltersSchema,
)
from ..server import http
from ..views import Reader, rectification_row
from .intake import enterprise_act


class RatingsApi:
    rate = enterprise_act(
        "rating", documented(
            "The enterprise rates a completed request (好差评), once", tags=["intake"],
            body=RATING_BODY_DOC, responses={200: RequestViewSchema}, errors=[400, 401, 404, 409, 422, 429],
            description="`level` 1 非常不满意 … 5 非常满意, optional `comment`. Proven by `phone` or by "
            "signing in as the enterprise. 409 before completion or when already rated. A level of "
            "1 or 2 opens a rectification the station must answer."),
        RatingSchema, lambda gateway, code, principal, command: enterprise.rate_request(
            gateway.requests, code, principal, command.get("phone"), command["level"], command.get("comment"),
            gateway.now()))

    @http("GET", "/api/v1/station/rectifications")
    @documented("Poor ratings (1-2) waiting for the station's answer, or answered", tags=["station"],
                auth="bearer", query=[("station", "staff: their own (default); managers: any, or all", False),
                                      ("state", "open (default) or answered", False)],
                responses={200: RECTIFICATIONS_DOC}, errors=[401, 403, 422])
    @json_endpoint
    def rectifications(self, request):
        principal = require_principal(request)
        filters = RectificationFiltersSchema(stations=self.gateway.stations).load(
            {k: v for k, v in request.args.items() if v != ""})
        found = station.rectifications(self.gateway.requests, principal, filters.get("station"),
                                       filters.get("state") or "open")
        reader = Reader.of(self.gateway, request_language(request))
        return {"requests": [rectification_row(each, reader) for each in found]}
