"""Enterprise accounts (issue 26 §1), on in-memory stores: an enterprise registers, its
station checks the business licence, and only a verified account is the enterprise —
for signing in, for what is keyed by its credit code, and for the requests it submits."""

import copy
from datetime import timedelta

import pytest

from services.common.domain import InvalidTransition, RuleViolated
from services.gateway.adapters.notices import NoticeBoard
from services.gateway.adapters.passwords import PASSWORDS
from services.gateway.adapters.repository import (
    AccountRepository,
    RequestGroupRepository,
    RequestRepository,
)
from services.gateway.bootstrap import reference_data
from services.gateway.domain.access import Forbidden, Principal
from services.gateway.domain.account import PENDING, REFUSED, VERIFIED, Account, InvalidAccount
from services.gateway.handlers import accounts as gateway_accounts
from services.gateway.handlers import enterprise_accounts
from services.gateway.handlers import intake as gateway_intake
from services.gateway.handlers.enterprise_accounts import AccountExists, Registration
from services.gateway.handlers.throttling import Throttle
from services.gateway.web.schemas.intake import load_submission
from tests.fakes.counters import InMemoryCounters
from tests.fakes.identities import AccountsAsIdentities
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import JL02_BODY, NOW

CATALOGUE, STATIONS = reference_data()
USCC = JL02_BODY["enterprise"]["uscc"]
PASSWORD = "a-long-enterprise-password"
FORM = Registration(uscc=USCC, name="宿迁市测试精密机械有限公司", contact_name="张伟", phone="13912345678",
                    station="321322", password=PASSWORD)
STAFF = Principal("staff-321322", "staff", "沭阳县服务站 王芳", station="321322")
OTHER_STAFF = Principal("staff-321302", "staff", "宿城区服务站 李明", station="321302")
MANAGER = Principal("manager", "manager", "市场监管局")
ADMIN = Principal("admin", "admin", "系统管理员")
BOTH_CHECKS = ["licence_uscc", "licence_name"]


@pytest.fixture
def accounts():
    return AccountRepository(InMemoryDocumentStore())


@pytest.fixture
def registered(accounts):
    return enterprise_accounts.register(accounts, PASSWORDS, STATIONS, FORM, NOW)


def sign_in(accounts, password=PASSWORD):
    throttle = Throttle(InMemoryCounters())
    return gateway_accounts.sign_in(accounts, throttle, PASSWORDS, USCC, password, "198.51.100.7")


class TestRegistration:
    def test_a_registered_account_is_pending_at_the_station_it_chose(self, registered):
        assert registered.state == PENDING and registered.role == "enterprise" and registered.uscc == USCC
        assert registered.verifying_station == "321322"
        assert registered.registration["contact"] == {"name": "张伟", "phone": "13912345678"}
        assert PASSWORD not in registered.password_hash

    def test_a_pending_account_does_not_sign_in_even_with_the_right_password(self, accounts, registered):
        with pytest.raises(gateway_accounts.AccountNotVerified) as refused:
            sign_in(accounts)
        assert refused.value.state == PENDING
        assert sign_in(accounts, "wrong password") is None

    def test_a_credit_code_with_a_pending_or_verified_account_is_not_registered_again(self, accounts, registered):
        with pytest.raises(AccountExists):
            enterprise_accounts.register(accounts, PASSWORDS, STATIONS, FORM, NOW)
        enterprise_accounts.decide(accounts, STAFF, USCC, "verify", BOTH_CHECKS, None, NOW)
        with pytest.raises(AccountExists):
            enterprise_accounts.register(accounts, PASSWORDS, STATIONS, FORM, NOW)

    def test_a_refused_registration_may_be_made_again_by_whoever_holds_the_licence(self, accounts, registered):
        enterprise_accounts.decide(accounts, STAFF, USCC, "refuse", [], "名称与营业执照不符", NOW)
        again = enterprise_accounts.register(accounts, PASSWORDS, STATIONS,
                                             Registration(**{**FORM.__dict__, "contact_name": "真正的联系人",
                                                             "password": "the-real-owners-password"}),
                                             NOW + timedelta(days=1))
        assert again.state == PENDING and again.registration["contact"]["name"] == "真正的联系人"
        assert [entry["decision"] for entry in again.verifications] == ["refuse"]  # the record stays

    def test_an_unknown_station_or_a_bad_credit_code_is_named(self):
        with pytest.raises(InvalidAccount) as wrong:
            Account.register(USCC, "x", {"name": "n", "phone": "13912345678"}, "999999", "hash", NOW, STATIONS)
        assert wrong.value.field == "station"
        with pytest.raises(InvalidAccount) as wrong:
            Account.register("91321322MA1ABC1230", "x", {"name": "n", "phone": "1"}, "321322", "hash", NOW, STATIONS)
        assert wrong.value.field == "uscc"


