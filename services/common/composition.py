"""``Composition``: each worker gets the ports its use cases take, made by the service's
composition root (its ``bootstrap.build``), never by the entrypoints themselves.

A nameko service declares its database (``MongoDatabase``), its outbox relay
(``OutboxRelay``) and one ``Composition(bootstrap.build)``; every worker then finds the
repositories, reference data and clock built for it in that attribute. ``build(database,
relay)`` runs once per worker, so a repository's store keeps what it loaded for the
write that follows (its outbox), and every store of a published collection hands its
writes to the relay of this process.
"""

from nameko.extensions import DependencyProvider

from .mongo import MongoDatabase
from .outbox import OutboxRelay


class Composition(DependencyProvider):
    def __init__(self, build):
        self.build = build  # build(database, relay) -> the service's ports

    def start(self):
        # Both siblings are set up by now (nameko sets every extension up before starting any).
        self.database = _sibling(self.container, MongoDatabase).database
        relay = [each for each in self.container.extensions if isinstance(each, OutboxRelay)]
        self.relay = relay[0] if relay else None

    def get_dependency(self, worker_ctx):
        return self.build(self.database, self.relay)


def _sibling(container, kind):
    found = [extension for extension in container.extensions if isinstance(extension, kind)]
    if len(found) != 1:
        raise RuntimeError(f"{container.service_name} declares {len(found)} {kind.__name__}, not one")
    return found[0]
