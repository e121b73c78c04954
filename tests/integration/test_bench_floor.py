"""The benchmark's floor (bench/floor_service.py) bounds what intake can reach only if it
really does what a submission must: store the request with its event, and publish it."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from nameko import config as nameko_config

from bench import floor_service
from bench.floor_service import FloorService
from services.common.devstack import free_port

from .broker import EventWatcher, wait_until

pytestmark = pytest.mark.integration


@pytest.fixture(params=["one insert each", "grouped"])
def floor(request, container_factory, service_config, amqp_uri, monkeypatch):
    monkeypatch.setattr(floor_service, "GROUP_COMMIT", request.param == "grouped")
    address = f"127.0.0.1:{free_port()}"
    watcher = EventWatcher(amqp_uri, "floor")
    with nameko_config.patch({"WEB_SERVER_ADDRESS": address}):
        container = container_factory(FloorService)
        container.start()
        yield f"http://{address}/api/v1/requests", watcher
    watcher.close()


def test_the_floor_stores_every_request_it_answers_with_its_event_and_publishes_that_event(
    floor, mongo_client, db_prefix
):
    url, watcher = floor
    forms = [{"item": "JC03", "n": n} for n in range(20)]
    with httpx.Client(timeout=10) as http, ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda form: http.post(url, json=form), forms))

    assert [answer.status_code for answer in answers] == [201] * 20
    stored = list(mongo_client[f"{db_prefix}floor"].requests.find())
    assert sorted(document["form"]["n"] for document in stored) == list(range(20))
    assert all(document["outbox"][0]["event_id"] == document["_id"] for document in stored)
    assert wait_until(lambda: len(watcher.drain()) == 20)
    assert {event["event_id"] for event in watcher.seen} == {document["_id"] for document in stored}
