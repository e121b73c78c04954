"""``GET /health``: 200 only when the broker, the store and all four domain services answer;
with warnings of what needs doing before it breaks (next year's holiday schedule)."""

import eventlet

from ....common.clock import china_date
from ....common.config import setting
from ...adapters.probes import STORE_DOWN, broker_answers, store_answers
from ...domain.catalogue import DOMAINS
from ...handlers.calendar import calendar_state
from ..apidoc import documented
from ..errors import json_endpoint, request_language
from ..schemas.intake import HealthSchema
from ..server import http
from ..views import calendar_warning_views


class HealthApi:
    @http("GET", "/health")
    @documented("Is everything up?", tags=["operations"], responses={200: HealthSchema, 503: HealthSchema},
                description="200 only when RabbitMQ, MongoDB and all four domain services answer. `warnings` "
                "say what needs doing without anything being down (still 200): from 1 November, that next "
                "year's official holiday schedule is not loaded (`calendar` tells which years are official).")
    @json_endpoint
    def health(self, request):
        checks = self._health_checks()
        down = sorted(name for name, ok in checks.items() if not ok)
        body = {"status": "ok" if not down else "unavailable", "checks": checks, "down": down,
                **calendar_health(self.gateway, request_language(request))}
        return (200 if not down else 503), HealthSchema().dump(body)

    def _health_checks(self):
        pool = eventlet.GreenPool()
        checks = {
            "rabbitmq": pool.spawn(broker_answers, setting("AMQP_URI"), float(setting("RPC_TIMEOUT"))),
            "mongodb": pool.spawn(store_answers, self.db),
            **{service: pool.spawn(self._service_answers, service) for service in DOMAINS},
        }
        return {name: thread.wait() for name, thread in checks.items()}

    def _service_answers(self, service):
        try:
            return self.services.call(service, "health").get("status") == "ok"
        except Exception:  # noqa: BLE001 - any failure means "not answering"
            return False


def calendar_health(gateway, lang):
    """The calendar's warnings and which years are official, unless the store is down
    (the checks say so)."""
    try:
        state = calendar_state(gateway.calendar.current(), china_date(gateway.now()))
    except STORE_DOWN:
        return {"warnings": [], "calendar": None}
    return {"warnings": calendar_warning_views(state["warnings"], lang), "calendar": state["years"]}
