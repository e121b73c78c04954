"""The gateway outlives its reply queue (issue 24 §2).

nameko's reply listener, finding its reply queue gone with calls waiting, kills the whole
service container. Here the queue is deleted under a running gateway while calls to a
frozen domain service wait: those calls must answer 503 at once (not after RPC_TIMEOUT),
the gateway must keep running, and the next calls must be answered normally.
"""

import os
import signal
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import httpx
import pytest
from kombu import Connection

from services.common.devstack import DevStack, free_port, wait_for

pytestmark = pytest.mark.e2e

RPC_TIMEOUT = 60  # long, so that an answer in a few seconds cannot be the time limit's
WAITING_CALLS = 3


@pytest.fixture(scope="module")
def patient_stack(broker_vhosts, mongo_uri, tmp_path_factory):
    stack = DevStack(
        tmp_path_factory.mktemp("reply-queue"),
        amqp_uri=broker_vhosts("reply-queue"),
        mongo_uri=mongo_uri,
        gateway_port=free_port(),
        extra_env={"MONGO_DB_PREFIX": f"rq{uuid.uuid4().hex[:6]}_", "RPC_TIMEOUT": str(RPC_TIMEOUT),
                   "OTEL_TRACES_EXPORTER": "none"},
    )
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


def queues(amqp_uri):
    """{name: messages (ready and unacknowledged)} of the vhost, as the broker sees them."""
    vhost = urlparse(amqp_uri).path.lstrip("/") or "/"
    listed = subprocess.run(["rabbitmqctl", "list_queues", "-p", vhost, "-q", "--no-table-headers",
                             "name", "messages"], check=True, capture_output=True, text=True, timeout=60)
    return {name: int(count) for name, count in (line.split() for line in listed.stdout.splitlines() if line.strip())}


def gateway_reply_queue(amqp_uri):
    (name,) = [name for name in queues(amqp_uri) if name.startswith("rpc.reply-gateway-")]
    return name


def test_calls_waiting_when_the_reply_queue_goes_away_answer_503_and_the_gateway_carries_on(patient_stack):
    stack = patient_stack
    reply_queue = gateway_reply_queue(stack.amqp_uri)
    search = f"{stack.gateway_url}/api/v1/standards"
    assert httpx.get(search, params={"q": "GB"}, timeout=30).status_code == 200

    standards = stack.processes["standards"]
    os.kill(standards.pid, signal.SIGSTOP)  # its requests are delivered, never answered
    try:
        with ThreadPoolExecutor(WAITING_CALLS) as pool:
            waiting = [pool.submit(timed_get, search, {"q": f"GB {n}"}) for n in range(WAITING_CALLS)]
            assert wait_for(lambda: queues(stack.amqp_uri).get("rpc-standards", 0) >= WAITING_CALLS, timeout=30)

            with Connection(stack.amqp_uri) as connection:
                connection.default_channel.queue_delete(reply_queue)
            deleted_at = time.monotonic()
            answers = [call.result(timeout=RPC_TIMEOUT) for call in waiting]
    finally:
        os.kill(standards.pid, signal.SIGCONT)

    assert [answer.status_code for answer, _ in answers] == [503] * WAITING_CALLS
    assert {answer.json()["error"] for answer, _ in answers} == {"service_unavailable"}
    assert max(finished for _, finished in answers) - deleted_at < 10, "503 came from the time limit, not at once"
    assert stack.processes["gateway"].poll() is None, "the gateway exited"

    assert httpx.get(search, params={"q": "GB"}, timeout=30).status_code == 200
    stack.wait_healthy(timeout=30)
    assert gateway_reply_queue(stack.amqp_uri) == reply_queue  # declared again, same name
    assert stack.processes["gateway"].poll() is None


def timed_get(url, params):
    answer = httpx.get(url, params=params, timeout=RPC_TIMEOUT + 30)
    return answer, time.monotonic()
