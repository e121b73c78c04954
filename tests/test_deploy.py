"""docker-compose.yml, the image and the nameko config, read and checked against the code.

There is no Docker engine here, so nothing is started: the compose file is validated
against the Compose Specification's JSON schema (vendored in check-jsonschema, pinned in
pyproject.toml) and compared with what the code reads (tests/deployment.py).
"""

import importlib
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from services.common.config import DEFAULTS
from services.common.metrics_endpoint import MetricsEndpoint
from services.common.probe import GATEWAY_OWN_DEPENDENCIES

from .deployment import (
    DEPLOY,
    GATEWAY,
    OTLP_PORTS,
    ROOT,
    amqp_hosts,
    domain_services,
    env_example_keys,
    gateway_get_routes,
    is_setting_name,
    mongo_uri_parts,
    route_matches,
    secrets_read_by_service,
    service_packages,
    unstarted_container,
)

COMPOSE_FILE = ROOT / "docker-compose.yml"
COMPOSE = yaml.safe_load(COMPOSE_FILE.read_text())
SERVICES = COMPOSE["services"]
COMPOSE_ENV_EXAMPLE = DEPLOY / "env" / "compose.env.example"
# Secrets of the broker and the database themselves (the code reads them inside URIs).
INFRASTRUCTURE_SECRETS = {"RABBITMQ_PASSWORD", "MONGO_ROOT_PASSWORD", "MONGO_APP_PASSWORD"}
INTERPOLATION = re.compile(r"\$\{([A-Z0-9_]+)(:?[-?+])?([^}]*)\}")


def environment(service):
    return {name: str(value) for name, value in SERVICES[service]["environment"].items()}


def resolved(value):
    """A value as compose would pass it, with every ${NAME…} given a stand-in."""
    return INTERPOLATION.sub(lambda match: f"from-{match.group(1).lower()}", value)


def collector_config():
    volume = next(volume for volume in SERVICES["otel-collector"]["volumes"] if volume.endswith(":ro"))
    return yaml.safe_load((ROOT / volume.split(":")[0]).read_text())


# -- the file as a whole -------------------------------------------------------------------
def test_the_compose_file_is_valid_against_the_compose_specification():
    checked = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)],
        capture_output=True, text=True, timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_every_file_compose_mounts_from_the_repository_exists():
    for name, service in SERVICES.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).is_file(), f"{name} mounts a missing {source}"


# -- the five services -----------------------------------------------------------------------
def test_every_service_package_runs_from_the_one_image_with_its_own_module():
    assert service_packages() == ["certification", "gateway", "metrology", "standards", "testing"]
    for name in service_packages():
        service = SERVICES[name]
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
        assert service["image"] == SERVICES[GATEWAY]["image"]
        assert service["command"] == ["nameko", "run", "--config", "deploy/config.yaml", f"services.{name}.service"]


def test_every_service_has_a_health_check_that_probes_itself():
    for name in service_packages():
        test = SERVICES[name]["healthcheck"]["test"]
        assert test[:4] == ["CMD", "python", "-m", "services.common.probe"]
        assert test[4] == name


def test_services_set_only_settings_the_code_reads_or_opentelemetry_variables():
    for name in service_packages():
        unknown = {variable for variable in environment(name) if not is_setting_name(variable)}
        assert not unknown, f"{name} sets {unknown}, which nothing reads"
        assert {"AMQP_URI", "MONGO_URI", "MONGO_DB_PREFIX"} <= set(environment(name))
        assert environment(name)["QI_ENV"] != "dev"


def test_each_secret_the_code_reads_is_required_where_it_is_read_and_only_there():
    readers = secrets_read_by_service()
    assert {"SECRET_KEY"} <= set(readers)
    for secret, services in readers.items():
        for name in service_packages():
            value = environment(name).get(secret)
            if name in services:
                assert value == f"${{{secret}:?set {secret} in deploy/env/compose.env}}", (name, secret, value)
            else:
                assert value is None, f"{name} gets {secret}, which it does not read"


