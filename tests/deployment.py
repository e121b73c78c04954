"""What the deployment files must agree with, read from the code itself.

tests/test_deploy.py (compose, image) and tests/test_deploy_k8s.py (cluster) compare
docker-compose.yml and deploy/ with these facts, so a new service, setting, secret,
route or queue in the code is checked without editing a list here.
"""

import importlib
import inspect
import re
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from nameko import config as nameko_config
from nameko.containers import ServiceContainer
from nameko.web.handlers import HttpRequestHandler

from services.common.config import DEFAULTS
from services.common.consumer import EventConsumer

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
GATEWAY = "gateway"
# Settings the OpenTelemetry SDK reads by itself (its standard environment variables).
OTEL_PREFIX = "OTEL_"
# OTLP's standard ports by protocol.
OTLP_PORTS = {"grpc": 4317, "http/protobuf": 4318, "http/json": 4318}


def service_packages():
    """Every package under services/ that runs as a nameko service."""
    return sorted(path.name for path in (ROOT / "services").iterdir() if (path / "service.py").exists())


def domain_services():
    return [name for name in service_packages() if name != GATEWAY]


def is_setting_name(name):
    return name in DEFAULTS or name.startswith(OTEL_PREFIX)


@cache
def secrets_read_by_service():
    """{secret setting: services that read it through config.secret()} from the source."""
    readers = {}
    for path in (ROOT / "services").rglob("*.py"):
        package = path.relative_to(ROOT / "services").parts[0]
        for name in re.findall(r"""\bsecret\(\s*["']([A-Z0-9_]+)["']\s*\)""", path.read_text()):
            services = service_packages() if package == "common" else [package]
            readers.setdefault(name, set()).update(services)
    return readers


def service_class(name):
    module = importlib.import_module(f"services.{name}.service")
    return next(cls for _, cls in inspect.getmembers(module, inspect.isclass)
                if cls.__module__ == module.__name__ and getattr(cls, "name", None) == name)


@cache
def unstarted_container(name):
    # Building a container binds its entrypoints without connecting to anything; it is
    # kept because entrypoints refer to their container weakly.
    with nameko_config.patch({"AMQP_URI": DEFAULTS["AMQP_URI"]}):
        return ServiceContainer(service_class(name))


def entrypoints(name):
    return tuple(unstarted_container(name).entrypoints)


def event_queues(name):
    """The queues the service consumes events from (services/common/consumer.py)."""
    return {entrypoint.queue_name() for entrypoint in entrypoints(name) if isinstance(entrypoint, EventConsumer)}


def rpc_queue(name):
    return f"rpc-{name}"  # nameko's RPC_QUEUE_TEMPLATE


def gateway_routes():
    return {entrypoint.url for entrypoint in entrypoints(GATEWAY) if isinstance(entrypoint, HttpRequestHandler)}


def gateway_get_routes():
    return {entrypoint.url for entrypoint in entrypoints(GATEWAY)
            if isinstance(entrypoint, HttpRequestHandler) and "GET" in entrypoint.method.split(",")}


def route_matches(path, routes):
    """Whether a literal path (a probe's) is served by one of the werkzeug route patterns."""
    return any(re.fullmatch(re.sub(r"<[^>]+>", "[^/]+", route), path) for route in routes)


def example_path(route):
    """A literal path the werkzeug route pattern serves (each <converter:name> as "x")."""
    return re.sub(r"<[^>]+>", "x", route)


# Served by the gateway but for the cluster's eyes only: Prometheus and the probes; and
# the dev outbox's page, which answers only in dev mode (404 elsewhere) and is never published.
INTERNAL_PATHS = ("/metrics", "/health", "/dev/outbox")


def mongo_uri_parts(uri):
    """(hosts, replica set name, auth source) of a mongodb:// URI (credentials dropped)."""
    parsed = urlparse(uri)
    hosts = parsed.netloc.rsplit("@", 1)[-1].split(",")
    query = parse_qs(parsed.query)
    return hosts, query.get("replicaSet", [None])[0], query.get("authSource", [None])[0]


def amqp_hosts(uri):
    """host:port of each broker in an AMQP_URI (kombu reads "uri1;uri2" as a failover list)."""
    return [urlparse(part).netloc.rsplit("@", 1)[-1] for part in uri.split(";")]


def env_example_keys(path):
    return {line.split("=", 1)[0] for line in path.read_text().splitlines()
            if line.strip() and not line.startswith("#")}
