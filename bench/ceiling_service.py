"""The ceiling the intake benchmark compares with: a bare nameko ``@http`` endpoint on the
same machine that does nothing but publish one event (nameko's own EventDispatcher, with
publisher confirms, like our relay), and answers 201."""

import json

from nameko.events import EventDispatcher
from nameko.web.handlers import http


class CeilingService:
    name = "ceiling"

    dispatch = EventDispatcher()

    @http("POST", "/api/v1/requests")
    def submit(self, request):
        body = request.get_data()
        self.dispatch("request_submitted", {"size": len(body)})
        return 201, json.dumps({"status": "submitted"})
