"""/health is 200 only when the broker, the store and all four domain services answer."""

import time

import pytest

from ..conftest import through_the_station
from ..support.data import jl02_body

pytestmark = pytest.mark.e2e


def test_a_stopped_domain_service_makes_health_503_naming_it(api, stack):
    stack.stop_service("testing")
    try:
        health = api.get("/health")
        assert health.status_code == 503
        assert health.json()["status"] == "unavailable"
        assert health.json()["down"] == ["testing"]
    finally:
        stack.start_service("testing")
        stack.wait_healthy()
    assert api.get("/health").status_code == 200


def test_requests_submitted_while_a_domain_service_is_down_reach_it_when_it_returns(api, stack):
    stack.stop_service("testing")
    try:
        code = api.post("/api/v1/requests", json=jl02_body(item="JC03", details={"question": "铅含量？"})).json()["code"]
        through_the_station(api, code)
        time.sleep(1.0)
        tracked = api.get(f"/api/v1/requests/{code}", params={"phone": "13912345678"}).json()
        assert tracked["status"] == "dispatched"  # waiting in testing's queue
    finally:
        stack.start_service("testing")
        stack.wait_healthy()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        tracked = api.get(f"/api/v1/requests/{code}", params={"phone": "13912345678"}).json()
        if tracked["status"] == "in_progress":
            break
        time.sleep(0.1)
    assert tracked["status"] == "in_progress"
