"""Two instances of each domain service consume the same queues: no job is made twice,
none is skipped (issue 8, replicas)."""

import concurrent.futures
import time

import httpx
import pytest

from ..conftest import new_client_address, through_the_station
from ..support.data import JL02_BODY, RZ02_DETAILS

pytestmark = pytest.mark.e2e

DOMAIN_SERVICES = ("metrology", "standards", "certification", "testing")
BODIES = [
    JL02_BODY,
    {**JL02_BODY, "item": "JC03", "details": {"question": "能否检测水中铅含量？"}},
    {**JL02_BODY, "item": "RZ02", "details": RZ02_DETAILS},
    {**JL02_BODY, "item": "BZ03", "details": {"topic": "selection", "question": "出口欧盟应选哪些标准？"}},
]
COLLECTIONS = {"metrology": "jobs", "testing": "jobs", "certification": "certifications", "standards": "cases"}


@pytest.fixture
def replicas(stack):
    for service in DOMAIN_SERVICES:
        stack.start_service(service, replica=2)
    stack.wait_healthy()
    time.sleep(2)  # the second instances' consumers take their place on the queues
    yield
    for service in DOMAIN_SERVICES:
        stack.stop_service(f"{service}#2")


def test_every_dispatched_request_opens_exactly_one_job_with_two_instances_each(replicas, stack, mongo_client):
    with httpx.Client(base_url=stack.gateway_url, timeout=60, headers={"X-Forwarded-For": new_client_address()}) as api:
        codes = [api.post("/api/v1/requests", json=BODIES[n % len(BODIES)]).json()["code"] for n in range(40)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda code: through_the_station(api, code), codes))

        def progressed(code):
            status = api.get(f"/api/v1/requests/{code}", params={"phone": "13912345678"}).json()["status"]
            return status in ("in_progress", "completed")

        deadline = time.monotonic() + 60
        while not all(progressed(code) for code in codes) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert all(progressed(code) for code in codes)
        time.sleep(1)  # a duplicate, if any, would have landed by now
        for code in codes:
            timeline = api.get(f"/api/v1/requests/{code}", params={"phone": "13912345678"}).json()["timeline"]
            assert [entry["event"] for entry in timeline].count("job_accepted") == 1, code

    for service in DOMAIN_SERVICES:  # both instances really took part
        for instance in (service, f"{service}#2"):
            log = (stack.log_dir / f"{instance}.log").read_text(encoding="utf-8", errors="replace")
            assert "handled request_dispatched" in log, f"{instance} handled no dispatch"

    for service, collection in COLLECTIONS.items():
        database = mongo_client[f"{stack.db_prefix}{service}"]
        mine = [code for n, code in enumerate(codes) if BODIES[n % len(BODIES)]["item"][:2] == {
            "metrology": "JL", "testing": "JC", "certification": "RZ", "standards": "BZ"}[service]]
        stored = database[collection].count_documents({"_id": {"$in": mine}})
        assert stored == len(mine), (service, stored, len(mine))
