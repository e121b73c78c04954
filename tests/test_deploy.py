"""docker-compose.yml and deploy/ cannot run here (no Docker engine), so they are read."""

import importlib
import logging
import re
from pathlib import Path

import yaml

from services.common.config import DEFAULTS

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICE_PACKAGES = sorted(
    path.name for path in (ROOT / "services").iterdir() if (path / "service.py").exists()
)


def test_every_service_package_runs_in_compose_with_its_own_module():
    assert SERVICE_PACKAGES == ["certification", "gateway", "metrology", "standards", "testing"]
    for name in SERVICE_PACKAGES:
        command = COMPOSE["services"][name]["command"]
        assert command[-1] == f"services.{name}.service"
        assert "deploy/config.yaml" in command


def test_compose_sets_only_settings_the_code_reads():
    for name in SERVICE_PACKAGES:
        environment = COMPOSE["services"][name]["environment"]
        assert set(environment) <= set(DEFAULTS), set(environment) - set(DEFAULTS)
        assert {"AMQP_URI", "MONGO_URI"} <= set(environment)


def test_the_nameko_config_reads_only_known_environment_variables():
    config_text = (ROOT / "deploy" / "config.yaml").read_text()
    referenced = set(re.findall(r"\$\{([A-Z_]+)", config_text))
    assert referenced == set(DEFAULTS), referenced ^ set(DEFAULTS)


def test_the_gateway_is_published_on_port_8000_with_a_health_check():
    gateway = COMPOSE["services"]["gateway"]
    assert "8000:8000" in gateway["ports"]
    assert "/health" in " ".join(gateway["healthcheck"]["test"])


def test_broker_and_database_are_the_real_servers_with_persistent_volumes():
    assert COMPOSE["services"]["rabbitmq"]["image"].startswith("rabbitmq:3.13")
    assert "management" in COMPOSE["services"]["rabbitmq"]["image"]
    assert COMPOSE["services"]["mongo"]["image"].startswith("mongo:7")
    assert set(COMPOSE["volumes"]) == {"rabbitmq-data", "mongo-data"}


def test_the_image_runs_as_a_non_root_user_from_a_pinned_base():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    bases = re.findall(r"^FROM (\S+)", dockerfile, flags=re.MULTILINE)
    assert bases and all(re.search(r":\d+\.\d+\.\d+", base) for base in bases)
    assert re.search(r"^USER (?!root)\w+", dockerfile, flags=re.MULTILINE)


def test_log_format_picks_one_of_the_formatters_the_logging_config_defines():
    logging_config = yaml.safe_load((ROOT / "deploy" / "config.yaml").read_text())["LOGGING"]
    assert logging_config["handlers"]["console"]["formatter"] == "${LOG_FORMAT:json}"
    assert set(logging_config["formatters"]) == {"json", "plain"}
    assert DEFAULTS["LOG_FORMAT"] in logging_config["formatters"]
    for formatter in logging_config["formatters"].values():
        module, name = formatter["()"].rsplit(".", 1)
        assert issubclass(getattr(importlib.import_module(module), name), logging.Formatter)


def test_compose_sends_every_services_spans_to_a_pinned_trace_viewer():
    assert re.search(r":\d+\.\d+\.\d+$", COMPOSE["services"]["jaeger"]["image"])
    for name in SERVICE_PACKAGES:
        environment = COMPOSE["services"][name]["environment"]
        assert "otlp" in environment["OTEL_TRACES_EXPORTER"]
        assert environment["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://jaeger:4318"
