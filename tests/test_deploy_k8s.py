"""deploy/k8s: the overlays as kustomize renders them, checked against the Kubernetes
schemas and the code.

* Rendering: the real kustomize, as built into kubectl (``kubectl kustomize``; a
  standalone ``kustomize`` binary is used if that is what is installed). No Python package
  renders kustomizations, and machines of this project's kind ship kubectl.
* Schemas: kubernetes-validate (pinned in pyproject.toml) carries the Kubernetes JSON
  schemas and works offline; every object is validated strictly (no unknown fields)
  against the oldest and newest Kubernetes versions we claim. KEDA's kinds have no schema
  there; the optional component is checked for what it refers to instead.
* The code: services, ports, settings, secrets, probes and queue names come from
  tests/deployment.py, which reads them from services/.
"""

import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from services.common.config import DEFAULTS

from .deployment import (
    DEPLOY,
    GATEWAY,
    INTERNAL_PATHS,
    OTLP_PORTS,
    ROOT,
    amqp_hosts,
    domain_services,
    env_example_keys,
    event_queues,
    example_path,
    gateway_get_routes,
    gateway_routes,
    is_setting_name,
    mongo_uri_parts,
    route_matches,
    rpc_queue,
    secrets_read_by_service,
    service_packages,
)

K8S = DEPLOY / "k8s"
OVERLAYS = sorted(path.name for path in (K8S / "overlays").iterdir() if (path / "kustomization.yaml").exists())
QUEUE_AUTOSCALING = K8S / "components" / "queue-autoscaling"
SECRETS_EXAMPLE = K8S / "secrets.env.example"
SECRET_NAME = "qi-secrets"
PLATFORM_IMAGE = "qi-platform"
# The Kubernetes versions the manifests must be valid for: a long-supported one and the
# newest that kubernetes-validate knows.
KUBERNETES_VERSIONS = ("1.29.0", kubernetes_validate.latest_version())
KEDA_KINDS = {"ScaledObject", "TriggerAuthentication"}
COMPOSED = re.compile(r"\$\(([A-Za-z0-9_]+)\)")


# -- rendering -------------------------------------------------------------------------------
def kustomize_command():
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    pytest.fail("rendering deploy/k8s needs kubectl (with its built-in kustomize) or kustomize on PATH")


