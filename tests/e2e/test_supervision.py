"""``make run`` supervises what it started (issue 24 §2): a service or the nx-27017 killed
under it comes back by itself while the others run on, and a service that cannot stay up
stops the launcher with a message and a non-zero exit."""

import os
import re
import signal
import subprocess
import sys
import time
import uuid

import httpx
import pytest

from services.common.devstack import ROOT, DevStack, free_port, wait_for

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def supervised(broker_vhosts, tmp_path_factory):
    reports = []
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("MONGO_URI", raising=False)  # as `make run`: it starts its own nx-27017
        stack = DevStack(tmp_path_factory.mktemp("supervised"), amqp_uri=broker_vhosts("supervised"),
                         gateway_port=free_port(), supervise=True, report=reports.append,
                         extra_env={"MONGO_DB_PREFIX": f"sv{uuid.uuid4().hex[:6]}_", "RPC_TIMEOUT": "2",
                                    "OTEL_TRACES_EXPORTER": "none"})
    try:
        stack.start()
        yield stack, reports
    finally:
        stack.stop()


def pids(stack):
    return {name: process.pid for name, process in stack.processes.items()}


def kill_and_wait_for_its_return(stack, name):
    before = pids(stack)
    os.kill(before[name], signal.SIGKILL)
    assert wait_for(lambda: pids(stack).get(name) not in (None, before[name]), timeout=30), f"{name} did not come back"
    return before


def test_a_domain_service_killed_with_sigkill_comes_back_by_itself_and_answers(supervised):
    stack, reports = supervised
    before = kill_and_wait_for_its_return(stack, "metrology")

    stack.wait_healthy(timeout=60)  # /health is 200 only when metrology answers its RPC
    health = httpx.get(f"{stack.gateway_url}/health", timeout=10).json()
    assert health["checks"]["metrology"] is True
    after = pids(stack)
    assert {name: pid for name, pid in after.items() if name != "metrology"} == \
        {name: pid for name, pid in before.items() if name != "metrology"}, "the others were left running"
    said = "\n".join(reports)
    assert "metrology was killed by SIGKILL" in said
    assert "starting services: metrology" in said  # the end of its log, shown with why it ended
    assert f"starting metrology again (pid {after['metrology']})" in said


def test_the_mongo_wire_server_killed_with_sigkill_comes_back_with_its_data(supervised):
    stack, reports = supervised
    accounts = httpx.post(f"{stack.gateway_url}/api/v1/auth/login", timeout=30,
                          json={"username": "admin", "password": "demo-admin"})
    assert accounts.status_code == 200  # a demo account, stored before the kill

    kill_and_wait_for_its_return(stack, "mongo")

    stack.wait_healthy(timeout=60)
    assert "mongo was killed by SIGKILL" in "\n".join(reports)
    again = httpx.post(f"{stack.gateway_url}/api/v1/auth/login", timeout=30,
                       json={"username": "admin", "password": "demo-admin"})
    assert again.status_code == 200


REASONS = {"gateway": "SECRET_KEY still has its development default",
           **{name: f"{name} refuses to start" for name in ("metrology", "testing", "certification")}}


def test_make_run_stops_everything_with_a_message_when_a_service_cannot_stay_up(broker_vhosts, tmp_path):
    # Outside dev the gateway refuses to start with the development SECRET_KEY: it crashes
    # at every start, as a service with a fatal fault would.
    env = {name: value for name, value in os.environ.items() if name not in ("MONGO_URI", "SECRET_KEY")}
    env.update(AMQP_URI=broker_vhosts("cannot-stay-up"), GATEWAY_PORT=str(free_port()), QI_ENV="production",
               OTEL_TRACES_EXPORTER="none")
    started = time.monotonic()
    launcher = subprocess.Popen([sys.executable, "-m", "services.common.devstack", "--var-dir", str(tmp_path)],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: (tmp_path / "nx-27017.pid").exists(), timeout=30)
        mongo_pid = int((tmp_path / "nx-27017.pid").read_text())
        out, err = launcher.communicate(timeout=180)
    finally:
        if launcher.poll() is None:
            launcher.send_signal(signal.SIGINT)
            launcher.wait(timeout=60)
    took = time.monotonic() - started

    assert launcher.returncode == 1
    # Outside dev the gateway refuses the development SECRET_KEY and the issuing services
    # a missing issuing key: whichever gives up first stops everything, saying why.
    crashed = re.search(r"(\w+) cannot stay up: it crashed 5 times within 60 s; stopping everything", err)
    assert crashed, err[-3000:]
    name = crashed.group(1)
    assert f"{name} exited with code 1" in err
    assert REASONS[name] in err, err[-3000:]  # why, from the end of its log
    assert err.count(f"starting {name} again") == 4
    assert "stopped." in out
    with pytest.raises(ProcessLookupError):
        os.kill(mongo_pid, 0)  # nx-27017 was stopped with the rest
    assert took < 120
