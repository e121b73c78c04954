"""How many commands a process sends to its store, and for which entrypoint (issue 30).

A pymongo ``CommandListener`` counts every command this process starts, as
``qi_store_commands_total{entrypoint,kind}``: ``entrypoint`` is the method of the worker
that sent it (``submit`` for intake), or ``background`` for the managed threads that belong
to no worker (the outbox relay publishing, settling and sweeping; a process's start);
``kind`` is ``write``, ``read`` or ``other`` (indexes, pings, cursors closed).

It is counted in the process that sends, not at the store, so the count names whose
commands they are and what was on a request's path; the benchmark reads the gateway's
``GET /metrics`` before and after a load and divides by the submissions. Counting costs a
few microseconds a command, against the hundreds the round trip takes.
"""

from contextvars import ContextVar
from typing import Any

from prometheus_client import Counter
from pymongo import monitoring

BACKGROUND = "background"
WRITES = frozenset({"insert", "update", "delete", "findAndModify"})
READS = frozenset({"find", "getMore", "aggregate", "count", "distinct"})

STORE_COMMANDS = Counter("qi_store_commands", "Commands sent to the store, by the entrypoint that sent them",
                         ["entrypoint", "kind"])

_entrypoint: ContextVar[str] = ContextVar("qi_store_entrypoint", default=BACKGROUND)
_state = {"registered": False}


def kind_of(command_name: str) -> str:
    if command_name in WRITES:
        return "write"
    if command_name in READS:
        return "read"
    return "other"


def working_for(entrypoint: str | None) -> None:
    """The worker running in this green thread (None: none, its commands are background)."""
    _entrypoint.set(entrypoint or BACKGROUND)


class CountingListener(monitoring.CommandListener):
    def __init__(self) -> None:
        # (entrypoint, command name) -> its counter: ``labels()`` takes a lock and builds
        # its key on every call, a few per cent of a submission's path.
        self._counters: dict[tuple[str, str], Any] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        key = (_entrypoint.get(), event.command_name)
        counter = self._counters.get(key)
        if counter is None:
            counter = self._counters[key] = STORE_COMMANDS.labels(key[0], kind_of(key[1]))
        counter.inc()

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


def count_store_commands() -> None:
    """Count the commands of every MongoClient made after this in the process (once)."""
    if not _state["registered"]:
        _state["registered"] = True
        monitoring.register(CountingListener())