def test_compose_refuses_to_start_without_any_secret_and_never_falls_back_to_a_default():
    text = "\n".join(line for line in COMPOSE_FILE.read_text().splitlines() if not line.lstrip().startswith("#"))
    required = {name for name, operator, _ in INTERPOLATION.findall(text) if operator == ":?"}
    defaulted = {name for name, operator, _ in INTERPOLATION.findall(text) if operator != ":?"}
    secrets = set(secrets_read_by_service()) | INFRASTRUCTURE_SECRETS
    assert secrets <= required
    assert not (secrets & defaulted), secrets & defaulted
    # The example lists exactly those, all empty, so a copy left unfilled still refuses.
    assert env_example_keys(COMPOSE_ENV_EXAMPLE) == required
    assert all(line.endswith("=") for line in COMPOSE_ENV_EXAMPLE.read_text().splitlines()
               if line and not line.startswith("#"))


def test_the_gateway_listens_on_its_port_and_is_published_on_8000():
    gateway = environment(GATEWAY)
    assert gateway["GATEWAY_HOST"] == "0.0.0.0"
    assert gateway["GATEWAY_PORT"] == DEFAULTS["GATEWAY_PORT"] == "8000"
    assert "8000:8000" in SERVICES[GATEWAY]["ports"]
    for name in domain_services():
        assert "ports" not in SERVICES[name]
        assert "GATEWAY_PORT" not in environment(name)


def test_services_start_after_the_broker_is_healthy_and_the_replica_set_is_initiated():
    for name in service_packages():
        depends = SERVICES[name]["depends_on"]
        assert depends["rabbitmq"]["condition"] == "service_healthy"
        assert depends["mongo-init"]["condition"] == "service_completed_successfully"
    assert SERVICES["mongo-init"]["depends_on"]["mongo"]["condition"] == "service_healthy"


# -- the broker and the database ---------------------------------------------------------------
def test_rabbitmq_runs_with_its_management_and_prometheus_plugins_and_a_data_volume():
    rabbitmq = SERVICES["rabbitmq"]
    assert re.fullmatch(r"rabbitmq:3\.13\.\d+-management", rabbitmq["image"])
    plugins_file = next(volume for volume in rabbitmq["volumes"] if volume.endswith("/etc/rabbitmq/enabled_plugins:ro"))
    plugins = (ROOT / plugins_file.split(":")[0]).read_text()
    assert re.fullmatch(r"\[rabbitmq_management,rabbitmq_prometheus\]\.\n", plugins)
    assert "rabbitmq-data:/var/lib/rabbitmq" in rabbitmq["volumes"]
    assert "rabbitmq-diagnostics" in rabbitmq["healthcheck"]["test"]


def test_services_reach_the_broker_as_its_user():
    for name in service_packages():
        uri = resolved(environment(name)["AMQP_URI"])
        assert amqp_hosts(uri) == ["rabbitmq:5672"]
        assert uri.startswith(f"amqp://{SERVICES['rabbitmq']['environment']['RABBITMQ_DEFAULT_USER']}:")


def test_mongodb_7_is_a_replica_set_of_one_that_the_services_connect_to_as_such():
    mongo = SERVICES["mongo"]
    assert mongo["image"].startswith("mongo:7.")
    startup = " ".join(mongo["command"])
    replica_set = re.search(r"--replSet (\w+)", startup).group(1)
    assert "--keyFile" in startup
    assert "mongo-data:/data/db" in mongo["volumes"]
    init = environment("mongo-init")
    assert init["MONGO_REPLICA_SET"] == replica_set
    assert init["MONGO_MEMBERS"] == f"{mongo['hostname']}:27017"
    for name in service_packages():
        hosts, uri_replica_set, auth_source = mongo_uri_parts(resolved(environment(name)["MONGO_URI"]))
        assert hosts == init["MONGO_MEMBERS"].split(",")
        assert uri_replica_set == replica_set and auth_source == "admin"
        assert environment(name)["MONGO_URI"].startswith(f"mongodb://{init['MONGO_APP_USERNAME']}:")


