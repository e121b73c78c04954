"""``GET /health``: 200 only when the broker, the store and all four domain services answer."""

import eventlet
from kombu import Connection

from ...common.config import setting
from ...common.mongo import ping
from ..apidoc import documented
from ..domain.catalogue import DOMAINS
from ..errors import json_endpoint
from ..schemas import HealthSchema
from ..web import http


class HealthApi:
    @http("GET", "/health")
    @documented("Is everything up?", tags=["operations"], responses={200: HealthSchema, 503: HealthSchema},
                description="200 only when RabbitMQ, MongoDB and all four domain services answer.")
    @json_endpoint
    def health(self, request):
        checks = self._health_checks()
        down = sorted(name for name, ok in checks.items() if not ok)
        body = {"status": "ok" if not down else "unavailable", "checks": checks, "down": down}
        return (200 if not down else 503), HealthSchema().dump(body)

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
