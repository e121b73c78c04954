"""A command applies once, however often it arrives (issue 26 §3).

Every command the gateway sends a domain service over RPC carries an idempotency key in
its context headers (``deadlines.COMMAND_KEY``): the same key when it is the same
command sent again (a client retrying with its ``Idempotency-Key``), or delivered again
(a request the service took but could not answer, back in its queue). While a worker
runs such a command, the repositories (``repository.AggregateRepository``) record its key
in every document it writes, in that same single-document write (``applied_commands``,
the last ``KEPT`` of them): nothing separate to write, so nothing that could be written
without the other on nx-27017, whose transactions are not isolated.

A later run of the same command that reads a document an earlier run wrote is refused
with :class:`CommandAlreadyApplied` before it changes anything; the gateway answers 409
and the result of the first run is on the request's timeline. Documents this run wrote
itself (``RunningCommand.written``) it may read back and write again.
"""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

APPLIED_FIELD = "applied_commands"  # in the document: the keys of the commands that wrote it
APPLIED_ATTRIBUTE = "_applied_commands"  # on the aggregate read from it, until it is written back
KEPT = 20  # a retry comes within seconds or minutes; twenty later commands are history


class CommandAlreadyApplied(Exception):
    """This command ran before and wrote what it reads now: it does not run again."""

    def __init__(self, key: str) -> None:
        super().__init__(f"command {key} was applied already")
        self.key = key


@dataclass
class RunningCommand:
    key: str
    written: set[Any] = field(default_factory=set)  # ids of the documents this run wrote


_running: contextvars.ContextVar[RunningCommand | None] = contextvars.ContextVar("qi_command", default=None)


@contextmanager
def running(key: str | None) -> Iterator[RunningCommand | None]:
    """The command ``key`` (None: no command) is in force for the code inside."""
    token = _running.set(RunningCommand(key) if key else None)
    try:
        yield _running.get()
    finally:
        _running.reset(token)


def start(key: str | None) -> contextvars.Token[RunningCommand | None]:
    """:func:`running` for a worker's setup; :func:`end` with the token at its teardown."""
    return _running.set(RunningCommand(key) if key else None)


def end(token: contextvars.Token[RunningCommand | None]) -> None:
    _running.reset(token)


def refuse_if_applied(document_id: Any, applied: list[str]) -> None:
    """CommandAlreadyApplied if the running command wrote this document in an earlier run."""
    command = _running.get()
    if command is not None and command.key in applied and document_id not in command.written:
        raise CommandAlreadyApplied(command.key)


def with_running_command(applied: list[str] | None) -> list[str] | None:
    """The keys a document keeps once the running command (if any) writes it."""
    command = _running.get()
    if command is None:
        return applied
    kept = [key for key in applied or () if key != command.key]
    return [*kept[-(KEPT - 1):], command.key]


def note_written(document_id: Any) -> None:
    command = _running.get()
    if command is not None:
        command.written.add(document_id)
