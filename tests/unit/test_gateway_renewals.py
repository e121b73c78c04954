"""A due reminder becomes one new JL01 request, through the normal intake, once; only
for the enterprise's verified account (issue 26 §1)."""

from datetime import timedelta

import pytest

from services.common.domain import RuleViolated
from services.common.repository import NotFound
from services.gateway.adapters.repository import AccountRepository, RequestRepository
from services.gateway.bootstrap import reference_data
from services.gateway.domain.access import Forbidden, Principal
from services.gateway.domain.account import Account
from services.gateway.handlers import intake as gateway_intake
from services.gateway.handlers.renewals import (
    RenewalRepository,
    applicant_for,
    instrument_file,
    renew,
    renew_instrument,
    renew_instruments,
)
from services.gateway.web.schemas.intake import load_submission
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import JL01_BODY, NOW

CATALOGUE, STATIONS = reference_data()
USCC = "91321322MA1ABC123P"
DUE_INSTRUMENT = {
    "serial_number": "PG-0001", "name": "一般压力表", "model": "Y-100", "measuring_range": "0-1.6 MPa",
    "accuracy_class": "1.6级", "current": {"number": "SQJL-2026-000001", "valid_until": "2027-05-25"},
    "due": {"days_before": 30, "valid_until": "2027-05-25"},
}


@pytest.fixture
def requests():
    return RequestRepository(InMemoryDocumentStore())


@pytest.fixture
def renewals():
    return RenewalRepository(InMemoryDocumentStore())


def intake(requests):
    def submit(form):
        submission = load_submission(form, CATALOGUE, STATIONS)
        return gateway_intake.submit(requests, None, submission, CATALOGUE, NOW)[0]
    return submit


@pytest.fixture
def certified(requests):
    """The request that produced the certificate now due."""
    return intake(requests)(JL01_BODY)


@pytest.fixture
def account():
    return Account(USCC, "enterprise", "宿迁市测试精密机械有限公司（已核验）", "hash", uscc=USCC)


@pytest.fixture
def known(account, certified):
    return applicant_for(account, certified)


def test_a_renewal_is_for_the_enterprise_as_its_verified_account_names_it(account, certified, known):
    assert known.enterprise == {"name": account.name, "uscc": USCC}
    assert known.station == certified.station and known.contact == certified.contact
    registered = Account.register(USCC, "已注册企业", {"name": "王芳", "phone": "13800001111"}, "321302", "hash",
                                  NOW, STATIONS)
    assert applicant_for(registered, certified).contact == {"name": "王芳", "phone": "13800001111"}


def test_a_due_reminder_becomes_a_jl01_request_for_that_instrument(requests, renewals, known, certified):
    request, created = renew(renewals, requests, DUE_INSTRUMENT, known, intake(requests), NOW)
    assert created and request.item == "JL01" and request.code != certified.code
    assert request.details["instruments"][0]["serial_number"] == "PG-0001"
    assert request.contact == known.contact and request.station == "321322"
    assert request.enterprise["name"] == "宿迁市测试精密机械有限公司（已核验）"
    assert requests.store.pending_envelopes()[-1]["type"] == "request_submitted"


def test_asking_again_answers_with_the_same_request(requests, renewals, known):
    first, _ = renew(renewals, requests, DUE_INSTRUMENT, known, intake(requests), NOW)
    again, created = renew(renewals, requests, DUE_INSTRUMENT, known, intake(requests), NOW + timedelta(days=20))
    assert not created and again.code == first.code
    assert len(requests.store.find({"item": "JL01"})) == 2  # the original and one renewal


def test_an_instrument_without_a_due_reminder_is_not_renewed(requests, renewals, known):
    with pytest.raises(RuleViolated) as refused:
        renew(renewals, requests, {**DUE_INSTRUMENT, "due": None}, known, intake(requests), NOW)
    assert refused.value.code == "no_due_reminder"


def test_a_renewal_being_submitted_is_not_submitted_twice_but_a_stale_claim_is_taken_over(requests, renewals, known):
    def crash(form):
        raise RuntimeError("the process died here")

    with pytest.raises(RuntimeError):
        renew(renewals, requests, DUE_INSTRUMENT, known, crash, NOW)
    with pytest.raises(RuleViolated) as busy:
        renew(renewals, requests, DUE_INSTRUMENT, known, intake(requests), NOW + timedelta(seconds=5))
    assert busy.value.code == "renewal_in_progress"
    request, created = renew(renewals, requests, DUE_INSTRUMENT, known, intake(requests), NOW + timedelta(minutes=5))
    assert created and request.item == "JL01"


