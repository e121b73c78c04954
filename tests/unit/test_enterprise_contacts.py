"""Colleagues an enterprise names on its account (issue 29 §1), on in-memory stores:
only its own account changes the list, numbers are kept as 11 digits, and the notifier
reads them with ``contacts_of``."""

import pytest

from services.common.domain import RuleViolated
from services.gateway.adapters.repository import AccountRepository
from services.gateway.bootstrap import reference_data
from services.gateway.domain.access import Forbidden, Principal
from services.gateway.domain.account import MAX_CONTACTS, Account
from services.gateway.domain.phones import InvalidPhone
from services.gateway.handlers.enterprise_contacts import (
    add_contact,
    contacts_of,
    my_contacts,
    remove_contact,
)
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import NOW

_, STATIONS = reference_data()
USCC = "91321322MA1ABC123P"
ENTERPRISE = Principal(USCC, "enterprise", "宿迁市测试精密机械有限公司", uscc=USCC)
STAFF = Principal("staff-321322", "staff", "沭阳县服务站 王芳", station="321322")


@pytest.fixture
def accounts():
    repository = AccountRepository(InMemoryDocumentStore())
    repository.add(Account.create(USCC, "enterprise", ENTERPRISE.name, "hash", NOW, STATIONS, uscc=USCC))
    return repository


def test_colleagues_are_kept_on_the_account_with_their_numbers_as_eleven_digits(accounts):
    add_contact(accounts, ENTERPRISE, "王芳", "139-1234-5678")
    add_contact(accounts, ENTERPRISE, " 李明 ", "+86 138 0000 1111")
    assert contacts_of(accounts, USCC) == [("王芳", "13912345678"), ("李明", "13800001111")]
    assert my_contacts(accounts, ENTERPRISE).contacts[1] == {"name": "李明", "phone": "13800001111"}


def test_a_number_named_twice_however_typed_is_refused(accounts):
    add_contact(accounts, ENTERPRISE, "王芳", "13912345678")
    with pytest.raises(RuleViolated) as refused:
        add_contact(accounts, ENTERPRISE, "王芳（手机）", "139 1234 5678")
    assert refused.value.code == "contact_exists"
    assert contacts_of(accounts, USCC) == [("王芳", "13912345678")]


def test_no_mainland_mobile_is_no_contact(accounts):
    with pytest.raises(InvalidPhone):
        add_contact(accounts, ENTERPRISE, "座机", "0527-88881234")
    assert contacts_of(accounts, USCC) == []


def test_the_list_has_a_limit(accounts):
    for number in range(MAX_CONTACTS):
        add_contact(accounts, ENTERPRISE, f"同事{number}", f"1390000{number:04d}")
    with pytest.raises(RuleViolated) as refused:
        add_contact(accounts, ENTERPRISE, "多一位", "13700000000")
    assert refused.value.code == "too_many_contacts"


def test_a_colleague_is_removed_by_the_number_however_typed(accounts):
    add_contact(accounts, ENTERPRISE, "王芳", "13912345678")
    add_contact(accounts, ENTERPRISE, "李明", "13800001111")
    assert remove_contact(accounts, ENTERPRISE, "+86 139-1234-5678") is True
    assert remove_contact(accounts, ENTERPRISE, "13912345678") is False
    assert contacts_of(accounts, USCC) == [("李明", "13800001111")]


def test_only_the_enterprises_own_account_changes_or_reads_its_list(accounts):
    with pytest.raises(Forbidden):
        add_contact(accounts, STAFF, "王芳", "13912345678")
    with pytest.raises(Forbidden):
        my_contacts(accounts, STAFF)


def test_an_account_that_may_not_sign_in_has_no_contacts_to_tell(accounts):
    add_contact(accounts, ENTERPRISE, "王芳", "13912345678")
    account = accounts.get(USCC)
    account.disable()
    accounts.save(account)
    assert contacts_of(accounts, USCC) == []
    assert contacts_of(accounts, "91321302MA1XYW789B") == []
