"""Calling a domain service over RPC from a test, bounded: a service that never answers
fails the test instead of hanging it."""

import eventlet
from nameko.standalone.rpc import ClusterRpcClient


def rpc(amqp_uri, service, method, *args, timeout=10):
    with ClusterRpcClient(uri=amqp_uri) as cluster:
        reply = getattr(getattr(cluster, service), method).call_async(*args)
        with eventlet.Timeout(timeout):
            return reply.result()
