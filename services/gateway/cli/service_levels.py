"""The read model of service levels from the command line:
``python -m services.gateway.cli.service_levels``.

    rebuild     throw the read model away and fold the gateway's event history again
                (after a fix to how the figures are computed, or a restore)

Uses ``MONGO_URI`` and ``MONGO_DB_PREFIX`` like the gateway. The gateway may keep running:
events it handles meanwhile are folded in too (see ``adapters/service_levels_rebuild.py``).
"""

import argparse
import sys
import time

from ...common.config import database_name
from ...common.mongo import connect
from .. import bootstrap
from ..adapters.service_levels_rebuild import rebuild
from ..adapters.service_levels_store import create_indexes


def main(argv=None):
    parser = argparse.ArgumentParser(description="The read model of service levels")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("rebuild", help="fold the whole event history again")
    parser.parse_args(argv)

    client = connect()
    try:
        database = client[database_name("gateway")]
        create_indexes(database)
        started = time.monotonic()
        counts = rebuild(database, bootstrap.build(database).service_levels)
        print(f"rebuilt from {counts['events']} events: {counts['buckets']} day buckets, "
              f"{counts['clocks']} request clocks in {time.monotonic() - started:.1f} s")
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
