"""How our entrypoints look as spans (adapters of ``opentelemetry-instrumentation-nameko``).

Imported only when tracing is on (telemetry.configure). The library picks an adapter by the
entrypoint's exact class, so our ``EventConsumer`` needs its own. Ours also differ from the
library's in what they leave out: its AMQP adapters copy the broker URI, password
included, onto every span, and its HTTP adapter reads ``request.data``, which would empty
the body stream before the handler reads it (and past the handler's size limit).
"""

from nameko_opentelemetry.entrypoints import EntrypointAdapter
from nameko_opentelemetry.http import HttpEntrypointAdapter
from opentelemetry import trace
from opentelemetry.instrumentation import wsgi

from .telemetry import request_code_of


def with_request_code(attributes, worker_ctx):
    code = request_code_of(worker_ctx)
    if code:
        attributes["qi.request_code"] = code
    return attributes


class ServiceAdapter(EntrypointAdapter):
    """RPC methods and timers: the library's default, plus the request worked on."""

    def get_attributes(self, worker_ctx):
        return with_request_code(super().get_attributes(worker_ctx), worker_ctx)


class EventAdapter(ServiceAdapter):
    """An event consumer: a CONSUMER span named after the event it processes."""

    span_kind = trace.SpanKind.CONSUMER

    def get_span_name(self, worker_ctx):
        return f"process {worker_ctx.args[0]['type']} ({super().get_span_name(worker_ctx)})"

    def get_attributes(self, worker_ctx):
        envelope = worker_ctx.args[0]
        attributes = super().get_attributes(worker_ctx)
        attributes.update(
            {
                "messaging.system": "rabbitmq",
                "messaging.operation.type": "process",
                "messaging.destination.name": f"{worker_ctx.entrypoint.source_service}.events",
                "messaging.message.id": envelope["event_id"],
                "qi.event_type": envelope["type"],
            }
        )
        return attributes


class HttpAdapter(HttpEntrypointAdapter):
    """An HTTP entrypoint: ``METHOD /route/<arg>`` with the request's attributes, never
    its body and never its query string (the tracking page's query holds a phone number)."""

    def get_span_name(self, worker_ctx):
        return f"{worker_ctx.entrypoint.method} {worker_ctx.entrypoint.url}"

    def get_attributes(self, worker_ctx):
        attributes = EntrypointAdapter.get_attributes(self, worker_ctx)
        environ = worker_ctx.args[0].environ
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        attributes.update(
            wsgi.collect_request_attributes({**environ, "QUERY_STRING": "", "RAW_URI": path})
        )
        attributes["http.route"] = worker_ctx.entrypoint.url
        return with_request_code(attributes, worker_ctx)


ADAPTERS = {
    "services.common.consumer.EventConsumer": "services.common.tracing_adapters.EventAdapter",
    "nameko.rpc.Rpc": "services.common.tracing_adapters.ServiceAdapter",
    "services.common.rpc.ResilientRpc": "services.common.tracing_adapters.ServiceAdapter",
    "services.common.timer.ConfiguredTimer": "services.common.tracing_adapters.ServiceAdapter",
    "nameko.web.handlers.HttpRequestHandler": "services.common.tracing_adapters.HttpAdapter",
    # the gateway's own HTTP entrypoint (nameko's on a hardened server, gateway/web/server.py)
    "services.gateway.web.server.GatewayHttp": "services.common.tracing_adapters.HttpAdapter",
}
