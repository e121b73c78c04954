"""A domain service seen by its operator: Prometheus metrics on a port of its own, and
log lines that tell a refusal (one INFO line) from a fault (ERROR with its traceback).

Metrology runs in-process on the real broker and a real Mongo-wire server."""

import logging
import socket

import eventlet
import httpx
import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcClient
from prometheus_client.parser import text_string_to_metric_families

from services.common.devstack import free_port
from services.common.metrics_endpoint import MetricsPortTaken
from services.metrology import handlers
from services.metrology.service import MetrologyService

from .broker import EventWatcher, publish, wait_until
from .test_metrology_service import CODE, dispatch

pytestmark = pytest.mark.integration

UNKNOWN_CERTIFICATE = "SQJL-2026-999999"


@pytest.fixture
def metrics_port():
    return free_port()


@pytest.fixture
def metrology(container_factory, service_config, metrics_port):
    container = container_factory(MetrologyService, {**service_config, "METRICS_PORT": str(metrics_port)})
    container.start()
    return container


def call(amqp_uri, method, *args):
    with ClusterRpcClient(uri=amqp_uri) as cluster:
        reply = getattr(cluster.metrology, method).call_async(*args)
        with eventlet.Timeout(10):
            return reply.result()


def scrape(port, path="/metrics"):
    return httpx.get(f"http://127.0.0.1:{port}{path}", timeout=10)


def samples(port):
    response = scrape(port)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.text) for sample in family.samples}


def value(scraped, name, **labels):
    return scraped.get((name, tuple(sorted(labels.items()))), 0)


# -- metrics -------------------------------------------------------------------------------------
def test_the_service_serves_its_metrics_on_its_port_and_they_move_with_its_work(metrology, metrics_port, amqp_uri):
    before = samples(metrics_port)
    watcher = EventWatcher(amqp_uri, "metrology")
    try:
        publish(amqp_uri, "gateway", dispatch())
        assert watcher.wait_for(lambda envelope: envelope["type"] == "job_accepted")
    finally:
        watcher.close()
    consumed = {"consumer": "on_request_dispatched", "type": "request_dispatched", "outcome": "handled"}
    assert wait_until(lambda: value(samples(metrics_port), "qi_events_consumed_total", **consumed)
                      > value(before, "qi_events_consumed_total", **consumed))
    assert call(amqp_uri, "get_job", CODE)["status"] == "received"
    with pytest.raises(RemoteError):
        call(amqp_uri, "verify", UNKNOWN_CERTIFICATE)

    after = samples(metrics_port)
    assert value(after, "qi_rpc_calls_total", method="get_job", outcome="answered") == \
        value(before, "qi_rpc_calls_total", method="get_job", outcome="answered") + 1
    assert value(after, "qi_rpc_calls_total", method="verify", outcome="refused") == \
        value(before, "qi_rpc_calls_total", method="verify", outcome="refused") + 1
    assert value(after, "qi_worker_seconds_count", entrypoint="on_request_dispatched", kind="event") > \
        value(before, "qi_worker_seconds_count", entrypoint="on_request_dispatched", kind="event")
    assert value(after, "qi_worker_seconds_count", entrypoint="get_job", kind="rpc") > 0
    # read from the store and the broker at each scrape
    assert ("qi_outbox_pending_events", ()) in after and ("qi_outbox_oldest_pending_seconds", ()) in after
    assert ("qi_dead_letters", ()) in after


def test_only_the_metrics_path_is_served(metrology, metrics_port):
    assert scrape(metrics_port, "/").status_code == 404
    assert scrape(metrics_port, "/health").status_code == 404


def test_a_port_another_process_holds_stops_the_service_at_start_saying_so(container_factory, service_config):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        container = container_factory(MetrologyService, {**service_config, "METRICS_PORT": str(port)})
        with pytest.raises(MetricsPortTaken, match=f"METRICS_PORT {port}.*a port of its own"):
            container.start()


def test_port_0_serves_no_metrics(container_factory, service_config):
    container = container_factory(MetrologyService, {**service_config, "METRICS_PORT": "0"})
    container.start()
    endpoint = next(each for each in container.dependencies if each.attr_name == "metrics")
    assert endpoint.socket is None and endpoint.server is None


# -- log lines ------------------------------------------------------------------------------------
def container_lines(caplog):
    return [record for record in caplog.records if record.name == "nameko.containers" and record.levelno >= logging.INFO]


def test_a_refusal_is_one_info_line_without_a_traceback(metrology, amqp_uri, caplog):
    caplog.set_level(logging.INFO)
    with pytest.raises(RemoteError) as refused:
        call(amqp_uri, "verify", UNKNOWN_CERTIFICATE)
    assert refused.value.exc_type == "CertificateNotFound"
    with pytest.raises(RemoteError):
        call(amqp_uri, "get_job", "321322-20261126-09999-1")

    lines = container_lines(caplog)
    assert [(record.levelname, record.getMessage().split(":")[0]) for record in lines] == [
        ("INFO", "metrology.verify refused"), ("INFO", "metrology.get_job refused")]
    assert all(record.exc_info is None and "\n" not in record.getMessage() for record in lines)
    assert "CertificateNotFound" in lines[0].getMessage()
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


def test_a_fault_is_still_an_error_with_its_traceback(metrology, amqp_uri, caplog, monkeypatch):
    def broken(*args):
        raise RuntimeError("the store returned nonsense")

    monkeypatch.setattr(handlers, "verify_certificate", broken)
    caplog.set_level(logging.INFO)
    with pytest.raises(RemoteError) as failed:
        call(amqp_uri, "verify", UNKNOWN_CERTIFICATE)
    assert failed.value.exc_type == "RuntimeError"

    (line,) = container_lines(caplog)
    assert line.levelname == "ERROR" and "error handling worker" in line.getMessage()
    assert line.exc_info[0] is RuntimeError
