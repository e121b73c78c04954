"""The count of store commands per entrypoint (issue 30): the benchmark's budget of
commands per submission, on the request's path and off it, is read from it."""

from types import SimpleNamespace

import eventlet

from services.common import store_commands
from services.common.store_commands import STORE_COMMANDS, CountingListener


def counted(entrypoint, kind):
    return STORE_COMMANDS.labels(entrypoint, kind)._value.get()


def send(listener, command_name):
    listener.started(SimpleNamespace(command_name=command_name))


def test_each_command_counts_for_the_worker_that_sent_it_and_the_rest_for_the_background():
    listener = CountingListener()
    before = {key: counted(*key) for key in [("submit", "write"), ("submit", "read"), ("background", "write"),
                                             ("background", "other"), ("track", "read")]}

    def worker(entrypoint, commands):
        store_commands.working_for(entrypoint)
        for name in commands:
            send(listener, name)
            eventlet.sleep(0)  # the other green thread runs between two commands
        store_commands.working_for(None)

    pool = eventlet.GreenPool()
    pool.spawn(worker, "submit", ["insert", "findAndModify", "find"])
    pool.spawn(worker, "track", ["find", "getMore"])
    pool.spawn(lambda: [send(listener, name) for name in ("update", "createIndexes")])  # no worker: background
    pool.waitall()

    assert counted("submit", "write") - before[("submit", "write")] == 2
    assert counted("submit", "read") - before[("submit", "read")] == 1
    assert counted("track", "read") - before[("track", "read")] == 2
    assert counted("background", "write") - before[("background", "write")] == 1
    assert counted("background", "other") - before[("background", "other")] == 1


def test_writes_reads_and_the_rest_are_told_apart():
    assert [store_commands.kind_of(name) for name in ("insert", "update", "delete", "findAndModify")] == ["write"] * 4
    assert [store_commands.kind_of(name) for name in ("find", "getMore", "aggregate", "count")] == ["read"] * 4
    assert [store_commands.kind_of(name) for name in ("createIndexes", "ping", "killCursors")] == ["other"] * 3
