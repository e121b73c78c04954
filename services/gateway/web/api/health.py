"""``GET /health``: 200 only when the broker, the store and all four domain services answer;
with warnings of what needs doing before it breaks (next year's holiday schedule)."""

from datetime import UTC, datetime

import eventlet
from kombu import Connection
from pymongo.errors import PyMongoError

from ....common.clock import china_date
from ....common.config import setting
from ....common.mongo import ping
from ...domain.catalogue import DOMAINS
from ...handlers.calendar import calendar_warnings
from ..apidoc import documented
from ..errors import json_endpoint, request_language
from ..schemas.intake import HealthSchema
from ..server import http


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
                **self._calendar_health(china_date(datetime.now(UTC)), request_language(request))}
        return (200 if not down else 503), HealthSchema().dump(body)

    def _calendar_health(self, today, lang):
        try:
            calendar = self.current_calendar()
        except PyMongoError:
            return {"warnings": [], "calendar": None}  # the store is down: the checks say so
        years = (today.year, today.year + 1)
        return {"warnings": calendar_warnings(calendar, today, lang),
                "calendar": {str(year): "official" if calendar.is_official(year) else "provisional"
                             for year in years}}

    def _health_checks(self):
        pool = eventlet.GreenPool()
        checks = {
            "rabbitmq": pool.spawn(broker_answers, setting("AMQP_URI"), float(setting("RPC_TIMEOUT"))),
            "mongodb": pool.spawn(ping, self.db),
            **{service: pool.spawn(self._service_answers, service) for service in DOMAINS},
        }
        return {name: thread.wait() for name, thread in checks.items()}

    def _service_answers(self, service):
        try:
            return self.call_service(service, "health").get("status") == "ok"
        except Exception:  # noqa: BLE001 - any failure means "not answering"
            return False


def broker_answers(amqp_uri, timeout):
    try:
        with Connection(amqp_uri, connect_timeout=timeout) as connection:
            connection.connect()
        return True
    except Exception:  # noqa: BLE001 - any failure means "down"
        return False
