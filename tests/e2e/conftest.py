"""The five services as real processes (``nameko run``), driven over HTTP with httpx."""

import uuid

import httpx
import pytest

from services.common.devstack import DevStack, free_port

OPERATOR_KEY = "e2e-operator-key"


@pytest.fixture(scope="session")
def stack(broker_vhosts, mongo_uri, tmp_path_factory):
    prefix = f"e2e{uuid.uuid4().hex[:6]}_"
    dev = DevStack(
        tmp_path_factory.mktemp("stack"),
        amqp_uri=broker_vhosts("e2e"),
        mongo_uri=mongo_uri,
        gateway_port=free_port(),
        extra_env={"MONGO_DB_PREFIX": prefix, "RPC_TIMEOUT": "2", "OPERATOR_API_KEY": OPERATOR_KEY,
                   # recall checks every second, so a due reminder shows up while a test waits
                   "RECALL_CHECK_SECONDS": "1"},
    )
    dev.db_prefix = prefix
    try:
        dev.start()
        yield dev
    finally:
        dev.stop()


@pytest.fixture
def api(stack):
    with httpx.Client(base_url=stack.gateway_url, timeout=10) as client:
        yield client


@pytest.fixture
def gateway_db(stack, mongo_client):
    return mongo_client[f"{stack.db_prefix}gateway"]