class TestVerification:
    def test_staff_of_its_station_verify_it_against_the_licence_and_the_audit_says_so(self, accounts, registered):
        verified = enterprise_accounts.decide(accounts, STAFF, USCC, "verify", BOTH_CHECKS, "原件已核", NOW)
        assert verified.state == VERIFIED
        (entry,) = accounts.get(USCC).verifications
        assert entry["decision"] == "verify" and entry["at"] == NOW.isoformat()
        assert entry["by"] == {"role": "staff", "name": "沭阳县服务站 王芳", "username": "staff-321322",
                               "station": "321322"}
        assert entry["checked"] == BOTH_CHECKS and entry["note"] == "原件已核"
        assert entry["licence"] == "business_licence"
        assert sign_in(accounts).username == USCC

    def test_verifying_needs_both_checks_and_refusing_needs_a_note(self, accounts, registered):
        with pytest.raises(RuleViolated) as refused:
            enterprise_accounts.decide(accounts, STAFF, USCC, "verify", ["licence_uscc"], None, NOW)
        assert refused.value.code == "licence_not_checked"
        with pytest.raises(RuleViolated) as refused:
            enterprise_accounts.decide(accounts, STAFF, USCC, "refuse", [], "  ", NOW)
        assert refused.value.code == "refusal_needs_note"
        assert accounts.get(USCC).state == PENDING and accounts.get(USCC).verifications == []

    def test_staff_of_another_station_and_managers_may_not_decide_but_an_admin_may(self, accounts, registered):
        for outsider in (OTHER_STAFF, MANAGER):
            with pytest.raises(Forbidden):
                enterprise_accounts.decide(accounts, outsider, USCC, "verify", BOTH_CHECKS, None, NOW)
        enterprise_accounts.account_to_verify(accounts, MANAGER, USCC)  # managers read
        with pytest.raises(Forbidden):
            enterprise_accounts.account_to_verify(accounts, OTHER_STAFF, USCC)
        assert enterprise_accounts.decide(accounts, ADMIN, USCC, "refuse", [], "未能出示营业执照", NOW).state == REFUSED

    def test_a_decision_is_taken_once(self, accounts, registered):
        enterprise_accounts.decide(accounts, STAFF, USCC, "verify", BOTH_CHECKS, None, NOW)
        with pytest.raises(InvalidTransition):
            enterprise_accounts.decide(accounts, STAFF, USCC, "refuse", [], "改主意了", NOW)

    def test_the_station_lists_the_accounts_waiting_for_it(self, accounts, registered):
        elsewhere = Registration(**{**FORM.__dict__, "uscc": "91321302MA1XYW789B", "station": "321302"})
        enterprise_accounts.register(accounts, PASSWORDS, STATIONS, elsewhere, NOW)
        assert [a.username for a in enterprise_accounts.enterprise_accounts(accounts, STAFF, None)] == [USCC]
        assert len(enterprise_accounts.enterprise_accounts(accounts, MANAGER, None)) == 2
        with pytest.raises(Forbidden):
            enterprise_accounts.enterprise_accounts(accounts, STAFF, "321302")
        enterprise_accounts.decide(accounts, STAFF, USCC, "verify", BOTH_CHECKS, None, NOW)
        assert enterprise_accounts.enterprise_accounts(accounts, STAFF, None) == []
        assert [a.username for a in enterprise_accounts.enterprise_accounts(accounts, STAFF, None, VERIFIED)] == [USCC]

    def test_accounts_made_by_an_administrator_are_verified(self, accounts):
        identities = AccountsAsIdentities(accounts)
        made = gateway_accounts.create_account(accounts, PASSWORDS, STATIONS, "91321302MA1XYW789B", "enterprise",
                                               "另一家", PASSWORD, NOW, identities=identities)
        assert made.state == VERIFIED and identities.has_verified_account(made.username)
        assert identities.changes == 1  # every gateway process reloads its verified credit codes