def render(directory):
    built = subprocess.run([*kustomize_command(), str(directory)], capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    return [document for document in yaml.safe_load_all(built.stdout) if document]


@cache
def rendered(overlay):
    return tuple(render(K8S / "overlays" / overlay))


@cache
def rendered_with_queue_autoscaling(tmp_root):
    """Production plus the optional KEDA component, as an operator would add it."""
    overlay = Path(tmp_root) / "production-with-keda"
    overlay.mkdir()
    production = rendered_namespace("production")
    (overlay / "kustomization.yaml").write_text(yaml.safe_dump({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "namespace": production,
        # kustomize accepts only relative paths to other kustomizations
        "resources": [os.path.relpath(K8S / "overlays" / "production", overlay)],
        "components": [os.path.relpath(QUEUE_AUTOSCALING, overlay)],
    }))
    return tuple(render(overlay))


def rendered_namespace(overlay):
    return next(obj["metadata"]["name"] for obj in rendered(overlay) if obj["kind"] == "Namespace")


def objects(overlay, kind):
    return {obj["metadata"]["name"]: obj for obj in rendered(overlay) if obj["kind"] == kind}


def workloads(overlay):
    return [obj for obj in rendered(overlay) if obj["kind"] in ("Deployment", "StatefulSet", "Job")]


def pod_spec(workload):
    return workload["spec"]["template"]["spec"]


def container(workload, name=None):
    containers = pod_spec(workload)["containers"]
    return next(c for c in containers if name in (None, c["name"]))


def env_values(container_spec):
    return {item["name"]: item.get("value") for item in container_spec.get("env", [])}


def secret_refs(container_spec):
    return {item["name"]: item["valueFrom"]["secretKeyRef"] for item in container_spec.get("env", [])
            if "secretKeyRef" in item.get("valueFrom", {})}


def config_map_env(overlay, container_spec):
    config_maps = objects(overlay, "ConfigMap")
    names = {}
    for source in container_spec.get("envFrom", []):
        names.update(config_maps[source["configMapRef"]["name"]]["data"])
    return names


def expanded(value, container_spec, overlay):
    """A value with $(NAME) references resolved as the kubelet does (secrets as stand-ins)."""
    known = {**config_map_env(overlay, container_spec), **env_values(container_spec)}
    known.update({name: f"from-{ref['key'].lower()}" for name, ref in secret_refs(container_spec).items()})
    return COMPOSED.sub(lambda match: known[match.group(1)], value)


def platform_deployment(overlay, service):
    return objects(overlay, "Deployment")[service]


def selects(selector, labels):
    return all(labels.get(key) == value for key, value in selector["matchLabels"].items())


overlays = pytest.mark.parametrize("overlay", OVERLAYS)


# -- the files are what Kubernetes accepts -----------------------------------------------------------
def test_there_is_a_staging_and_a_production_overlay():
    assert {"staging", "production"} <= set(OVERLAYS)


@overlays
@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_object_is_valid_against_the_kubernetes_schema(overlay, version):
    for obj in rendered(overlay):
        kubernetes_validate.validate(obj, version, strict=True)


@overlays
def test_everything_lands_in_the_overlays_own_namespace(overlay):
    namespace = rendered_namespace(overlay)
    assert namespace == f"qi-{overlay}"
    for obj in rendered(overlay):
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == namespace, obj["metadata"]["name"]


@overlays
def test_every_container_has_resource_requests_and_limits(overlay):
    for workload in workloads(overlay):
        spec = pod_spec(workload)
        for container_spec in spec["containers"] + spec.get("initContainers", []):
            resources = container_spec["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]), container_spec["name"]
            assert "memory" in resources["limits"], container_spec["name"]


@overlays
def test_every_secret_reference_is_a_key_of_the_documented_secret_and_every_key_is_used(overlay):
    documented = env_example_keys(SECRETS_EXAMPLE)
    used = set()
    for workload in workloads(overlay):
        spec = pod_spec(workload)
        for container_spec in spec["containers"] + spec.get("initContainers", []):
            for ref in secret_refs(container_spec).values():
                assert ref["name"] == SECRET_NAME
                used.add(ref["key"])
        for volume in spec.get("volumes", []):
            if "secret" in volume:
                assert volume["secret"]["secretName"] == SECRET_NAME
                used.update(item["key"] for item in volume["secret"]["items"])
    assert used == documented, used ^ documented


# -- the platform's services ------------------------------------------------------------------------
@overlays
def test_every_service_package_is_a_deployment_running_its_module_from_the_platform_image(overlay):
    for service in service_packages():
        deployment = platform_deployment(overlay, service)
        main = container(deployment, service)
        assert main["command"] == ["nameko", "run", "--config", "deploy/config.yaml", f"services.{service}.service"]
        assert main["image"].split("/")[-1].split(":")[0] == PLATFORM_IMAGE
        assert pod_spec(deployment)["securityContext"]["runAsNonRoot"] is True
        assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_production_runs_every_service_with_several_replicas():
    for service in domain_services():
        assert platform_deployment("production", service)["spec"]["replicas"] >= 2, service
    # The gateway's count is its autoscaler's alone, so an apply does not reset it.
    assert "replicas" not in platform_deployment("production", GATEWAY)["spec"]
    assert objects("production", "HorizontalPodAutoscaler")[GATEWAY]["spec"]["minReplicas"] >= 2


@overlays
def test_every_service_has_a_disruption_budget_that_keeps_it_running(overlay):
    budgets = objects(overlay, "PodDisruptionBudget").values()
    for service in service_packages():
        labels = platform_deployment(overlay, service)["spec"]["template"]["metadata"]["labels"]
        matching = [budget for budget in budgets if selects(budget["spec"]["selector"], labels)]
        assert len(matching) == 1, service
        assert matching[0]["spec"]["maxUnavailable"] == 1


@overlays
def test_services_get_only_settings_the_code_reads_or_opentelemetry_variables(overlay):
    for service in service_packages():
        main = container(platform_deployment(overlay, service), service)
        names = set(config_map_env(overlay, main)) | set(env_values(main))
        # A name used only to compose another value, e.g. a password inside MONGO_URI.
        helpers = {name for value in env_values(main).values() if value for name in COMPOSED.findall(value)}
        unknown = {name for name in names - helpers if not is_setting_name(name)}
        assert not unknown, f"{service} gets {unknown}, which nothing reads"
        assert all(name in secret_refs(main) for name in helpers)
        settings = {**config_map_env(overlay, main), **env_values(main)}
        assert {"AMQP_URI", "MONGO_URI", "MONGO_DB_PREFIX"} <= set(settings)
        assert settings["QI_ENV"] != "dev"
        assert settings["OTEL_SERVICE_NAME"] == service


@overlays
def test_each_secret_the_code_reads_comes_from_the_secret_where_it_is_read_and_only_there(overlay):
    for secret, readers in secrets_read_by_service().items():
        for service in service_packages():
            refs = secret_refs(container(platform_deployment(overlay, service), service))
            if service in readers:
                assert refs.get(secret) == {"name": SECRET_NAME, "key": secret}, (service, secret)
            else:
                assert secret not in refs, f"{service} gets {secret}, which it does not read"


@overlays
def test_the_gateway_listens_on_its_port_behind_a_service_and_scales_on_cpu(overlay):
    gateway = platform_deployment(overlay, GATEWAY)
    main = container(gateway, GATEWAY)
    settings = env_values(main)
    assert settings["GATEWAY_HOST"] == "0.0.0.0"
    port = next(p for p in main["ports"] if p["name"] == "http")
    assert port["containerPort"] == int(settings["GATEWAY_PORT"]) == int(DEFAULTS["GATEWAY_PORT"])
    service = objects(overlay, "Service")[GATEWAY]
    assert selects({"matchLabels": service["spec"]["selector"]}, gateway["spec"]["template"]["metadata"]["labels"])
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    autoscaler = objects(overlay, "HorizontalPodAutoscaler")[GATEWAY]
    assert autoscaler["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": GATEWAY}
    assert autoscaler["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    for service_name in domain_services():
        ports = container(platform_deployment(overlay, service_name), service_name)["ports"]
        assert [port["name"] for port in ports] == ["metrics"]  # and no Service in front of it
        assert service_name not in objects(overlay, "Service")


@overlays
def test_the_gateway_is_ready_by_its_probe_and_alive_by_a_route_it_serves_without_the_store(overlay):
    main = container(platform_deployment(overlay, GATEWAY), GATEWAY)
    assert main["readinessProbe"]["exec"]["command"][:4] == ["python", "-m", "services.common.probe", GATEWAY]
    liveness = main["livenessProbe"]["httpGet"]
    assert liveness["port"] == "http"
    assert route_matches(liveness["path"], gateway_get_routes())
    assert route_matches("/health", gateway_get_routes())  # what the readiness probe reads


@overlays
def test_every_domain_service_is_probed_by_its_own_health_call(overlay):
    for service in domain_services():
        main = container(platform_deployment(overlay, service), service)
        for probe in ("readinessProbe", "livenessProbe"):
            command = main[probe]["exec"]["command"]
            assert command[:5] == ["python", "-m", "services.common.probe", service, "--timeout"]
            # The probe gives up before the kubelet does, so its verdict is what counts.
            assert float(command[5]) < main[probe]["timeoutSeconds"]


# -- metrics and the Ingress -------------------------------------------------------------------------
@overlays
def test_prometheus_finds_every_pod_of_every_service_where_it_serves_its_metrics(overlay):
    for service in service_packages():
        deployment = platform_deployment(overlay, service)
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        main = container(deployment, service)
        settings = {**config_map_env(overlay, main), **env_values(main)}
        assert annotations["prometheus.io/scrape"] == "true"
        assert annotations["prometheus.io/path"] == "/metrics"
        port = int(annotations["prometheus.io/port"])
        if service == GATEWAY:
            assert route_matches("/metrics", gateway_get_routes())
            assert port == int(settings["GATEWAY_PORT"])
            assert "METRICS_PORT" not in settings
        else:
            assert settings["METRICS_HOST"] == "0.0.0.0"
            assert port == int(settings["METRICS_PORT"]) > 0
        assert port in {declared["containerPort"] for declared in main["ports"]}


@overlays
def test_spans_name_the_overlays_deployment_environment(overlay):
    config = objects(overlay, "ConfigMap")
    settings = next(each["data"] for each in config.values() if "OTEL_RESOURCE_ATTRIBUTES" in each.get("data", {}))
    attributes = dict(pair.split("=", 1) for pair in settings["OTEL_RESOURCE_ATTRIBUTES"].split(","))
    assert attributes == {"deployment.environment.name": overlay}


def readme_ingress():
    blocks = re.findall(r"```yaml\n(.*?)```", (DEPLOY / "README.md").read_text(), flags=re.DOTALL)
    (ingress,) = [yaml.safe_load(block) for block in blocks if "kind: Ingress" in block]
    return ingress


def ingress_serves(ingress, path):
    """Whether an Ingress routes ``path`` (Kubernetes' Exact and element-wise Prefix rules)."""
    for rule in ingress["spec"]["rules"]:
        for entry in rule["http"]["paths"]:
            published, kind = entry["path"], entry["pathType"]
            if kind == "Exact" and path == published:
                return True
            if kind == "Prefix" and (published == "/" or path == published.rstrip("/")
                                     or path.startswith(published.rstrip("/") + "/")):
                return True
    return False


def test_the_ingress_example_publishes_every_page_and_api_but_not_metrics_or_health():
    ingress = readme_ingress()
    kubernetes_validate.validate(ingress, KUBERNETES_VERSIONS[-1], strict=True)
    backends = {(entry["backend"]["service"]["name"], entry["backend"]["service"]["port"]["name"])
                for rule in ingress["spec"]["rules"] for entry in rule["http"]["paths"]}
    assert backends == {(GATEWAY, "http")}
    public = [route for route in gateway_routes() if example_path(route) not in INTERNAL_PATHS]
    assert len(public) > 50
    assert [route for route in public if not ingress_serves(ingress, example_path(route))] == []
    for internal in INTERNAL_PATHS:
        assert route_matches(internal, gateway_routes())
        for asked in (internal, f"{internal}/", f"{internal}/x"):
            assert not ingress_serves(ingress, asked), asked


# -- RabbitMQ: three nodes, quorum queues -----------------------------------------------------------------
@overlays
def test_rabbitmq_is_a_three_node_cluster_formed_through_the_kubernetes_api(overlay):
    rabbitmq = objects(overlay, "StatefulSet")["rabbitmq"]
    assert rabbitmq["spec"]["replicas"] == 3
    assert rabbitmq["spec"]["podManagementPolicy"] == "Parallel"
    config = objects(overlay, "ConfigMap")[pod_spec(rabbitmq)["volumes"][0]["configMap"]["name"]]["data"]
    assert "cluster_formation.peer_discovery_backend = rabbit_peer_discovery_k8s" in config["rabbitmq.conf"]
    plugins = set(re.fullmatch(r"\[(.*)\]\.\n", config["enabled_plugins"]).group(1).split(","))
    assert plugins == {"rabbitmq_management", "rabbitmq_prometheus", "rabbitmq_peer_discovery_k8s"}
    settings = env_values(container(rabbitmq))
    nodes = objects(overlay, "Service")[settings["K8S_SERVICE_NAME"]]
    assert rabbitmq["spec"]["serviceName"] == settings["K8S_SERVICE_NAME"]
    assert nodes["spec"]["clusterIP"] == "None" and nodes["spec"]["publishNotReadyAddresses"] is True
    assert settings["RABBITMQ_NODENAME"] == f"rabbit@$(MY_POD_NAME){settings['K8S_HOSTNAME_SUFFIX']}"
    role = objects(overlay, "Role")["rabbitmq-peer-discovery"]
    assert {"resources": ["endpoints"], "verbs": ["get"], "apiGroups": [""]} in role["rules"]


@overlays
def test_quorum_queues_keep_three_replicas_and_one_node_at_a_time_may_leave(overlay):
    rabbitmq = objects(overlay, "StatefulSet")["rabbitmq"]
    config = objects(overlay, "ConfigMap")[pod_spec(rabbitmq)["volumes"][0]["configMap"]["name"]]["data"]
    assert "quorum_queue.continuous_membership_reconciliation.target_group_size = 3" in config["rabbitmq.conf"]
    assert objects(overlay, "PodDisruptionBudget")["rabbitmq"]["spec"]["maxUnavailable"] == 1
    assert "await_online_quorum_plus_one" in " ".join(container(rabbitmq)["lifecycle"]["preStop"]["exec"]["command"])
    # The code declares its event queues as quorum queues.
    assert '"x-queue-type": "quorum"' in (ROOT / "services" / "common" / "consumer.py").read_text()


@overlays
def test_services_reach_the_broker_through_its_service_as_the_user_it_creates(overlay):
    rabbitmq = objects(overlay, "StatefulSet")["rabbitmq"]
    user = env_values(container(rabbitmq))["RABBITMQ_DEFAULT_USER"]
    password_key = secret_refs(container(rabbitmq))["RABBITMQ_DEFAULT_PASS"]["key"]
    broker = objects(overlay, "Service")["rabbitmq"]
    amqp_port = next(p["port"] for p in broker["spec"]["ports"] if p["name"] == "amqp")
    for service in service_packages():
        main = container(platform_deployment(overlay, service), service)
        uri = expanded(env_values(main)["AMQP_URI"], main, overlay)
        assert amqp_hosts(uri) == [f"rabbitmq:{amqp_port}"]
        assert uri.startswith(f"amqp://{user}:from-{password_key.lower()}@")


# -- MongoDB: a three-member replica set ------------------------------------------------------------------
def mongo_members(overlay):
    mongo = objects(overlay, "StatefulSet")["mongo"]
    service = mongo["spec"]["serviceName"]
    return [f"mongo-{index}.{service}:27017" for index in range(mongo["spec"]["replicas"])]


@overlays
def test_mongodb_is_a_three_member_replica_set_that_the_init_job_initiates(overlay):
    mongo = objects(overlay, "StatefulSet")["mongo"]
    assert mongo["spec"]["replicas"] == 3
    assert container(mongo)["image"].startswith("mongo:7.")
    startup = " ".join(container(mongo)["args"])
    replica_set = re.search(r"--replSet (\w+)", startup).group(1)
    assert "--keyFile" in startup
    nodes = objects(overlay, "Service")[mongo["spec"]["serviceName"]]
    assert nodes["spec"]["clusterIP"] == "None" and nodes["spec"]["publishNotReadyAddresses"] is True
    job = container(objects(overlay, "Job")["mongo-init"])
    settings = env_values(job)
    assert settings["MONGO_REPLICA_SET"] == replica_set
    assert settings["MONGO_MEMBERS"].split(",") == mongo_members(overlay)
    assert job["command"][job["command"].index("--host") + 1] == mongo_members(overlay)[0].split(":")[0]
    script = objects(overlay, "ConfigMap")[pod_spec(objects(overlay, "Job")["mongo-init"])["volumes"][0]["configMap"]["name"]]
    assert script["data"]["init-replica-set.js"] == (K8S / "base" / "mongodb" / "init-replica-set.js").read_text()


@overlays
def test_services_connect_to_every_member_of_the_replica_set_as_the_platforms_user(overlay):
    job = env_values(container(objects(overlay, "Job")["mongo-init"]))
    for service in service_packages():
        main = container(platform_deployment(overlay, service), service)
        uri = expanded(env_values(main)["MONGO_URI"], main, overlay)
        hosts, replica_set, auth_source = mongo_uri_parts(uri)
        assert hosts == mongo_members(overlay)
        assert replica_set == job["MONGO_REPLICA_SET"] and auth_source == "admin"
        assert uri.startswith(f"mongodb://{job['MONGO_APP_USERNAME']}:")


@overlays
def test_the_platforms_database_user_may_use_exactly_the_services_databases(overlay):
    job = env_values(container(objects(overlay, "Job")["mongo-init"]))
    prefix = next(config_map["data"]["MONGO_DB_PREFIX"] for config_map in objects(overlay, "ConfigMap").values()
                  if "MONGO_DB_PREFIX" in config_map.get("data", {}))
    assert set(job["MONGO_APP_DATABASES"].split(",")) == {f"{prefix}{service}" for service in service_packages()}


# -- least access ------------------------------------------------------------------------------------------
def admitted(policy, labels, port):
    """Whether a pod with these labels in the same namespace may connect on this port."""
    for rule in policy["spec"]["ingress"]:
        if port not in {p["port"] for p in rule["ports"]}:
            continue
        for source in rule["from"]:
            if "namespaceSelector" in source and not source["namespaceSelector"]:
                return True
            if "podSelector" in source and selects(source["podSelector"], labels):
                return True
    return False


def pod_labels(overlay, kind, name):
    return objects(overlay, kind)[name]["spec"]["template"]["metadata"]["labels"]


@overlays
def test_the_database_and_the_broker_admit_the_platforms_pods_and_each_other(overlay):
    policies = objects(overlay, "NetworkPolicy")
    mongo, rabbitmq = policies["mongo"], policies["rabbitmq"]
    assert selects(mongo["spec"]["podSelector"], pod_labels(overlay, "StatefulSet", "mongo"))
    assert selects(rabbitmq["spec"]["podSelector"], pod_labels(overlay, "StatefulSet", "rabbitmq"))
    for service in service_packages():
        labels = pod_labels(overlay, "Deployment", service)
        assert admitted(mongo, labels, 27017) and admitted(rabbitmq, labels, 5672), service
    assert admitted(mongo, pod_labels(overlay, "Job", "mongo-init"), 27017)
    assert admitted(mongo, pod_labels(overlay, "StatefulSet", "mongo"), 27017)
    assert admitted(rabbitmq, pod_labels(overlay, "StatefulSet", "rabbitmq"), 25672)


@overlays
def test_pods_of_other_namespaces_reach_neither_the_database_nor_amqp(overlay):
    policies = objects(overlay, "NetworkPolicy")
    for name, port in (("mongo", 27017), ("rabbitmq", 5672)):
        for rule in policies[name]["spec"]["ingress"]:
            if port in {p["port"] for p in rule["ports"]}:
                assert all("namespaceSelector" not in source for source in rule["from"]), name


# -- traces ----------------------------------------------------------------------------------------------
@overlays
def test_services_send_traces_to_the_collector_which_forwards_them_to_jaeger(overlay):
    services = objects(overlay, "Service")
    collector_config = yaml.safe_load(objects(overlay, "ConfigMap")[
        pod_spec(objects(overlay, "Deployment")["otel-collector"])["volumes"][0]["configMap"]["name"]
    ]["data"]["otel-collector.yaml"])
    for service in service_packages():
        main = container(platform_deployment(overlay, service), service)
        settings = {**config_map_env(overlay, main), **env_values(main)}
        host, port = re.fullmatch(r"http://([^:/]+):(\d+)", settings["OTEL_EXPORTER_OTLP_ENDPOINT"]).groups()
        assert int(port) == OTLP_PORTS[settings["OTEL_EXPORTER_OTLP_PROTOCOL"]]
        assert int(port) in {p["port"] for p in services[host]["spec"]["ports"]}
    receivers = collector_config["receivers"]["otlp"]["protocols"]
    assert {int(r["endpoint"].rsplit(":", 1)[1]) for r in receivers.values()} == {4317, 4318}
    exporter = collector_config["exporters"][collector_config["service"]["pipelines"]["traces"]["exporters"][0]]
    jaeger_host, jaeger_port = exporter["endpoint"].split(":")
    assert int(jaeger_port) in {p["port"] for p in services[jaeger_host]["spec"]["ports"]}


# -- optional queue-depth autoscaling (KEDA) ----------------------------------------------------------------
def test_queue_autoscaling_scales_each_domain_service_on_the_queues_that_bring_it_work(tmp_path_factory):
    objects_with_keda = rendered_with_queue_autoscaling(str(tmp_path_factory.mktemp("keda")))
    deployments = {obj["metadata"]["name"] for obj in objects_with_keda if obj["kind"] == "Deployment"}
    scaled = {obj["metadata"]["name"]: obj for obj in objects_with_keda if obj["kind"] == "ScaledObject"}
    authentications = {obj["metadata"]["name"]: obj for obj in objects_with_keda if obj["kind"] == "TriggerAuthentication"}
    secrets = {obj["metadata"]["name"]: obj for obj in objects_with_keda if obj["kind"] == "Secret"}
    assert set(scaled) == set(domain_services())
    for service, scaled_object in scaled.items():
        assert scaled_object["spec"]["scaleTargetRef"]["name"] == service in deployments
        queues = {trigger["metadata"]["queueName"] for trigger in scaled_object["spec"]["triggers"]
                  if trigger["type"] == "rabbitmq"}
        own_queues = event_queues(service) | {rpc_queue(service)}
        assert queues <= own_queues, queues - own_queues
        assert rpc_queue(service) in queues
        assert any("request_dispatched" in queue for queue in queues), service
        for trigger in scaled_object["spec"]["triggers"]:
            if trigger["type"] == "rabbitmq":
                assert trigger["authenticationRef"]["name"] in authentications
                assert trigger["metadata"]["host"].startswith("http://rabbitmq:15672")
    for authentication in authentications.values():
        for ref in authentication["spec"]["secretTargetRef"]:
            assert ref["name"] in secrets or (ref["name"] == SECRET_NAME and ref["key"] in env_example_keys(SECRETS_EXAMPLE))
    # Everything else in that rendering is still valid Kubernetes.
    for obj in objects_with_keda:
        if obj["kind"] not in KEDA_KINDS:
            kubernetes_validate.validate(obj, KUBERNETES_VERSIONS[-1], strict=True)


# -- nothing under deploy/ goes unchecked -------------------------------------------------------------------
def kustomization_sources(directory):
    """Files a kustomization (and those it includes) reads, relative to deploy/k8s."""
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    sources = {directory / "kustomization.yaml"}
    for entry in kustomization.get("resources", []) + kustomization.get("components", []):
        path = (directory / entry).resolve()
        sources |= kustomization_sources(path) if path.is_dir() else {path}
    for generator in kustomization.get("configMapGenerator", []) + kustomization.get("secretGenerator", []):
        for entry in generator.get("files", []) + generator.get("envs", []):
            sources.add((directory / entry.split("=")[-1]).resolve())
    for patch in kustomization.get("patches", []):
        if "path" in patch:
            sources.add((directory / patch["path"]).resolve())
    return sources


def test_every_file_under_deploy_is_read_by_a_check():
    checked = {DEPLOY / "Dockerfile", DEPLOY / "config.yaml", DEPLOY / "README.md",
               DEPLOY / "env" / "compose.env.example", SECRETS_EXAMPLE}
    for overlay in OVERLAYS:
        checked |= kustomization_sources(K8S / "overlays" / overlay)
    checked |= kustomization_sources(QUEUE_AUTOSCALING)
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            if volume.startswith("./"):
                checked.add((ROOT / volume.split(":")[0]).resolve())
    on_disk = {path.resolve() for path in DEPLOY.rglob("*") if path.is_file() and not path.name.endswith(".env")}
    unchecked = sorted(str(path.relative_to(DEPLOY)) for path in on_disk - checked)
    assert not unchecked, f"no test reads {unchecked}"