def test_the_platforms_database_user_may_use_exactly_the_services_databases():
    init = environment("mongo-init")
    prefixes = {environment(name)["MONGO_DB_PREFIX"] for name in service_packages()}
    assert len(prefixes) == 1
    prefix = prefixes.pop()
    assert set(init["MONGO_APP_DATABASES"].split(",")) == {f"{prefix}{name}" for name in service_packages()}
    script = ROOT / SERVICES["mongo-init"]["volumes"][0].split(":")[0]
    assert SERVICES["mongo-init"]["command"][-1] == f"/init/{script.name}"
    for variable in ("MONGO_REPLICA_SET", "MONGO_MEMBERS", "MONGO_ROOT_USERNAME", "MONGO_ROOT_PASSWORD",
                     "MONGO_APP_USERNAME", "MONGO_APP_PASSWORD", "MONGO_APP_DATABASES"):
        assert f'required("{variable}")' in script.read_text(), variable
        assert variable in init


# -- traces --------------------------------------------------------------------------------------
def test_services_send_traces_to_the_collector_on_the_port_of_their_protocol():
    receiver = collector_config()["receivers"]["otlp"]["protocols"]
    listening = {int(protocol["endpoint"].rsplit(":", 1)[1]) for protocol in receiver.values()}
    for name in service_packages():
        settings = environment(name)
        assert settings["OTEL_SERVICE_NAME"] == name
        assert settings["OTEL_TRACES_EXPORTER"] == "otlp"
        endpoint = urlparse_endpoint(settings["OTEL_EXPORTER_OTLP_ENDPOINT"])
        assert endpoint == ("otel-collector", OTLP_PORTS[settings["OTEL_EXPORTER_OTLP_PROTOCOL"]])
        assert endpoint[1] in listening


def test_spans_name_the_deployment_environment_with_the_current_attribute():
    for name in service_packages():
        attributes = dict(pair.split("=", 1) for pair in environment(name)["OTEL_RESOURCE_ATTRIBUTES"].split(","))
        assert attributes["deployment.environment.name"] == "compose"
        assert "deployment.environment" not in attributes  # the deprecated name


def test_the_collector_forwards_traces_to_jaeger_whose_ui_is_on_this_host_only():
    config = collector_config()
    pipeline = config["service"]["pipelines"]["traces"]
    for kind in ("receivers", "processors", "exporters"):
        assert set(pipeline[kind]) <= set(config[kind]), kind
    exporter = config["exporters"][pipeline["exporters"][0]]
    assert exporter["endpoint"] == "jaeger:4317"
    assert "127.0.0.1:16686:16686" in SERVICES["jaeger"]["ports"]


# -- metrics ---------------------------------------------------------------------------------------
def prometheus_config():
    volume = next(volume for volume in SERVICES["prometheus"]["volumes"] if volume.endswith(":ro"))
    source, target = volume.split(":")[:2]
    assert f"--config.file={target}" in SERVICES["prometheus"]["command"]
    return yaml.safe_load((ROOT / source).read_text())


def scrape_jobs():
    """{compose service: (port, metrics path)} from Prometheus' DNS-discovered jobs."""
    jobs = {}
    for job in prometheus_config()["scrape_configs"]:
        for discovery in job.get("dns_sd_configs", []):
            assert discovery["type"] == "A"  # every replica's address, not one of them
            for name in discovery["names"]:
                jobs[name] = (discovery["port"], job.get("metrics_path", "/metrics"))
    return jobs


def test_every_domain_service_serves_its_metrics_on_a_port_inside_the_compose_network_only():
    for name in domain_services():
        settings = environment(name)
        assert settings["METRICS_HOST"] == "0.0.0.0"
        assert int(settings["METRICS_PORT"]) > 0
        assert settings["METRICS_PORT"] in SERVICES[name]["expose"]
        assert "ports" not in SERVICES[name]
    assert "METRICS_PORT" not in environment(GATEWAY)  # its metrics are on its HTTP port


def test_every_domain_service_process_has_a_metrics_endpoint_and_the_gateway_has_none_of_it():
    for name in service_packages():
        endpoints = [each for each in unstarted_container(name).dependencies if isinstance(each, MetricsEndpoint)]
        assert len(endpoints) == (0 if name == GATEWAY else 1), name


