"""Who is acting: the signed-in person behind a domain service's work, for the audit trail.

The gateway knows who signed in; the domain services do the work and announce it. A
person's name and username travel with each RPC call in nameko's context headers
(``qi_actor``, ``qi_actor_username``) and every event a service announces while serving
that call is stamped with them (``operator``, ``operator_username``), so each step on a
request's timeline names the person who took it — for every domain service alike,
without each command schema having to carry it.
"""

import contextvars
from contextlib import contextmanager
from typing import Any

from nameko.extensions import DependencyProvider

ACTOR_KEY = "qi_actor"
ACTOR_USERNAME_KEY = "qi_actor_username"

_actor = contextvars.ContextVar("qi_actor", default=None)


def current_actor() -> tuple[str, str | None] | None:
    """(name, username) of the person this work is done for, or None."""
    return _actor.get()


@contextmanager
def acting_as(name, username=None):
    token = _actor.set((name, username) if name else None)
    try:
        yield
    finally:
        _actor.reset(token)


def stamp(data: dict[str, Any]) -> dict[str, Any]:
    """Event data with the acting person added (unless the event names one itself)."""
    actor = current_actor()
    if actor is None or "operator" in data:
        return data
    name, username = actor
    return {**data, "operator": name, **({"operator_username": username} if username else {})}


class ActingPerson(DependencyProvider):
    """Declared by every service: puts the caller's identity from the context headers in
    force while a worker runs (and, in the gateway, lets a handler name who acts)."""

    def __init__(self):
        self._tokens = {}

    def worker_setup(self, worker_ctx):
        name = worker_ctx.data.get(ACTOR_KEY)
        self._tokens[worker_ctx] = _actor.set((name, worker_ctx.data.get(ACTOR_USERNAME_KEY)) if name else None)

    def worker_teardown(self, worker_ctx):
        token = self._tokens.pop(worker_ctx, None)
        if token is not None:
            try:
                _actor.reset(token)
            except ValueError:  # reset from another context: the worker's context ends anyway
                pass

    def get_dependency(self, worker_ctx):
        def act_as(name, username=None):
            """Name the person for the rest of this worker, and for the RPC calls it makes."""
            worker_ctx.data[ACTOR_KEY] = name
            worker_ctx.data[ACTOR_USERNAME_KEY] = username
            _actor.set((name, username))

        return act_as
