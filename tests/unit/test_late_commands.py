"""The gateway's side of a command's life (issue 26 §3, §5): each call carries its
expiration, deadline and idempotency key; a domain service whose store does not answer
is a 503 naming that store."""

import time
from types import SimpleNamespace

import pytest
from nameko.exceptions import RemoteError
from nameko.rpc import Client
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from services.common.acting import ACTOR_USERNAME_KEY
from services.common.deadlines import (
    COMMAND_KEY,
    DEADLINE_KEY,
    CallDeadline,
    call_headers,
    seconds_left,
)
from services.gateway.adapters.domain_services import DomainServiceCalls, command_key_of
from services.gateway.adapters.probes import STORE_DOWN
from services.gateway.exceptions import ServiceUnavailable, StoreUnavailable
from services.gateway.web.errors import as_api_error, error_response


class Reply:
    def __init__(self, outcome):
        self.outcome = outcome

    def result(self):
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


def recording_client(outcome=None):
    """nameko's own client, publishing into a list instead of the broker."""
    published = []

    def publish(payload, **options):
        published.append({"payload": payload, **options})

    def register_for_reply(correlation_id):
        return lambda: {"result": outcome, "error": None}

    return Client(publish, register_for_reply, {"call_id_stack": ["gateway.x"]}, "metrology"), published


def test_each_call_expires_with_its_callers_wait_and_carries_its_deadline_and_key():
    client, published = recording_client(outcome={"ok": True})
    calls = DomainServiceCalls({"metrology": client}, timeout=4, command_key=lambda: "request-key")
    before = time.time()
    assert calls.call("metrology", "get_job", "code") == {"ok": True}
    calls.call("metrology", "start_job", "code", {})
    first, second = published
    assert first["expiration"] == 4
    headers = first["extra_headers"]
    assert before + 4 <= headers[f"nameko.{DEADLINE_KEY}"] <= time.time() + 4
    assert headers[f"nameko.{COMMAND_KEY}"] == "request-key:1:metrology.get_job"
    assert second["extra_headers"][f"nameko.{COMMAND_KEY}"] == "request-key:2:metrology.start_job"


def test_the_same_request_sent_again_sends_the_same_command_keys_and_another_request_others():
    def worker(key, username="metrology-1"):
        headers = {"Idempotency-Key": key} if key else {}
        request = Request(EnvironBuilder(method="POST", headers=headers).get_environ())
        return SimpleNamespace(args=(request,), data={ACTOR_USERNAME_KEY: username})

    assert command_key_of(worker("k-1")) == command_key_of(worker("k-1"))
    assert command_key_of(worker("k-1")) != command_key_of(worker("k-2"))
    assert command_key_of(worker("k-1")) != command_key_of(worker("k-1", username="metrology-2"))
    assert command_key_of(worker(None)) is None  # a key of its own, never sent again
    assert DomainServiceCalls({}, 1).command_key != DomainServiceCalls({}, 1).command_key


@pytest.mark.parametrize("failure", ["ServerSelectionTimeoutError", "NetworkTimeout", "AutoReconnect",
                                     "ExecutionTimeout"])
def test_a_domain_service_whose_store_does_not_answer_is_a_503_naming_that_store(failure):
    class Failing:
        def __getattr__(self, method):
            return SimpleNamespace(call_async=lambda *args: Reply(RemoteError(failure, "no store")))

    with pytest.raises(StoreUnavailable) as refused:
        DomainServiceCalls({"metrology": Failing()}, timeout=2).call("metrology", "list_reference_standards")
    error = as_api_error(refused.value)
    assert (error.status, error.code) == (503, "store_unavailable")
    english = error_response(error, "en").get_json()["message"]
    assert english == "The database of the metrology service is not answering; please try again shortly."


def test_the_gateways_own_store_not_answering_is_the_platforms_database_not_the_gateway():
    error = as_api_error(STORE_DOWN[0]("no store"))
    assert (error.status, error.code) == (503, "store_unavailable")
    assert "gateway" not in error_response(error, "en").get_json()["message"]
    assert "平台数据库" in error_response(error, "zh-CN").get_json()["message"]


def test_a_service_that_does_not_answer_stays_a_503_naming_the_service():
    error = as_api_error(ServiceUnavailable("testing"))
    assert error.code == "service_unavailable" and error.params == {"service": "testing"}


# -- the domain service's side ----------------------------------------------------------------------
def test_seconds_left_reads_only_a_deadline_this_platform_wrote():
    assert seconds_left(call_headers(5, "k", now=100.0), now=101.0) == 4.0
    assert seconds_left(call_headers(5, "k", now=100.0), now=106.0) == -1.0
    assert seconds_left({}) is None
    assert seconds_left({DEADLINE_KEY: "soon"}) is None


def test_a_worker_runs_its_store_operations_within_its_callers_deadline():
    from pymongo import _csot

    from services.common import applied_commands

    class Worker:  # nameko's worker context, as far as the dependency reads it
        data = {DEADLINE_KEY: time.time() + 3, COMMAND_KEY: "k-1"}

    dependency, worker = CallDeadline(), Worker()
    dependency.worker_setup(worker)
    try:
        assert 1.9 < _csot.remaining() <= 2.1  # 3 s left, less what the answer needs to travel back
        with pytest.raises(applied_commands.CommandAlreadyApplied):
            applied_commands.refuse_if_applied("doc", ["k-1"])
    finally:
        dependency.worker_teardown(worker)
    assert _csot.remaining() is None
    applied_commands.refuse_if_applied("doc", ["k-1"])  # no command in force any more
