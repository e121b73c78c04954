"""Accounts from the command line: ``python -m services.gateway.cli.accounts``.

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
from datetime import UTC, datetime

from ...common.config import database_name, setting
from ...common.mongo import connect
from ...common.repository import AlreadyExists
from ...common.store import MongoDocumentStore
from ..adapters.repository import AccountRepository
from ..bootstrap import reference_data
from ..domain.account import Account, InvalidAccount
from ..domain.catalogue import DOMAINS
from ..web.auth import hash_password

DEMO_ENTERPRISE = "91321322MA1ABC123P"


def account_repository(database):
    return AccountRepository(MongoDocumentStore(database.accounts, database.counters))


def create_account(accounts, username, role, name, password, station=None, domain=None, uscc=None):
    _, stations = reference_data()
    account = Account.create(username, role, name, hash_password(password), datetime.now(UTC), stations,
                             station=station, domain=domain, uscc=uscc)
    accounts.add(account)
    return account


def demo_accounts():
    """(username, role, name, binding) for the dev platform; passwords are demo-<username>."""
    _, stations = reference_data()
    yield "admin", "admin", "系统管理员", {}
    yield "manager", "manager", "市场监管局 质量发展处", {}
    for division, station in stations.by_division.items():
        yield f"staff-{division}", "staff", f"{station['name']['zh-CN']} 工作人员", {"station": division}
    for domain in DOMAINS:
        for number in (1, 2):  # two people: results are reviewed by someone else
            yield f"{domain}-{number}", "operator", f"{domain} 业务员{number}", {"domain": domain}
    yield DEMO_ENTERPRISE, "enterprise", "宿迁市测试精密机械有限公司", {"uscc": DEMO_ENTERPRISE}


def seed_demo(accounts):
    """Create the demo accounts that do not exist yet; returns (username, role, password) rows."""
    if setting("QI_ENV") != "dev":
        raise SystemExit("demo accounts exist only in dev mode (QI_ENV=dev)")
    rows = []
    for username, role, name, binding in demo_accounts():
        password = f"demo-{username}"
        try:
            create_account(accounts, username, role, name, password, **binding)
        except AlreadyExists:
            pass
        rows.append((username, role, binding.get("station") or binding.get("domain") or "", password))
    return rows


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
        accounts = account_repository(client[database_name("gateway")])
        if args.command == "create":
            password = _read_password("password: ")
            if len(password) < 8:
                raise SystemExit("a password has at least 8 characters")
            try:
                account = create_account(accounts, args.username, args.role, args.name, password,
                                         station=args.station, domain=args.domain, uscc=args.username)
            except InvalidAccount as exc:
                raise SystemExit(f"{exc.field}: {exc.reason}") from exc
            except AlreadyExists as exc:
                raise SystemExit(f"{args.username} exists already") from exc
            print(f"created {account.username} ({account.role})")
        elif args.command in ("set-password", "disable"):
            account = accounts.get_or_none(args.username)
            if account is None:
                raise SystemExit(f"no account {args.username}")
            if args.command == "set-password":
                account.change_password(hash_password(_read_password("new password: ")))
            else:
                account.disable()
            accounts.save(account)
            print(f"{args.command}: {account.username}")
        elif args.command == "list":
            for document in accounts.store.find(sort=[("_id", 1)]):
                binding = document.get("station") or document.get("domain") or document.get("uscc") or ""
                state = "" if document.get("active", True) else "(disabled)"
                print(f"  {document['_id']:<20} {document['role']:<10} {binding:<18} {state}")
        else:
            print("Demo accounts (dev only; password = demo-<username>):")
            print_table(seed_demo(accounts))
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
