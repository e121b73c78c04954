"""Intake cannot be flooded or doubled (issue 26 §2), on fakes: a token bucket per
client, and a key per submission kept with the write it guards."""

import json
from datetime import timedelta

import pytest

from services.gateway.adapters.repository import RequestGroupRepository, RequestRepository
from services.gateway.bootstrap import reference_data
from services.gateway.domain.access import ENTERPRISE, Principal
from services.gateway.domain.idempotency import (
    BadIdempotencyKey,
    IdempotencyKeyExpired,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    answer_is_kept,
    request_key,
)
from services.gateway.domain.throttle import TooManyRequests
from services.gateway.domain.token_bucket import TokenBuckets
from services.gateway.handlers import intake
from services.gateway.handlers.intake_limits import IntakeLimits
from services.gateway.handlers.replays import answer_once
from services.gateway.web.schemas.intake import load_submission
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import JL02_BODY, NOW, jl02_body

CATALOGUE, STATIONS = reference_data()


# -- the rate -------------------------------------------------------------------------------------
def test_a_bucket_lets_a_burst_through_then_one_per_refill():
    buckets = TokenBuckets(rate_per_minute=6)  # one every 10 s, six at once
    assert [buckets.take("a", 0.0) for _ in range(6)] == [0.0] * 6
    assert buckets.take("a", 0.0) == pytest.approx(10.0)
    assert buckets.take("a", 5.0) == pytest.approx(5.0)
    assert buckets.take("a", 10.0) == 0.0
    assert buckets.take("b", 10.0) == 0.0  # another client has its own


def test_buckets_stay_bounded_whatever_the_keys():
    buckets = TokenBuckets(rate_per_minute=60, max_keys=100)
    for number in range(10_000):
        buckets.take(f"client-{number}", number * 0.001)
    assert len(buckets.buckets) <= 100


def test_anonymous_clients_are_limited_by_address_and_signed_in_ones_by_account():
    now = [0.0]
    limits = IntakeLimits(anonymous_per_minute=2, signed_in_per_minute=5, clock=lambda: now[0])
    limits.admit("203.0.113.1", None)
    limits.admit("203.0.113.1", None)
    with pytest.raises(TooManyRequests) as refused:
        limits.admit("203.0.113.1", None)
    assert refused.value.code == "too_many_submissions" and refused.value.retry_after == 30
    enterprise = Principal(username="91321322MA1ABC123P", role=ENTERPRISE, name="测试", uscc="91321322MA1ABC123P")
    for _ in range(5):  # the same address, signed in: the account's own, larger bucket
        limits.admit("203.0.113.1", enterprise)
    with pytest.raises(TooManyRequests):
        limits.admit("203.0.113.2", enterprise)
    now[0] = 30.0
    limits.admit("203.0.113.1", None)


# -- keys -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("given", ["", " ", "k" * 256, "键", "a b", "tab\there"])
def test_a_header_that_is_no_key_is_refused(given):
    with pytest.raises(BadIdempotencyKey):
        request_key(given, "", b"{}")


def test_keys_of_different_senders_never_meet():
    assert request_key("k-1", "alice", b"{}").key != request_key("k-1", "bob", b"{}").key
    assert request_key("k-1", "alice", b"{}") == request_key("k-1", "alice", b"{}")


def test_a_key_replays_the_same_body_within_a_day_and_refuses_the_rest():
    key = request_key("k-1", "", b'{"a": 1}')
    record = key.as_record()
    assert key.replays(record, NOW, NOW + timedelta(hours=23))
    with pytest.raises(IdempotencyKeyExpired):
        key.replays(record, NOW, NOW + timedelta(hours=25))
    with pytest.raises(IdempotencyKeyReused):
        request_key("k-1", "", b'{"a": 2}').replays(record, NOW, NOW)
    assert not request_key("k-2", "", b'{"a": 1}').replays(record, NOW, NOW)


# -- a submission sent again ----------------------------------------------------------------------
@pytest.fixture
def requests():
    return RequestRepository(store_with_unique_keys())


@pytest.fixture
def groups():
    return RequestGroupRepository(store_with_unique_keys())


def store_with_unique_keys():
    store = InMemoryDocumentStore()
    store.ensure_unique("submission_key.key")
    return store


def submit(requests, groups, body, key=None, now=NOW):
    raw = json.dumps(body).encode()
    return intake.submit(requests, groups, load_submission(body, CATALOGUE, STATIONS), CATALOGUE, now,
                         key=request_key(key, "", raw) if key else None)


def test_the_same_submission_with_its_key_is_stored_once(requests, groups):
    first, _ = submit(requests, groups, JL02_BODY, key="k-1")
    again, _ = submit(requests, groups, JL02_BODY, key="k-1", now=NOW + timedelta(minutes=5))
    assert again.code == first.code
    assert len(requests._find()) == 1
    other, _ = submit(requests, groups, JL02_BODY, key="k-2")
    assert other.code != first.code