class Metrology:
    """metrology's answers about the enterprise's instruments."""

    def __init__(self, instrument):
        self.instrument = instrument

    def call(self, service, method, *args, **kwargs):
        if method == "enterprise_instruments":
            return [dict(self.instrument)]
        if args != (USCC, self.instrument["serial_number"]):  # metrology keys an instrument by both
            raise NotFound(args)
        return dict(self.instrument)


ENTERPRISE = Principal(USCC, "enterprise", "宿迁市测试精密机械有限公司", uscc=USCC)
ANOTHER = Principal("91321302MA1XYW789B", "enterprise", "另一家", uscc="91321302MA1XYW789B")


def test_the_instrument_file_is_read_by_the_enterprise_and_the_roles_that_may_only(requests, renewals, account,
                                                                                    certified):
    accounts = AccountRepository(InMemoryDocumentStore())
    accounts.add(account)
    metrology = Metrology(DUE_INSTRUMENT)
    name, instruments = instrument_file(metrology, accounts, renewals, ENTERPRISE, USCC)
    assert name == account.name and instruments[0]["serial_number"] == "PG-0001"
    for reader in (Principal("m", "operator", "李工", domain="metrology"), Principal("mgr", "manager", "局")):
        instrument_file(metrology, accounts, renewals, reader, USCC)
    for stranger in (ANOTHER, Principal("s", "staff", "王", station="321322"),
                     Principal("t", "operator", "赵", domain="testing")):
        with pytest.raises(Forbidden):
            instrument_file(metrology, accounts, renewals, stranger, USCC)


def test_only_the_enterprises_own_account_renews(requests, renewals, account, certified):
    accounts = AccountRepository(InMemoryDocumentStore())
    accounts.add(account)
    due = {**DUE_INSTRUMENT, "current": {**DUE_INSTRUMENT["current"], "request_code": certified.code}}
    with pytest.raises(NotFound):  # another enterprise has no such instrument in its own file
        renew_instrument(Metrology(due), requests, renewals, accounts, ANOTHER, "PG-0001", intake(requests), NOW)
    for stranger in (Principal("admin", "admin", "管理员"), Principal("s", "staff", "王", station="321322")):
        with pytest.raises(Forbidden):
            renew_instrument(Metrology(due), requests, renewals, accounts, stranger, "PG-0001", intake(requests), NOW)
    renewed, created, _ = renew_instrument(Metrology(due), requests, renewals, accounts, ENTERPRISE, "PG-0001",
                                           intake(requests), NOW)
    assert created and renewed.item == "JL01" and renewed.enterprise["uscc"] == USCC


class Instruments:
    """metrology's answers about several instruments of the enterprise."""

    def __init__(self, *instruments):
        self.by_serial = {instrument["serial_number"]: instrument for instrument in instruments}

    def call(self, service, method, *args, **kwargs):
        if method == "enterprise_instruments":
            return [dict(each) for each in self.by_serial.values()]
        if args[0] != USCC or args[1] not in self.by_serial:
            raise NotFound(args)
        return dict(self.by_serial[args[1]])


def test_several_due_instruments_are_renewed_by_one_post_each_once(requests, renewals, account, certified):
    accounts = AccountRepository(InMemoryDocumentStore())
    accounts.add(account)

    def due(serial, number):
        return {**DUE_INSTRUMENT, "serial_number": serial,
                "current": {**DUE_INSTRUMENT["current"], "number": number, "request_code": certified.code}}

    metrology = Instruments(due("PG-0001", "SQJL-2026-000001"), due("PG-0002", "SQJL-2026-000002"),
                            {**due("PG-0003", "SQJL-2026-000003"), "due": None})
    first = renew_instruments(metrology, requests, renewals, accounts, ENTERPRISE,
                              ["PG-0001", "PG-0002", "PG-0001 ", "PG-0003", "PG-NONE", ""], intake(requests), NOW)
    assert [(each.serial_number, each.created, each.refused) for each in first] == [
        ("PG-0001", True, None), ("PG-0002", True, None), ("PG-0003", False, "no_due_reminder"),
        ("PG-NONE", False, "instrument_not_found")]
    assert first[0].request.details["instruments"][0]["serial_number"] == "PG-0001"
    assert first[1].request.details["instruments"][0]["serial_number"] == "PG-0002"
    again = renew_instruments(metrology, requests, renewals, accounts, ENTERPRISE, ["PG-0002", "PG-0001"],
                              intake(requests), NOW)
    assert [(each.request.code, each.created) for each in again] == [(first[1].request.code, False),
                                                                     (first[0].request.code, False)]
    assert len(requests.store.find({"item": "JL01"})) == 3  # the original and one renewal each
    with pytest.raises(Forbidden):
        renew_instruments(metrology, requests, renewals, accounts, Principal("mgr", "manager", "局"), ["PG-0001"],
                          intake(requests), NOW)
