"""Typed contracts of the events that cross services (DESIGN §2).

An event that one service publishes and another consumes is a contract between them.
Each such event has here a frozen dataclass (``events.py``, pure Python, what the
producer builds and the consumer's use case takes) and a marshmallow schema
(``schemas.py``, used at the edges: when the producer announces it and when a
consumer's entrypoint reads it). Events a service only publishes for the gateway's
timeline stay untyped: the gateway shows them as they come.

tests/unit/test_contracts.py runs each contract from its producer's domain model
through every consumer's use case.
"""

from .events import DispatchedWork, Enterprise, Follower, StandardEnded, TerminatedWork

__all__ = ["DispatchedWork", "Enterprise", "Follower", "StandardEnded", "TerminatedWork"]
