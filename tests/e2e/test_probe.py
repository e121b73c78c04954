"""The probe the cluster runs against the five services started as processes."""

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e


def probe(service, stack, *options):
    environment = {**os.environ, "AMQP_URI": stack.amqp_uri}
    return subprocess.run([sys.executable, "-m", "services.common.probe", service, *options],
                          env=environment, capture_output=True, text=True, timeout=60)


def test_every_service_passes_its_probe(stack):
    assert probe("gateway", stack, "--url", f"{stack.gateway_url}/health", "--timeout", "10").returncode == 0
    for service in ("metrology", "standards", "certification", "testing"):
        done = probe(service, stack)
        assert done.returncode == 0, done.stderr


def test_the_gateway_stays_ready_while_a_domain_service_is_down_but_that_service_fails(api, stack):
    stack.stop_service("testing")
    try:
        assert api.get("/health").status_code == 503
        gateway = probe("gateway", stack, "--url", f"{stack.gateway_url}/health", "--timeout", "10")
        assert gateway.returncode == 0, gateway.stderr
        assert probe("testing", stack, "--timeout", "2").returncode == 1
    finally:
        stack.start_service("testing")
        stack.wait_healthy()
