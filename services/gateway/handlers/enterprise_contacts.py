"""Colleagues an enterprise names on its account (issue 29 §1): a name and a mainland
mobile each, kept on the enterprise's verified account, so that they are told about the
requests that name them as contact (the notifier asks :func:`contacts_of`).

Only the enterprise's own account changes its list; a number is kept as its 11 digits
(``domain/phones.py``), so one typed with spaces or ``+86`` is the same number.
"""

from ...common.repository import retry_on_conflict
from ..adapters.repository import AccountRepository
from ..domain.access import ENTERPRISE, Principal, require
from ..domain.account import Account
from ..domain.phones import normalize_mainland_mobile


def _own_account(principal: Principal) -> str:
    require(principal.role == ENTERPRISE and principal.uscc is not None)
    return principal.username


def my_contacts(accounts: AccountRepository, principal: Principal) -> Account:
    """The signed-in enterprise's account, with its registered contact and its colleagues."""
    found: Account = accounts.get(_own_account(principal))
    return found


def add_contact(accounts: AccountRepository, principal: Principal, name: str, phone: str) -> None:
    """Name a colleague on the signed-in enterprise's account (RuleViolated for a number
    named already or one too many; InvalidPhone for no mainland mobile)."""
    number = normalize_mainland_mobile(phone)

    def add(account: Account) -> bool:
        account.add_contact(name, number)
        return True

    retry_on_conflict(accounts, _own_account(principal), add)


def remove_contact(accounts: AccountRepository, principal: Principal, phone: str) -> bool:
    """Forget a colleague's number; False if the account did not have it."""
    number = normalize_mainland_mobile(phone)
    return retry_on_conflict(accounts, _own_account(principal), lambda account: account.remove_contact(number))


def contacts_of(accounts: AccountRepository, uscc: str) -> list[tuple[str, str]]:
    """[(name, phone)] of the colleagues an enterprise's account names, the phone as its
    11 digits; none for a credit code without an enterprise account that may sign in
    (a pending, refused or disabled one's list is not to be used)."""
    account: Account | None = accounts.get_or_none(uscc)
    if account is None or account.role != ENTERPRISE or not account.may_sign_in:
        return []
    return [(contact["name"], contact["phone"]) for contact in account.contacts]