def test_another_body_with_the_key_is_refused_and_stores_nothing(requests, groups):
    submit(requests, groups, JL02_BODY, key="k-1")
    with pytest.raises(IdempotencyKeyReused):
        submit(requests, groups, jl02_body(contact={"name": "李四", "phone": "13912345678"}), key="k-1")
    several = {**{k: v for k, v in JL02_BODY.items() if k not in ("item", "details")}, "items": ["JL02", "BZ01"],
               "details": {"JL02": JL02_BODY["details"], "BZ01": {"query": "GB/T 19001-2016"}}}
    with pytest.raises(IdempotencyKeyReused):  # nor as a multi-item submission
        submit(requests, groups, several, key="k-1")
    assert len(requests._find()) == 1 and groups._find() == []


def test_a_key_used_more_than_a_day_ago_is_refused(requests, groups):
    submit(requests, groups, JL02_BODY, key="k-1")
    with pytest.raises(IdempotencyKeyExpired):
        submit(requests, groups, JL02_BODY, key="k-1", now=NOW + timedelta(hours=25))


def test_a_multi_item_submission_sent_again_is_the_same_group_with_the_same_children(requests, groups):
    several = {**{k: v for k, v in JL02_BODY.items() if k not in ("item", "details")}, "items": ["JL02", "BZ01"],
               "details": {"JL02": JL02_BODY["details"], "BZ01": {"query": "GB/T 19001-2016"}}}
    group, children = submit(requests, groups, several, key="g-1")
    again, again_children = submit(requests, groups, several, key="g-1")
    assert again.code == group.code
    assert [child.code for child in again_children] == [child.code for child in children]
    assert len(groups._find()) == 1 and len(requests._find()) == 2


def test_of_two_sent_at_once_the_one_that_lost_the_insert_answers_the_winner(requests, groups):
    key = request_key("k-1", "", json.dumps(JL02_BODY).encode())
    submission = load_submission(JL02_BODY, CATALOGUE, STATIONS)
    winner = intake.submit_request(requests, submission.items[0], submission.enterprise, submission.contact,
                                   submission.details["JL02"], NOW, submission_key=key.as_record())
    # the loser read no key before the winner's insert landed: its own insert meets the index
    lost = intake.submit_request(requests, submission.items[0], submission.enterprise, submission.contact,
                                 submission.details["JL02"], NOW, submission_key=key.as_record())
    assert lost.code == winner.code and len(requests._find()) == 1


# -- any other POST sent again ----------------------------------------------------------------------
class FakeReplays:
    def __init__(self):
        self.held = {}

    def claim(self, key, now):
        if key.key in self.held:
            return self.held[key.key]
        self.held[key.key] = {"key": key.key, "fingerprint": key.fingerprint, "first_at": now.isoformat(),
                              "answer": None}
        return None

    def keep(self, key, answer):
        self.held[key.key]["answer"] = answer

    def give_back(self, key):
        if self.held.get(key.key, {}).get("answer") is None:
            self.held.pop(key.key, None)


def test_a_command_sent_again_gets_the_first_answer_without_running():
    replays, runs = FakeReplays(), []

    def run():
        runs.append(1)
        return {"status": 200, "body": '{"checks": 1}', "content_type": "application/json"}

    key = request_key("k-1", "metrology-1", b"POST /checks\n{}")
    assert answer_once(replays, key, NOW, run) == (run(), False)
    runs.clear()
    assert answer_once(replays, key, NOW, run)[1] is True and runs == []
    with pytest.raises(IdempotencyKeyReused):
        answer_once(replays, request_key("k-1", "metrology-1", b"POST /checks\n{\"x\": 1}"), NOW, run)


def test_while_the_first_runs_the_second_is_told_to_wait_and_a_failure_is_not_kept():
    replays = FakeReplays()
    key = request_key("k-1", "", b"POST /x\n")

    def second_arrives():
        with pytest.raises(IdempotencyKeyInUse):
            answer_once(replays, key, NOW, lambda: {"status": 200, "body": "", "content_type": "text/plain"})
        return {"status": 503, "body": "{}", "content_type": "application/json"}

    assert answer_once(replays, key, NOW, second_arrives)[0]["status"] == 503
    assert replays.held == {}  # a 503 may well succeed when sent again: it is run again


@pytest.mark.parametrize(("status", "kept"), [(200, True), (201, True), (404, True), (409, True), (422, True),
                                              (401, False), (403, False), (429, False), (500, False), (503, False)])
def test_which_answers_are_kept(status, kept):
    assert answer_is_kept(status) is kept


def test_every_post_of_the_api_takes_an_idempotency_key_but_the_sign_in():
    from services.gateway.service import GatewayService
    from services.gateway.web.openapi import build_spec

    spec = build_spec(GatewayService, CATALOGUE)
    posts = {path: operations["post"] for path, operations in spec["paths"].items() if "post" in operations}
    without = sorted(path for path, post in posts.items()
                     if "Idempotency-Key" not in {parameter["name"] for parameter in post["parameters"]})
    assert without == ["/api/v1/auth/login", "/api/v1/auth/refresh"]
    assert len(posts) > 20
