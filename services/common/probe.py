"""Is a service up? ``python -m services.common.probe <service>`` exits 0 (yes) or 1 (no).

Container health checks run it (docker compose ``healthcheck``, Kubernetes exec probes),
so it needs nothing but the service's own environment (``AMQP_URI``, ``GATEWAY_PORT``):

* a domain service (metrology, standards, certification, testing) is up when its
  ``health`` RPC answers ``"ok"`` within the timeout: the broker routes to it, one of its
  workers takes the call and its database answers. RPC goes to whichever replica takes
  the message first, so this says the *service* answers, not this very process.
* the gateway is ready when its own ``GET /health`` (on this host) reports RabbitMQ and
  MongoDB up. A domain service being down is deliberately not counted: the gateway
  answers 503 for that domain only, and taking the whole front door out of the load
  balancer for it would turn one outage into a city-wide one.

The whole check is bounded by ``--timeout``: a probe that hangs is worse than one that fails.
"""

import argparse
import logging
import signal
import sys
import warnings

# nameko imports eventlet, which warns on import; a probe's output is what the
# orchestrator shows as the reason, so keep it to the verdict.
warnings.filterwarnings("ignore", message="\nEventlet is deprecated")

import httpx  # noqa: E402
from kombu import Connection  # noqa: E402
from nameko.exceptions import RpcTimeout  # noqa: E402
from nameko.standalone.rpc import ClusterRpcClient  # noqa: E402

from .config import setting  # noqa: E402

GATEWAY = "gateway"
# What the gateway needs of its own to take requests; see the module docstring.
GATEWAY_OWN_DEPENDENCIES = ("rabbitmq", "mongodb")
DEFAULT_TIMEOUT = 5.0


class ProbeTimeout(Exception):
    pass


def broker_answers(amqp_uri, timeout=3):
    """Whether RabbitMQ takes a connection at ``amqp_uri`` within ``timeout`` seconds."""
    try:
        with Connection(amqp_uri, connect_timeout=timeout) as connection:
            connection.connect()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not answering"
        return False


def domain_verdict(reply):
    """(up, reason) for what a domain service's ``health`` RPC answered."""
    if not isinstance(reply, dict) or reply.get("status") != "ok":
        return False, f"health answered {reply!r}"
    return True, "ok"


def gateway_verdict(status_code, body):
    """(ready, reason) for what the gateway's ``GET /health`` answered."""
    checks = body.get("checks") if isinstance(body, dict) else None
    if not isinstance(checks, dict):
        return False, f"/health answered {status_code} without checks"
    down = [name for name in GATEWAY_OWN_DEPENDENCIES if checks.get(name) is not True]
    if down:
        return False, f"{', '.join(down)} down"
    return True, "ok"


def ask_domain_service(service, amqp_uri, timeout):
    with ClusterRpcClient(uri=amqp_uri, timeout=timeout) as cluster:
        return cluster[service].health()


def ask_gateway(url, timeout):
    response = httpx.get(url, timeout=timeout)
    try:
        body = response.json()
    except ValueError:
        body = None
    return response.status_code, body


def gateway_health_url():
    return f"http://127.0.0.1:{setting('GATEWAY_PORT')}/health"


def probe(service, timeout=DEFAULT_TIMEOUT, amqp_uri=None, url=None):
    """(up, reason); never raises for a service that is down or slow."""
    try:
        if service == GATEWAY:
            return gateway_verdict(*ask_gateway(url or gateway_health_url(), timeout))
        return domain_verdict(ask_domain_service(service, amqp_uri or setting("AMQP_URI"), timeout))
    except ProbeTimeout:
        raise
    except RpcTimeout:
        return False, f"no answer within {timeout:g} s"
    except Exception as exc:  # noqa: BLE001 - any failure to get an answer means "down"
        return False, f"{type(exc).__name__}: {exc}"


def _give_up(signum, frame):
    raise ProbeTimeout()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("service", help="gateway, metrology, standards, certification or testing")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help="seconds to wait for an answer (default %(default)s)")
    parser.add_argument("--url", help="the gateway's /health (default: this host, GATEWAY_PORT)")
    args = parser.parse_args(argv)
    # py-amqp logs chatter about channels it closes; the verdict line is the output.
    logging.getLogger("amqp").setLevel(logging.ERROR)
    # Connecting and publishing retry on their own; the alarm bounds the whole check,
    # one second after the answer's own timeout.
    signal.signal(signal.SIGALRM, _give_up)
    signal.alarm(int(args.timeout) + 1)
    try:
        up, reason = probe(args.service, args.timeout, url=args.url)
    except ProbeTimeout:
        up, reason = False, f"no answer within {args.timeout:g} s"
    finally:
        signal.alarm(0)
    print(f"{args.service}: {reason}", file=sys.stdout if up else sys.stderr)
    return 0 if up else 1


if __name__ == "__main__":
    sys.exit(main())