class TestWhatACreditCodeOpens:
    @pytest.fixture
    def requests(self):
        return RequestRepository(InMemoryDocumentStore())

    def submit(self, requests, accounts, submitter=None, body=JL02_BODY, groups=None):
        submission = load_submission(body, CATALOGUE, STATIONS)
        return gateway_intake.submit(requests, groups, submission, CATALOGUE, NOW, submitter=submitter,
                                     identities=AccountsAsIdentities(accounts))

    def test_a_submission_for_a_verified_enterprise_not_from_its_account_is_marked(self, requests, accounts,
                                                                                  registered):
        before, _ = self.submit(requests, accounts)  # pending: nobody is proven to be the enterprise yet
        enterprise_accounts.decide(accounts, STAFF, USCC, "verify", BOTH_CHECKS, None, NOW)
        anonymous, _ = self.submit(requests, accounts)
        by_staff, _ = self.submit(requests, accounts, submitter=STAFF)
        own, _ = self.submit(requests, accounts, submitter=Principal(USCC, "enterprise", "企业", uscc=USCC))
        other = copy.deepcopy(JL02_BODY)
        other["enterprise"]["uscc"] = "91321302MA1XYW789B"  # no account: nothing to compare with
        unknown, _ = self.submit(requests, accounts, body=other)
        assert [r.not_from_account for r in (before, anonymous, by_staff, own, unknown)] == [
            False, True, True, False, False]
        assert requests.get(anonymous.code).not_from_account  # kept with the request

    def test_each_child_of_a_multi_item_submission_carries_the_mark(self, requests, accounts, registered):
        enterprise_accounts.decide(accounts, STAFF, USCC, "verify", BOTH_CHECKS, None, NOW)
        body = {"items": ["JL02", "BZ01"], "enterprise": JL02_BODY["enterprise"], "contact": JL02_BODY["contact"],
                "details": {"JL02": JL02_BODY["details"], "BZ01": {"query": "GB/T 19001-2016"}}}
        group, children = self.submit(requests, accounts, body=body,
                                      groups=RequestGroupRepository(InMemoryDocumentStore()))
        assert group.not_from_account and all(child.not_from_account for child in children)

    def test_anonymous_tracking_shows_only_the_notices_of_that_request(self, requests, accounts):
        groups = RequestGroupRepository(InMemoryDocumentStore())
        notices = NoticeBoard(InMemoryDocumentStore())
        mine, _ = self.submit(requests, accounts)
        notices.post("e1", USCC, {"kind": "standard_withdrawn", "at": "2026-11-01", "request_code": mine.code})
        notices.post("e2", USCC, {"kind": "standard_withdrawn", "at": "2026-11-02",
                                  "request_code": "321322-20261101-00001-5"})
        phone = JL02_BODY["contact"]["phone"]
        anonymous = gateway_intake.track(requests, groups, notices, mine.code, phone)
        assert [n["request_code"] for n in anonymous.notices] == [mine.code]
        enterprise = Principal(USCC, "enterprise", "企业", uscc=USCC)
        signed_in = gateway_intake.track(requests, groups, notices, mine.code, None, enterprise)
        assert len(signed_in.notices) == 2
        assert len(gateway_intake.track(requests, groups, notices, mine.code, None, STAFF).notices) == 1
