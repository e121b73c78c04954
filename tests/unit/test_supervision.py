"""``make run`` supervises what it started (issue 24 §2): a child that dies is reported and
started again after a back-off; one that cannot stay up stops everything.
tests/e2e/test_supervision.py kills real services under a supervised stack."""

import signal

import pytest

from services.common.devstack import DevStack, RestartPolicy, StackError, Supervisor


def crash_every(policy, seconds, times, start=0.0):
    return [policy.delay_after_crash(start + n * seconds) for n in range(times)]


def test_the_wait_doubles_with_each_crash_and_the_fifth_within_a_minute_gives_up():
    assert crash_every(RestartPolicy(), seconds=3, times=5) == [1, 2, 4, 8, None]


def test_a_process_that_crashes_once_in_a_while_comes_back_at_once_every_time():
    assert crash_every(RestartPolicy(), seconds=61, times=10) == [1] * 10


def test_the_wait_is_capped():
    assert crash_every(RestartPolicy(max_crashes=100), seconds=0.1, times=8)[-3:] == [30, 30, 30]


def test_crashes_older_than_the_window_no_longer_count():
    policy = RestartPolicy()
    crash_every(policy, seconds=5, times=4)  # at 0, 5, 10 and 15 s
    assert policy.delay_after_crash(74) == 2  # only the one at 15 s is within the minute


class FakeProcess:
    pids = iter(range(1000, 2000))

    def __init__(self, returncode=None):
        self.pid, self.returncode = next(self.pids), returncode


class FakeStack:
    """What the supervisor sees of a DevStack: children that died, and starting one again."""

    def __init__(self, log_dir):
        self.log_dir = log_dir
        self.died, self.started = {}, []

    def take_exited(self):
        died, self.died = self.died, {}
        return died

    def respawn(self, name):
        self.started.append(name)
        return FakeProcess()

    def log_path(self, name):
        return self.log_dir / f"{name}.log"


@pytest.fixture
def supervised(tmp_path):
    reports = []
    stack = FakeStack(tmp_path)
    return stack, Supervisor(stack, reports.append, RestartPolicy), reports


def test_a_killed_service_is_reported_with_its_signal_and_log_and_started_again_after_a_second(supervised):
    stack, supervisor, reports = supervised
    stack.log_path("metrology").write_text("starting services: metrology\nsomething went wrong\n")
    stack.died["metrology"] = FakeProcess(returncode=-signal.SIGKILL)

    supervisor.check(now=100.0)
    assert "metrology was killed by SIGKILL" in reports[0]
    assert "something went wrong" in reports[0]
    assert "metrology will start again in 1 s" in reports[1]
    assert stack.started == []

    supervisor.check(now=100.5)
    assert stack.started == []
    supervisor.check(now=101.0)
    assert stack.started == ["metrology"]
    assert supervisor.failure is None


def test_an_exit_code_is_reported_and_only_the_dead_service_is_started_again(supervised):
    stack, supervisor, reports = supervised
    stack.died["testing"] = FakeProcess(returncode=3)
    supervisor.check(now=0.0)
    supervisor.check(now=5.0)
    assert "testing exited with code 3" in reports[0]
    assert "(no log file)" in reports[0]
    assert stack.started == ["testing"]


def test_five_crashes_within_a_minute_give_up_with_a_clear_message_and_start_nothing(supervised):
    stack, supervisor, reports = supervised
    now = 0.0
    for _ in range(5):
        stack.died["gateway"] = FakeProcess(returncode=1)  # dies 2 s after each start
        supervisor.check(now)
        now = min(supervisor.due.values(), default=now)
        supervisor.check(now)
        now += 2
    assert stack.started == ["gateway"] * 4  # after 1, 2, 4 and 8 s: 5 deaths by 23 s
    assert supervisor.failure.startswith("gateway cannot stay up: it crashed 5 times within 60 s")
    assert "gateway exited with code 1" in reports[-1]  # and no "will start again" after it
    supervisor.check(now=100.0)
    assert stack.started == ["gateway"] * 4


def test_a_service_stopped_on_purpose_while_it_waited_to_start_again_stays_stopped(supervised):
    stack, supervisor, _ = supervised
    stack.died["standards"] = FakeProcess(returncode=-signal.SIGKILL)
    supervisor.check(now=0.0)
    supervisor.forget("standards")  # DevStack.stop_service does this
    supervisor.check(now=10.0)
    assert stack.started == []


def test_a_supervised_stack_is_down_only_when_a_service_could_not_stay_up(tmp_path):
    stack = DevStack(tmp_path, supervise=True, report=lambda message: None)
    stack.check()  # nothing has failed
    stack.supervisor.failure = "gateway cannot stay up: it crashed 5 times within 60 s"
    with pytest.raises(StackError, match="gateway cannot stay up"):
        stack.check()
