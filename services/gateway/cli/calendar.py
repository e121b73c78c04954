"""The working-day calendar from the command line: ``python -m services.gateway.cli.calendar``.

    show 2027                      the year as the services count it: official or
                                   provisional, every holiday, the make-up working days
    load 2027 schedule.json        load the State Council's official schedule of 2027
                                   (checked as PUT /api/v1/calendar/2027 checks it), then
                                   move the due dates of open requests it changes

The file is the body of ``PUT /api/v1/calendar/{year}`` ({"holidays": {name: [dates]},
"make_up_workdays": [dates], "source": "the notice"}) or the shipped file's format with
the year as a key (``gateway/data/cn-public-holidays.json``). ``--lang en`` for English
messages; ``--by`` names who loads it (default: the login name).

Uses ``MONGO_URI`` and ``MONGO_DB_PREFIX`` like the gateway. The running gateways read a
loaded schedule within half a minute; the events of moved due dates are published by
their relays.
"""

import argparse
import getpass
import json
import sys
from pathlib import Path

from marshmallow import ValidationError

from ...common.config import database_name
from ...common.mongo import connect
from ...common.repository import AlreadyExists, VersionConflict
from .. import bootstrap
from ..handlers.calendar import load_official_schedule
from ..web.messages import localize
from ..web.schemas.calendar import check_year, official_schedule, schedule_body
from ..web.views import calendar_year_view


def show(book, year, lang):
    view = calendar_year_view(book.current().year(year), lang)
    kind = "provisional 暂定" if view["provisional"] else "official 正式"
    lines = [f"{year}: {kind} — {view['notice']}"]
    if view["loaded_at"]:
        lines.append(f"  loaded {view['loaded_at']} by {view['loaded_by']}")
    lines.append(f"  working days: {view['working_days']}")
    for day in view["holidays"]:
        if not day["name"].startswith("周末"):
            lieu = " (in lieu 补假)" if day["in_lieu"] else ""
            lines.append(f"  {day['date']:%Y-%m-%d} {day['name']}{lieu}")
    for day in view["make_up_workdays"]:
        lines.append(f"  {day['date']:%Y-%m-%d} make-up working day 调休上班")
    return "\n".join(lines)


def load(gateway, year, body, actor):
    """Validate and load a schedule: the lines to print."""
    book, now = gateway.calendar, gateway.now()
    schedule = official_schedule(year, body, book.statutory_days(year), actor, now)
    loaded = load_official_schedule(book, gateway.requests, schedule, actor, now, gateway.catalogue)
    lines = [f"loaded the official schedule of {year}: {len(loaded['moved'])} due dates moved"]
    lines += [f"  {moved['code']}: {moved['due_from']} → {moved['due_to']}" for moved in loaded["moved"]]
    return "\n".join(lines)


def main(argv=None, now=None):
    """``now``: the moment to load at, for tests; the system clock's by default."""
    parser = argparse.ArgumentParser(description="The working-day calendar of the service-level clock")
    parser.add_argument("--lang", choices=["zh-CN", "en"], default="zh-CN")
    commands = parser.add_subparsers(dest="command", required=True)
    shown = commands.add_parser("show", help="a year as the services count it")
    shown.add_argument("year", type=int)
    loading = commands.add_parser("load", help="load a year's official schedule")
    loading.add_argument("year", type=int)
    loading.add_argument("file", type=Path)
    loading.add_argument("--by", default=getpass.getuser(), help="who loads it (kept with the schedule)")
    args = parser.parse_args(argv)

    client = connect()
    try:
        clock = (lambda: now) if now is not None else bootstrap.utc_now
        gateway = bootstrap.build(client[database_name("gateway")], clock=clock)
        check_year(args.year)
        if args.command == "show":
            print(show(gateway.calendar, args.year, args.lang))
            return 0
        try:
            body = schedule_body(json.loads(args.file.read_text(encoding="utf-8")), args.year)
        except (OSError, ValueError) as exc:
            print(f"{args.file}: {exc}", file=sys.stderr)
            return 2
        actor = {"role": "admin", "name": args.by, "username": args.by}
        print(load(gateway, args.year, body, actor))
        return 0
    except ValidationError as exc:
        print(json.dumps(localize(exc.messages, args.lang), ensure_ascii=False, indent=1), file=sys.stderr)
        return 2
    except (AlreadyExists, VersionConflict):
        print("someone loaded a schedule of this year at the same time; run it again", file=sys.stderr)
        return 1
    finally:
        client.close()


if __name__ == "__main__":
    sys.exit(main())
