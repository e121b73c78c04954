"""``make run`` starts cleanly every time (issue 24 §2).

4 of about 22 starts once never became healthy: the gateway died at start-up with nameko's
"Lost replies for correlation ids" while the first /health's calls waited. Here the whole
stack is started and stopped 30 times in a row as ``make run`` does it (its own nx-27017,
the same var directory each time, so the data survives; supervised; demo accounts seeded;
/health awaited), and every start must be healthy.
"""

import os
import time

import httpx
import pytest

from services.common.devstack import DevStack, StackError, free_port

from ..support.data import JL02_BODY

pytestmark = pytest.mark.e2e

STARTS = int(os.environ.get("QI_STARTS", "30"))


def test_the_stack_starts_healthy_every_time(broker_vhosts, tmp_path, monkeypatch):
    monkeypatch.delenv("MONGO_URI", raising=False)  # as `make run`: its own nx-27017 under var/
    amqp_uri, var_dir = broker_vhosts("starts"), tmp_path / "var"
    code, timings = None, []
    for start in range(1, STARTS + 1):
        stack = DevStack(var_dir, amqp_uri=amqp_uri, gateway_port=free_port(), supervise=True,
                         report=lambda message: None, extra_env={"OTEL_TRACES_EXPORTER": "none"})
        began = time.monotonic()
        try:
            stack.start()
            healthy = time.monotonic()
            if code is None:  # something to find again after the last start
                code = httpx.post(f"{stack.gateway_url}/api/v1/requests", json=JL02_BODY, timeout=30).json()["code"]
            if start == STARTS:
                tracked = httpx.get(f"{stack.gateway_url}/api/v1/requests/{code}", timeout=30,
                                    params={"phone": JL02_BODY["contact"]["phone"]})
                assert tracked.status_code == 200, "the data did not survive the restarts"
        except StackError as exc:
            pytest.fail(f"start {start} of {STARTS} was not healthy after {len(timings)} good ones: {exc}\n"
                        f"{gateway_log_end(stack)}")
        finally:
            stack.stop()
        timings.append((healthy - began, time.monotonic() - healthy))
    to_health = sorted(took for took, _ in timings)
    print(f"\n{STARTS} starts, all healthy: to /health {to_health[0]:.1f}-{to_health[-1]:.1f} s "
          f"(median {to_health[len(to_health) // 2]:.1f} s); stop {sum(s for _, s in timings) / STARTS:.1f} s on average")


def gateway_log_end(stack, lines=40):
    try:
        return "\n".join(stack.log_path("gateway").read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no gateway log)"
