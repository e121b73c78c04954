"""The notifier from the command line: ``python -m services.gateway.cli.notifications``.

    tell-again --since DAY   read the gateway's events from the event log again, from DAY
                             (China) on, and write the deliveries none was written for yet

After a fix to the notifier: an event whose notices could not be planned was logged
("no notices could be planned for event …") and counted ``failed`` under
``qi_events_consumed_total{consumer="notify_of_gateway_event"}``, and the relay went on.
Each delivery is written once, by its key, so what was told already is not told again;
the sender (the gateway's timer) sends what this writes. A kind the enterprise turned off
is kept, not sent.

Uses ``MONGO_URI`` and ``MONGO_DB_PREFIX`` like the gateway, which may keep running.
"""

import argparse
import sys
from datetime import date, datetime, time
from typing import Any

from ...common.clock import CHINA
from ...common.config import database_name
from ...common.mongo import connect
from .. import bootstrap
from ..handlers.notifications import Told


def tell_again(database: Any, since: date) -> Told:
    gateway = bootstrap.build(database)
    start = datetime.combine(since, time(0, 0), tzinfo=CHINA)
    return bootstrap.tell_of_gateway_events(gateway, gateway.event_log.of_source_since("gateway", start))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The notifier's deliveries")
    commands = parser.add_subparsers(dest="command", required=True)
    again = commands.add_parser("tell-again", help="write the deliveries the event log's events call for, once each")
    again.add_argument("--since", type=date.fromisoformat, required=True, metavar="YYYY-MM-DD",
                       help="the first day (China) whose events are read again")
    args = parser.parse_args(argv)

    client = connect()
    try:
        told = tell_again(client[database_name("gateway")], args.since)
    finally:
        client.close()
    print(f"{told.events} events read again from {args.since.isoformat()}: {told.new} deliveries new, "
          f"{len(told.not_planned)} events still without notices")
    for envelope in told.not_planned:
        print(f"  not planned: {envelope['event_id']} {envelope['type']} {envelope.get('request_code')}")
    return 1 if told.not_planned else 0


if __name__ == "__main__":
    sys.exit(main())
