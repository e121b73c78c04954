"""The verified credit codes each gateway process keeps (issue 26 §1): a submission asks
without a read, a change made by one process is seen there at once and by the others
within max_age, on a real Mongo-wire server."""

import pytest

from services.gateway.adapters.identities import VerifiedEnterpriseDirectory

pytestmark = pytest.mark.integration

USCC = "91321322MA1ABC123P"


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class CountingCollection:
    """A collection that counts the commands sent through it."""

    def __init__(self, collection):
        self.collection = collection
        self.commands = 0

    def __getattr__(self, name):
        self.commands += 1
        return getattr(self.collection, name)


class Database:
    def __init__(self, database):
        self.accounts = CountingCollection(database.accounts)
        self.counters = CountingCollection(database.counters)

    @property
    def commands(self):
        return self.accounts.commands + self.counters.commands


@pytest.fixture
def database(mongo_client, db_prefix):
    return mongo_client[f"{db_prefix}gateway"]


def account(uscc, **fields):
    return {"_id": uscc, "role": "enterprise", "active": True, **fields}


def test_verified_accounts_are_known_and_others_not(database):
    database.accounts.insert_many([
        account(USCC, state="verified"), account("PENDING", state="pending"), account("REFUSED", state="refused"),
        account("DISABLED", state="verified", active=False), account("OLD"),  # stored before accounts had states
        {"_id": "staff-321322", "role": "staff", "active": True}])
    directory = VerifiedEnterpriseDirectory(database)
    assert [directory.has_verified_account(each) for each in (USCC, "OLD", "PENDING", "REFUSED", "DISABLED",
                                                              "staff-321322", "NOBODY")] == [
        True, True, False, False, False, False, False]


def test_submissions_ask_without_a_read_until_the_generation_is_due(database):
    clock = Clock()
    counted = Database(database)
    directory = VerifiedEnterpriseDirectory(counted, max_age=2.0, clock=clock)
    directory.has_verified_account(USCC)
    before = counted.commands
    for _ in range(100):
        directory.has_verified_account(USCC)
    assert counted.commands == before
    clock.now += 2.0
    directory.has_verified_account(USCC)
    assert counted.commands == before + 1  # the generation only: nothing changed, nothing reloaded


def test_a_change_is_seen_by_its_process_at_once_and_by_another_within_max_age(database):
    clock = Clock()
    here = VerifiedEnterpriseDirectory(database, max_age=2.0, clock=clock)
    there = VerifiedEnterpriseDirectory(database, max_age=2.0, clock=clock)
    assert not here.has_verified_account(USCC) and not there.has_verified_account(USCC)
    database.accounts.insert_one(account(USCC, state="verified"))
    here.changed()
    assert here.has_verified_account(USCC)
    assert not there.has_verified_account(USCC)  # within max_age it answers what it knew
    clock.now += 2.0
    assert there.has_verified_account(USCC)