def test_prometheus_scrapes_every_service_where_it_serves_its_metrics():
    jobs = scrape_jobs()
    assert set(jobs) == set(service_packages())
    assert jobs[GATEWAY] == (int(environment(GATEWAY)["GATEWAY_PORT"]), "/metrics")
    assert route_matches("/metrics", gateway_get_routes())
    for name in domain_services():
        assert jobs[name] == (int(environment(name)["METRICS_PORT"]), "/metrics")
    static = [target for job in prometheus_config()["scrape_configs"] for config in job.get("static_configs", [])
              for target in config["targets"]]
    assert "rabbitmq:15692" in static
    assert SERVICES["prometheus"]["ports"] == ["127.0.0.1:9090:9090"]


def urlparse_endpoint(url):
    match = re.fullmatch(r"https?://([^:/]+):(\d+)/?", url)
    assert match, url
    return match.group(1), int(match.group(2))


# -- the image and the nameko config -------------------------------------------------------------
def test_the_nameko_config_reads_only_known_environment_variables():
    config_text = (DEPLOY / "config.yaml").read_text()
    referenced = set(re.findall(r"\$\{([A-Z_]+)", config_text))
    assert referenced == set(DEFAULTS), referenced ^ set(DEFAULTS)


def test_the_image_is_multi_stage_from_a_pinned_base_and_runs_as_a_numeric_non_root_user():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    bases = re.findall(r"^FROM (\S+)", dockerfile, flags=re.MULTILINE)
    assert len(bases) == 2 and all(re.search(r":\d+\.\d+\.\d+", base) for base in bases)
    assert re.search(r"^USER [1-9]\d*:[1-9]\d*$", dockerfile, flags=re.MULTILINE)
    assert "--from=build" in dockerfile
    assert ".[dev]" not in dockerfile  # runtime dependencies only


@pytest.mark.parametrize("excluded", [".venv", ".git", "tests", "deploy/env/*.env"])
def test_the_build_context_leaves_out_what_the_image_must_not_carry(excluded):
    assert excluded in (ROOT / ".dockerignore").read_text().splitlines()


def test_the_gateway_probe_counts_only_what_the_gateway_needs_of_its_own():
    # /health's checks are named after the broker, the store and the domain services.
    assert set(GATEWAY_OWN_DEPENDENCIES) == {"rabbitmq", "mongodb"}
    assert not set(GATEWAY_OWN_DEPENDENCIES) & set(domain_services())


# -- the operations guide -------------------------------------------------------------------------
GUIDE = DEPLOY / "README.md"


def test_the_operations_guide_is_linked_from_the_readme():
    assert "(deploy/README.md)" in (ROOT / "README.md").read_text()


def test_every_python_command_in_the_guide_names_a_module_of_the_platform():
    modules = set(re.findall(r"python -m ([\w.]+)", GUIDE.read_text()))
    assert {"services.common.probe", "services.common.dead_letters", "services.gateway.cli.service_levels"} <= modules
    for module in modules:
        assert (ROOT / Path(*module.split("."))).with_suffix(".py").is_file(), module


def test_every_repository_path_the_guide_names_exists():
    for path in set(re.findall(r"`((?:deploy|services|tests|base|overlays|components)/[\w./-]+?)`", GUIDE.read_text())):
        if "{" not in path and "*" not in path and not path.endswith(".env"):
            assert (ROOT / path).exists() or (DEPLOY / "k8s" / path).exists(), path


def test_the_guide_explains_upgrades_with_the_envelope_versions_consumers_accept():
    from services.common.envelope import ACCEPTED_VERSIONS, ENVELOPE_VERSION

    assert ACCEPTED_VERSIONS == (ENVELOPE_VERSION, ENVELOPE_VERSION + 1)
    assert "ACCEPTED_VERSIONS = (N, N+1)" in GUIDE.read_text()


def test_log_format_picks_one_of_the_formatters_the_logging_config_defines():
    logging_config = yaml.safe_load((ROOT / "deploy" / "config.yaml").read_text())["LOGGING"]
    assert logging_config["handlers"]["console"]["formatter"] == "${LOG_FORMAT:json}"
    assert set(logging_config["formatters"]) == {"json", "plain"}
    assert DEFAULTS["LOG_FORMAT"] in logging_config["formatters"]
    for formatter in logging_config["formatters"].values():
        module, name = formatter["()"].rsplit(".", 1)
        assert issubclass(getattr(importlib.import_module(module), name), logging.Formatter)
