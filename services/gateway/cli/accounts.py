"""Accounts from the command line: ``python -m services.gateway.cli.accounts``.

Accounts made here are verified (an enterprise's too): an administrator made them.

    create --username wang --role staff --station 321322 --name 王芳   (password on stdin)
    set-password --username wang        (new password on stdin)
    disable --username wang
    list
    seed-demo                           (dev only: one account per role and station)

Uses ``MONGO_URI`` and ``MONGO_DB_PREFIX`` like the gateway.
"""

import argparse
import getpass
import sys

from ...common.config import database_name, setting
from ...common.mongo import connect
from ...common.repository import AlreadyExists, NotFound
from .. import bootstrap
from ..domain.account import InvalidAccount
from ..domain.catalogue import DOMAINS
from ..handlers import accounts


def print_table(rows):
    for username, role, binding, password in rows:
        print(f"  {username:<20} {role:<10} {binding:<14} {password}")


def _read_password(prompt):
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Manage sign-in accounts")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create")
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, choices=["admin", "manager", "staff", "operator", "enterprise"])
    create.add_argument("--name", required=True)
    create.add_argument("--station")
    create.add_argument("--domain", choices=DOMAINS)
    change = commands.add_parser("set-password")
    change.add_argument("--username", required=True)
    disable = commands.add_parser("disable")
    disable.add_argument("--username", required=True)
    commands.add_parser("list")
    commands.add_parser("seed-demo")
    args = parser.parse_args(argv)

    client = connect()
    try:
        gateway = bootstrap.build(client[database_name("gateway")])
        if args.command == "create":
            password = _read_password("password: ")
            if len(password) < 8:
                raise SystemExit("a password has at least 8 characters")
            try:
                account = accounts.create_account(gateway.accounts, gateway.passwords, gateway.stations,
                                                  args.username, args.role, args.name, password, gateway.now(),
                                                  station=args.station, domain=args.domain, uscc=args.username,
                                                  identities=gateway.identities)
            except InvalidAccount as exc:
                raise SystemExit(f"{exc.field}: {exc.reason}") from exc
            except AlreadyExists as exc:
                raise SystemExit(f"{args.username} exists already") from exc
            print(f"created {account.username} ({account.role})")
        elif args.command in ("set-password", "disable"):
            try:
                if args.command == "set-password":
                    account = accounts.set_password(gateway.accounts, gateway.passwords, args.username,
                                                    _read_password("new password: "))
                else:
                    account = accounts.disable(gateway.accounts, args.username, gateway.identities)
            except NotFound as exc:
                raise SystemExit(f"no account {args.username}") from exc
            print(f"{args.command}: {account.username}")
        elif args.command == "list":
            for account in gateway.accounts.all_by_username():
                binding = account.station or account.domain or account.uscc or ""
                state = "(disabled)" if not account.active else ("" if account.state == "verified"
                                                                  else f"({account.state})")
                print(f"  {account.username:<20} {account.role:<10} {binding:<18} {state}")
        else:
            if setting("QI_ENV") != "dev":
                raise SystemExit("demo accounts exist only in dev mode (QI_ENV=dev)")
            print("Demo accounts (dev only; password = demo-<username>):")
            print_table(accounts.seed_demo(gateway.accounts, gateway.passwords, gateway.stations, gateway.now(),
                                           gateway.identities))
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
