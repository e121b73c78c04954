"""The health probe containers run, and a multi-broker AMQP_URI, on the real broker.

The probe runs as the orchestrator runs it: a separate process with only the environment.
"""

import os
import subprocess
import sys
import time

import pytest
from nameko import config as nameko_config

from services.common.dead_letters import list_dead_letters
from services.common.devstack import free_port
from services.gateway.adapters.probes import broker_answers
from services.metrology.service import MetrologyService

from .broker import EventWatcher, publish
from .test_metrology_service import dispatch

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def amqp_uri(broker_vhosts):
    # A vhost of its own: a stopped service leaves probe calls in its queue.
    return broker_vhosts("probe")


def run_probe(service, amqp_uri, *options):
    environment = {**os.environ, "AMQP_URI": amqp_uri}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "services.common.probe", service, *options],
                          env=environment, capture_output=True, text=True, timeout=60)
    return done, time.monotonic() - started


def unreachable_broker(amqp_uri):
    """The same vhost on a port where nothing listens."""
    vhost = amqp_uri.rsplit("/", 1)[1]
    return f"amqp://guest:guest@127.0.0.1:{free_port()}/{vhost}"


def test_the_probe_passes_while_the_service_answers_its_health_call(container_factory, service_config, amqp_uri):
    container_factory(MetrologyService).start()
    done, _ = run_probe("metrology", amqp_uri)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "metrology: ok"


def test_the_probe_fails_within_its_timeout_once_the_service_stopped(container_factory, service_config, amqp_uri):
    container = container_factory(MetrologyService)
    container.start()
    container.stop()
    done, took = run_probe("metrology", amqp_uri, "--timeout", "2")
    assert done.returncode == 1
    assert done.stderr.startswith("metrology:")
    assert took < 15


def test_the_probe_fails_at_once_for_a_service_nobody_runs(amqp_uri):
    done, _ = run_probe("testing", amqp_uri, "--timeout", "5")
    assert done.returncode == 1
    assert "testing" in done.stderr


def test_the_probe_fails_when_the_broker_does_not_answer(amqp_uri):
    done, took = run_probe("metrology", unreachable_broker(amqp_uri), "--timeout", "2")
    assert done.returncode == 1
    assert took < 15


def test_a_service_runs_and_answers_on_a_failover_list_whose_first_broker_is_down(
    container_factory, service_config, amqp_uri
):
    # kombu reads "uri1;uri2" as a failover list; a cluster without a load-balanced
    # broker address can list its nodes so (deploy/README.md).
    failover = f"{unreachable_broker(amqp_uri)};{amqp_uri}"
    watcher = EventWatcher(amqp_uri, "metrology")
    try:
        with nameko_config.patch({"AMQP_URI": failover}):
            container_factory(MetrologyService).start()
            publish(amqp_uri, "gateway", dispatch())  # consumed over the failover list
            accepted = watcher.wait_for(lambda event: event["type"] == "job_accepted")
            assert accepted, "the outbox relay publishes over the failover list"
            done, _ = run_probe("metrology", failover)
            assert done.returncode == 0, done.stderr
            assert broker_answers(failover, 5)
            assert list_dead_letters(failover) == []
    finally:
        watcher.close()
