"""Standards as a nameko service on the real broker and a real Mongo-wire server."""

import pytest

from services.standards.bootstrap import seed_entries
from services.standards.service import StandardsService
from services.testing.service import TestingService as LabService  # not a test class

from ..support.events import dispatch_envelope
from ..support.rpc import rpc
from .broker import EventWatcher, publish, wait_until

pytestmark = pytest.mark.integration

CODE = "321322-20261126-00001-6"


@pytest.fixture
def standards(container_factory, service_config):
    container = container_factory(StandardsService)
    container.start()
    return container


@pytest.fixture
def events(amqp_uri):
    watcher = EventWatcher(amqp_uri, "standards")
    yield watcher
    watcher.close()




def test_the_catalogue_is_seeded_when_the_service_starts_and_searched_over_rpc(
    standards, mongo_client, db_prefix, amqp_uri
):
    assert mongo_client[f"{db_prefix}standards"].standards.count_documents({}) == len(
        seed_entries()
    )
    found = rpc(amqp_uri, "standards", "search", "gb/t19001", 3)
    # then the guide whose title names it: GB/T 19002-2018 "质量管理体系 GB/T 19001—2016应用指南"
    assert [s["number"] for s in found["results"]] == [
        "GB/T 19001-2016",
        "GB/T 19001-2008",
        "GB/T 19002-2018",
    ]


def test_a_lookup_is_answered_on_arrival_and_its_followers_are_told_when_the_standard_is_withdrawn(
    standards, events, amqp_uri
):
    publish(
        amqp_uri,
        "gateway",
        dispatch_envelope(CODE, "BZ01", "standards", {"query": "JJF 1059.1-2012"}),
    )
    answered = events.wait_for(lambda e: e["type"] == "lookup_answered")
    assert answered[0]["request_code"] == CODE
    assert answered[0]["data"]["result"]["standards"][0]["number"] == "JJF 1059.1-2012"
    rpc(amqp_uri, "standards", "end_standard", {"number": "JJF 1059.1-2012", "status": "withdrawn"})
    ended = events.wait_for(lambda e: e["type"] == "standard_superseded")
    assert ended[0]["request_code"] is None
    assert [f["request_code"] for f in ended[0]["data"]["followers"]] == [CODE]


def test_testing_flags_its_open_job_when_the_method_standard_is_superseded(
    container_factory, service_config, standards, mongo_client, db_prefix, amqp_uri
):
    lab = container_factory(LabService)
    lab.start()
    watcher = EventWatcher(amqp_uri, "testing")
    try:
        details = {
            "samples": [{"name": "挂面", "specification": "500g", "quantity": 1}],
            "test_items": "铅",
            "method_standard": "GB 5009.12-2023",
            "report_use": "internal",
        }
        publish(amqp_uri, "gateway", dispatch_envelope(CODE, "JC01", "testing", details))
        jobs = mongo_client[f"{db_prefix}testing"].jobs
        assert wait_until(lambda: jobs.find_one({"_id": CODE}))
        rpc(amqp_uri, "standards", "add_standard", {"number": "GB 5009.12-2026", "title_zh": "食品中铅的测定"})
        rpc(
            amqp_uri,
            "standards",
            "end_standard",
            {"number": "GB 5009.12-2023", "status": "superseded", "replaced_by": "GB 5009.12-2026"},
        )
        flagged = watcher.wait_for(lambda e: e["type"] == "standard_flagged")
        assert flagged and flagged[0]["request_code"] == CODE
        assert (
            jobs.find_one({"_id": CODE})["standard_alerts"][0]["replaced_by"] == "GB 5009.12-2026"
        )
    finally:
        watcher.close()
