"""Outside dev mode a service with a development secret refuses to start (issue 8):
it is a real ``nameko run`` process, as an orchestrator starts it, that exits non-zero
with a message naming the secret, before it serves anything."""

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from services.common.devstack import CONFIG, ROOT, free_port, wait_for

pytestmark = pytest.mark.integration

NAMEKO = str(Path(sys.executable).with_name("nameko"))


def gateway_process(amqp_uri, mongo_uri, port, **settings):
    environment = {name: value for name, value in os.environ.items() if name != "SECRET_KEY"}
    environment.update({"AMQP_URI": amqp_uri, "MONGO_URI": mongo_uri, "GATEWAY_PORT": str(port),
                        "MONGO_DB_PREFIX": "secrets_", "LOG_FORMAT": "plain", **settings})
    return subprocess.Popen([NAMEKO, "run", "--config", str(CONFIG), "services.gateway.service"], cwd=ROOT,
                            env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture(scope="module")
def amqp_uri(broker_vhosts):
    return broker_vhosts("secrets")


def test_the_gateway_refuses_to_start_in_production_with_the_development_secret_key(amqp_uri, mongo_uri):
    port = free_port()
    process = gateway_process(amqp_uri, mongo_uri, port, QI_ENV="production")
    try:
        output, _ = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode != 0
    assert "gateway refuses to start: SECRET_KEY still has its development default while QI_ENV=production" in output
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)


@pytest.mark.parametrize(("value", "why"), [
    ("change-me", "SECRET_KEY is an example value shown in the repository"),  # deploy/k8s/secrets.env.example
    ("0123456789abcdef0123456789abcde", "SECRET_KEY is shorter than 32 bytes"),
])
def test_the_gateway_refuses_to_start_in_production_with_an_example_or_short_secret_key(amqp_uri, mongo_uri, value,
                                                                                       why):
    port = free_port()
    process = gateway_process(amqp_uri, mongo_uri, port, QI_ENV="production", SECRET_KEY=value)
    try:
        output, _ = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode != 0
    assert f"gateway refuses to start: {why} while QI_ENV=production" in output


def test_the_same_gateway_starts_in_production_with_a_secret_key_of_its_own(amqp_uri, mongo_uri):
    port = free_port()
    process = gateway_process(amqp_uri, mongo_uri, port, QI_ENV="production",
                              SECRET_KEY=os.urandom(32).hex())
    try:
        def answers():
            try:
                return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code in (200, 503)
            except httpx.HTTPError:
                return process.poll() is not None

        assert wait_for(answers, timeout=60) and process.poll() is None, process.stdout.read()
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
