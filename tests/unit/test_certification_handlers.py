"""Certification on in-memory stores: from application to the certificate's end.

The clock is an argument, so each rule about time is tested on the day it matters.
"""

from datetime import date, datetime, time

import pytest

from services.certification import handlers
from services.certification.adapters.repository import (
    CertificationRepository,
    VerificationRepository,
)
from services.certification.domain.certificate import plan_visits, validity_end
from services.certification.exceptions import (
    AuditIncomplete,
    CertificateNotFound,
    CertificationNotFound,
    DateOutOfRange,
    GrantNotSupported,
    NoSurveillancePlanned,
    RecertificationNotDue,
    ScopeNotReduced,
    SurveillanceOutstanding,
)
from services.common.clock import CHINA
from services.common.contracts import StandardEnded
from services.common.domain import InvalidTransition, RuleViolated
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import NOW, RZ01_DETAILS, RZ02_DETAILS
from ..support.events import dispatched_work

RZ02_CODE = "321322-20261126-00001-6"
RZ01_CODE = "321322-20261126-00002-4"
HOLDER = "宿迁市测试精密机械有限公司"
ISSUER = "宿迁市认证中心（测试）"


def on(day):
    """10:00 in Suqian on ``day`` (ISO text), as the UTC moment handlers receive."""
    return datetime.combine(date.fromisoformat(day), time(10), tzinfo=CHINA)


@pytest.fixture
def store():
    return InMemoryDocumentStore()


@pytest.fixture
def certifications(store):
    return CertificationRepository(store)


@pytest.fixture
def verifications():
    return VerificationRepository(InMemoryDocumentStore())


def events(store, code=None):
    return [
        e["type"] for e in store.pending_envelopes() if code is None or e["request_code"] == code
    ]


def last_event(store):
    return store.pending_envelopes()[-1]


def apply(
    certifications, verifications, code=RZ02_CODE, item="RZ02", details=RZ02_DETAILS, now=NOW
):
    work = dispatched_work(code, item, "certification", details)
    return handlers.receive_dispatched_request(certifications, verifications, work, now)


# Three people: who reviews and who audits never decides (impartiality).
REVIEWER, AUDITOR, DECIDER = "评审员甲", "审核员乙", "认证决定人丙"


def review(certifications, code=RZ02_CODE, accepted=True, comments=None, now=NOW, by=REVIEWER):
    return handlers.review_application(
        certifications, code, {"accepted": accepted, "comments": comments, "operator": by}, now
    )


def stage1(certifications, ready=True, day=None, now=NOW, by=AUDITOR, auditors=None):
    command = {"conducted_on": day, "ready_for_stage2": ready, "findings": None, "operator": by,
               "auditors": auditors}
    return handlers.record_stage1(certifications, RZ02_CODE, command, now)


def stage2(certifications, recommendation="grant", major=0, day=None, now=NOW, by=AUDITOR, auditors=None):
    command = {
        "operator": by,
        "auditors": auditors,
        "conducted_on": day,
        "recommendation": recommendation,
        "major_nonconformities": major,
        "minor_nonconformities": 2,
        "findings": "两项轻微不符合已整改",
    }
    return handlers.record_stage2(certifications, RZ02_CODE, command, now)


def product_check(certifications, step, result="pass", now=NOW, by=AUDITOR):
    command = {
        "operator": by,
        "conducted_on": None,
        "result": result,
        "reference": "SQJC-2026-000007",
        "findings": None,
    }
    return handlers.record_product_check(certifications, RZ01_CODE, step, command, now)


def decide(certifications, decision="grant", comments=None, code=RZ02_CODE, now=NOW, by=DECIDER):
    return handlers.decide(
        certifications, code, {"decision": decision, "comments": comments, "operator": by}, now, ISSUER
    )


def certified(certifications, verifications, now=NOW):
    """An RZ02 application taken all the way to its certificate."""
    apply(certifications, verifications, now=now)
    review(certifications, now=now)
    stage1(certifications, now=now)
    stage2(certifications, now=now)
    return decide(certifications, now=now)


def number_of(certification):
    return certification.certificate_number


class TestApplying:
    def test_a_dispatched_management_system_request_opens_an_application_for_its_standard_and_sites(
        self, certifications, verifications, store
    ):
        application = apply(certifications, verifications)
        assert application.status == "applied"
        assert application.standards == ["GB/T 19001-2016"]
        assert application.sites == [
            "宿迁市沭阳县经济开发区上海路18号",
            "宿迁市沭阳县南关工业园2号",
        ]
        assert events(store) == ["job_accepted"]

    def test_a_product_application_cites_every_standard_named_in_its_product_standard(
        self, certifications, verifications
    ):
        application = apply(certifications, verifications, RZ01_CODE, "RZ01", RZ01_DETAILS)
        assert application.standards == ["GB 4706.1-2005", "GB 4706.19-2008"]
        assert application.sites == ["宿迁市宿城区工业园8号"]

    def test_the_same_dispatch_twice_opens_one_application(
        self, certifications, verifications, store
    ):
        work = dispatched_work(RZ02_CODE, "RZ02", "certification", RZ02_DETAILS)
        handlers.receive_dispatched_request(certifications, verifications, work, NOW)
        assert (
            handlers.receive_dispatched_request(certifications, verifications, work, NOW)
            is None
        )
        assert events(store) == ["job_accepted"]

    def test_an_unknown_application_is_named_as_such(self, certifications):
        with pytest.raises(CertificationNotFound):
            review(certifications)


class TestReview:
    def test_an_accepted_application_goes_to_audit(self, certifications, verifications, store):
        apply(certifications, verifications)
        assert review(certifications, comments="资料齐全").status == "under_audit"
        assert last_event(store)["type"] == "application_accepted"

    def test_a_refused_application_ends_with_its_reason(self, certifications, verifications, store):
        apply(certifications, verifications)
        assert (
            review(certifications, accepted=False, comments="体系运行不足三个月").status
            == "not_accepted"
        )
        assert last_event(store)["data"]["result"] == {
            "decision": "not_accepted",
            "reason": "体系运行不足三个月",
        }

    def test_an_application_is_reviewed_once(self, certifications, verifications):
        apply(certifications, verifications)
        review(certifications)
        with pytest.raises(InvalidTransition):
            review(certifications)


class TestManagementSystemAudit:
    @pytest.fixture(autouse=True)
    def accepted(self, certifications, verifications):
        apply(certifications, verifications)
        review(certifications)

    def test_stage_2_needs_a_stage_1_that_found_the_system_ready(self, certifications):
        with pytest.raises(AuditIncomplete):
            stage2(certifications)
        stage1(certifications, ready=False)
        with pytest.raises(AuditIncomplete):
            stage2(certifications)

    def test_a_stage_1_that_found_the_system_unready_can_be_repeated(self, certifications):
        stage1(certifications, ready=False)
        stage1(certifications, ready=True)
        assert stage2(certifications).status == "awaiting_decision"

    def test_stage_1_cannot_be_recorded_after_stage_2(self, certifications):
        stage1(certifications)
        stage2(certifications)
        with pytest.raises(InvalidTransition):
            stage1(certifications)

    def test_audits_cannot_be_dated_in_the_future_or_before_an_earlier_stage(self, certifications):
        with pytest.raises(DateOutOfRange):
            stage1(certifications, day=date(2026, 11, 27))
        stage1(certifications, day=date(2026, 11, 26))
        with pytest.raises(DateOutOfRange):
            stage2(certifications, day=date(2026, 11, 25))

    def test_the_decision_waits_for_stage_2(self, certifications):
        stage1(certifications)
        with pytest.raises(AuditIncomplete):
            decide(certifications)

    def test_product_steps_do_not_apply_to_a_management_system(self, certifications):
        with pytest.raises(InvalidTransition):
            handlers.record_product_check(
                certifications,
                RZ02_CODE,
                "type_test",
                {"conducted_on": None, "result": "pass", "reference": None, "findings": None, "operator": AUDITOR},
                NOW,
            )

    def test_a_stage_2_recommending_refusal_or_with_major_nonconformities_cannot_end_in_a_grant(
        self, certifications
    ):
        stage1(certifications)
        stage2(certifications, recommendation="refuse")
        with pytest.raises(GrantNotSupported):
            decide(certifications)
        stage2(certifications, recommendation="grant", major=1)
        with pytest.raises(GrantNotSupported):
            decide(certifications)

    def test_a_refusal_ends_the_application_with_its_reason_and_draws_no_number(
        self, certifications, store
    ):
        stage1(certifications)
        stage2(certifications, recommendation="refuse")
        refused = decide(certifications, "refuse", "主要过程未受控")
        assert refused.status == "refused" and refused.certificate_number is None
        assert last_event(store)["data"]["result"] == {"decision": "refused", "reason": "主要过程未受控"}
        assert store.sequences == {}


class TestProductAudit:
    @pytest.fixture(autouse=True)
    def accepted(self, certifications, verifications):
        apply(certifications, verifications, RZ01_CODE, "RZ01", RZ01_DETAILS)
        review(certifications, RZ01_CODE)

    def test_type_test_and_factory_inspection_may_come_in_either_order(self, certifications, store):
        assert product_check(certifications, "factory_inspection").status == "under_audit"
        assert product_check(certifications, "type_test").status == "awaiting_decision"
        assert events(store)[-2:] == ["factory_inspection_recorded", "type_test_recorded"]

    def test_a_failed_type_test_blocks_the_grant_until_it_is_passed_on_a_retest(
        self, certifications
    ):
        product_check(certifications, "type_test", result="fail")
        product_check(certifications, "factory_inspection")
        with pytest.raises(GrantNotSupported):
            decide(certifications, code=RZ01_CODE)
        product_check(certifications, "type_test", result="pass")
        assert decide(certifications, code=RZ01_CODE).certificate.standards == [
            "GB 4706.1-2005",
            "GB 4706.19-2008",
        ]

    def test_stage_audits_do_not_apply_to_a_product(self, certifications):
        with pytest.raises(InvalidTransition):
            handlers.record_stage1(
                certifications,
                RZ01_CODE,
                {"conducted_on": None, "ready_for_stage2": True, "findings": None, "operator": AUDITOR},
                NOW,
            )


class TestGrant:
    def test_a_grant_issues_a_numbered_certificate_valid_for_three_years(
        self, certifications, verifications, store
    ):
        certification = certified(certifications, verifications)
        certificate = certification.certificate
        assert certification.status == "certified"
        assert certificate.number == "SQRZ-2026-000001"
        assert (certificate.issued_on, certificate.valid_until) == ("2026-11-26", "2029-11-25")
        assert (certificate.holder, certificate.scope) == (HOLDER, "精密机械零部件的设计和生产")
        granted = last_event(store)
        assert granted["type"] == "certificate_granted"
        assert granted["data"]["certificate_number"] == "SQRZ-2026-000001"
        assert granted["data"]["surveillance_due"] == ["2027-11-26", "2028-11-26"]

    def test_a_granted_certificate_verifies_as_genuine_and_valid_with_what_the_public_may_see(
        self, certifications, verifications
    ):
        number = number_of(certified(certifications, verifications))
        assert handlers.verify(certifications, f" {number.lower()} ", NOW) == {
            "number": number,
            "genuine": True,
            "status": "valid",
            "kind": "management_system_certificate",
            "title": "管理体系认证证书",
            "issuer": ISSUER,
            "issued_on": "2026-11-26",
            "customer": HOLDER,
            "standards": ["GB/T 19001-2016"],
            "scope": "精密机械零部件的设计和生产",
            "valid_until": "2029-11-25",
            "expired": False,
            "suspended_until": None,
            "withdrawn_on": None,
        }

    def test_certificate_numbers_count_up(self, certifications, verifications):
        certified(certifications, verifications)
        apply(certifications, verifications, RZ01_CODE, "RZ01", RZ01_DETAILS)
        review(certifications, RZ01_CODE)
        product_check(certifications, "type_test")
        product_check(certifications, "factory_inspection")
        assert number_of(decide(certifications, code=RZ01_CODE)) == "SQRZ-2026-000002"

    def test_a_decision_is_made_once(self, certifications, verifications):
        certified(certifications, verifications)
        with pytest.raises(InvalidTransition):
            decide(certifications)


class TestSurveillanceSchedule:
    def test_the_first_audit_is_due_within_twelve_months_and_then_one_each_year_until_expiry(self):
        granted = date(2026, 11, 26)
        visits = plan_visits(1, granted, validity_end(granted))
        assert [visit["due"] for visit in visits] == ["2027-11-26", "2028-11-26"]

    def test_an_early_audit_still_leaves_no_calendar_year_without_one(self):
        granted = date(2026, 1, 10)
        early_first_audit = date(2026, 12, 15)
        visits = plan_visits(1, early_first_audit, validity_end(granted), first_visit=2)
        assert [visit["due"] for visit in visits] == ["2027-12-15", "2028-12-15"]

    def test_the_year_of_expiry_has_the_recertification_audit_instead_of_a_surveillance_audit(self):
        granted = date(2026, 11, 26)
        visits = plan_visits(1, date(2027, 10, 30), validity_end(granted), first_visit=2)
        assert [visit["due"] for visit in visits] == ["2028-10-30"]

    def test_a_grant_on_29_february_is_due_on_28_february(self):
        assert (
            plan_visits(1, date(2028, 2, 29), validity_end(date(2028, 2, 29)))[0]["due"]
            == "2029-02-28"
        )


class TestClock:
    @pytest.fixture
    def certificate_number(self, certifications, verifications):
        return number_of(certified(certifications, verifications))

    def tick(self, certifications, day):
        return handlers.advance_clocks(certifications, on(day))

    def test_nothing_is_announced_before_a_surveillance_audit_comes_due(
        self, certifications, store, certificate_number
    ):
        before = len(store.pending_envelopes())
        assert self.tick(certifications, "2027-10-26") == 0
        assert len(store.pending_envelopes()) == before

    def test_an_audit_is_announced_due_thirty_days_ahead_and_overdue_after_its_date_once_each(
        self, certifications, store, certificate_number
    ):
        assert self.tick(certifications, "2027-10-27") == 1
        assert last_event(store)["type"] == "surveillance_due"
        assert last_event(store)["data"] == {
            "certificate_number": certificate_number,
            "visit": 1,
            "due": "2027-11-26",
        }
        assert self.tick(certifications, "2027-11-26") == 0
        assert self.tick(certifications, "2027-11-27") == 1
        assert last_event(store)["type"] == "surveillance_overdue"
        assert self.tick(certifications, "2027-12-20") == 0
        assert (
            events(store).count("surveillance_due")
            == events(store).count("surveillance_overdue")
            == 1
        )

    def test_a_clock_that_wakes_after_the_due_date_announces_only_that_it_is_overdue(
        self, certifications, store, certificate_number
    ):
        self.tick(certifications, "2027-12-01")
        assert "surveillance_due" not in events(store)
        assert events(store)[-1] == "surveillance_overdue"

    def test_a_recorded_audit_plans_the_next_from_its_date(
        self, certifications, store, certificate_number
    ):
        audited = handlers.record_surveillance(
            certifications,
            certificate_number,
            {"conducted_on": date(2027, 10, 30), "findings": None},
            on("2027-11-02"),
        )
        assert last_event(store)["data"]["next_due"] == "2028-10-30"
        assert [v["status"] for v in audited.certificate.surveillance] == ["completed", "planned"]

    def test_a_certificate_expires_the_day_after_its_last_valid_day_and_says_so_even_before_the_clock_ticks(
        self, certifications, store, certificate_number
    ):
        assert (
            handlers.verify(certifications, certificate_number, on("2029-11-25"))["status"]
            == "valid"
        )
        assert (
            handlers.verify(certifications, certificate_number, on("2029-11-26"))["status"]
            == "expired"
        )
        self.tick(certifications, "2029-11-26")
        assert last_event(store)["type"] == "certificate_expired"
        assert self.tick(certifications, "2029-12-26") == 0
        assert events(store).count("certificate_expired") == 1

    def test_a_suspension_that_runs_out_unrestored_becomes_a_withdrawal(
        self, certifications, store, certificate_number
    ):
        handlers.suspend(
            certifications,
            certificate_number,
            {"reason": "未按期接受监督审核", "until": date(2027, 1, 31)},
            NOW,
        )
        assert (
            handlers.verify(certifications, certificate_number, on("2027-01-31"))["status"]
            == "suspended"
        )
        assert (
            handlers.verify(certifications, certificate_number, on("2027-02-01"))["status"]
            == "withdrawn"
        )
        self.tick(certifications, "2027-02-01")
        withdrawn = last_event(store)
        assert withdrawn["type"] == "certificate_withdrawn"
        assert withdrawn["data"]["cause"] == "suspension_lapsed"

    def test_the_clock_only_looks_at_certificates_with_something_due(
        self, certifications, certificate_number
    ):
        assert certifications.due_for_clock(on("2027-10-26").timestamp()) == []
        assert [
            c.certificate_number for c in certifications.due_for_clock(on("2027-10-27").timestamp())
        ] == [certificate_number]


class TestCertificateLife:
    @pytest.fixture
    def number(self, certifications, verifications):
        return number_of(certified(certifications, verifications))

    def suspend(self, certifications, number, until=None, now=NOW):
        return handlers.suspend(
            certifications, number, {"reason": "监督审核发现严重不符合", "until": until}, now
        )

    def test_a_suspension_lasts_six_months_unless_a_shorter_end_is_given(
        self, certifications, store, number
    ):
        suspended = self.suspend(certifications, number)
        assert suspended.certificate.status == "suspended"
        assert suspended.certificate.suspension["until"] == "2027-05-26"
        assert last_event(store)["data"] == {
            "certificate_number": number,
            "reason": "监督审核发现严重不符合",
            "until": "2027-05-26",
        }

    def test_a_suspension_cannot_be_longer_than_six_months_or_end_in_the_past(
        self, certifications, number
    ):
        with pytest.raises(DateOutOfRange):
            self.suspend(certifications, number, until=date(2027, 5, 27))
        with pytest.raises(DateOutOfRange):
            self.suspend(certifications, number, until=date(2026, 11, 26))

    def test_a_suspended_certificate_verifies_as_suspended_and_cannot_be_suspended_again(
        self, certifications, number
    ):
        self.suspend(certifications, number)
        assert handlers.verify(certifications, number, NOW)["status"] == "suspended"
        with pytest.raises(InvalidTransition):
            self.suspend(certifications, number)

    def test_a_restored_certificate_is_valid_again(self, certifications, store, number):
        self.suspend(certifications, number)
        restored = handlers.restore(certifications, number, {"comments": "整改验证通过"}, NOW)
        assert restored.certificate.status == "valid" and restored.certificate.suspension is None
        assert last_event(store)["type"] == "certificate_restored"
        with pytest.raises(InvalidTransition):
            handlers.restore(certifications, number, {"comments": None}, NOW)

    @pytest.mark.parametrize("suspended_first", [False, True])
    def test_a_withdrawn_certificate_is_withdrawn_for_good(
        self, certifications, store, number, suspended_first
    ):
        if suspended_first:
            self.suspend(certifications, number)
        handlers.withdraw(certifications, number, {"reason": "企业申请注销"}, NOW)
        assert handlers.verify(certifications, number, NOW)["status"] == "withdrawn"
        assert last_event(store)["data"] == {
            "certificate_number": number,
            "reason": "企业申请注销",
            "cause": "decision",
        }
        for step in (
            lambda: self.suspend(certifications, number),
            lambda: handlers.restore(certifications, number, {"comments": None}, NOW),
            lambda: handlers.withdraw(certifications, number, {"reason": "再次"}, NOW),
        ):
            with pytest.raises(InvalidTransition):
                step()

    def test_the_scope_can_be_narrowed_and_sites_dropped(self, certifications, store, number):
        reduced = handlers.reduce_scope(
            certifications,
            number,
            {
                "scope": "精密机械零部件的生产",
                "sites": ["宿迁市沭阳县经济开发区上海路18号"],
                "reason": "南关场所停产",
            },
            NOW,
        )
        assert reduced.certificate.scope == "精密机械零部件的生产"
        assert reduced.certificate.sites == ["宿迁市沭阳县经济开发区上海路18号"]
        assert last_event(store)["type"] == "certificate_scope_reduced"
        assert handlers.verify(certifications, number, NOW)["scope"] == "精密机械零部件的生产"

    @pytest.mark.parametrize(
        "change",
        [
            {
                "scope": None,
                "sites": ["宿迁市沭阳县经济开发区上海路18号", "宿迁市沭阳县南关工业园2号"],
            },
            {"scope": None, "sites": ["宿迁市新地址1号"]},
            {"scope": "精密机械零部件的设计和生产", "sites": None},
        ],
        ids=["same sites", "a new site", "same scope"],
    )
    def test_a_scope_reduction_must_reduce_something_and_add_nothing(
        self, certifications, number, change
    ):
        with pytest.raises(ScopeNotReduced):
            handlers.reduce_scope(certifications, number, {**change, "reason": "调整"}, NOW)

    def test_recertification_is_refused_before_the_last_year_of_the_cycle(
        self, certifications, number
    ):
        with pytest.raises(RecertificationNotDue):
            handlers.recertify(
                certifications, number, {"conducted_on": None, "comments": None}, on("2028-11-24")
            )

    def test_recertification_waits_for_the_surveillance_audits_of_the_cycle(
        self, certifications, number
    ):
        with pytest.raises(SurveillanceOutstanding):
            handlers.recertify(
                certifications, number, {"conducted_on": None, "comments": None}, on("2029-06-01")
            )

    def test_recertification_before_expiry_starts_a_new_three_year_cycle_from_the_old_expiry(
        self, certifications, store, number
    ):
        for audit_day in ("2027-11-01", "2028-10-15"):
            handlers.record_surveillance(
                certifications,
                number,
                {"conducted_on": date.fromisoformat(audit_day), "findings": None},
                on(audit_day),
            )
        with pytest.raises(NoSurveillancePlanned):
            handlers.record_surveillance(
                certifications, number, {"conducted_on": None, "findings": None}, on("2029-06-01")
            )
        renewed = handlers.recertify(
            certifications,
            number,
            {"conducted_on": None, "comments": "再认证审核通过"},
            on("2029-09-01"),
        )
        assert renewed.certificate.valid_until == "2032-11-25"
        assert renewed.certificate.cycle == 2
        assert [v["due"] for v in renewed.certificate.planned_visits()] == [
            "2030-09-01",
            "2031-09-01",
        ]
        assert last_event(store)["type"] == "certificate_renewed"
        assert handlers.verify(certifications, number, on("2030-01-01"))["status"] == "valid"

    def test_an_expired_certificate_cannot_be_recertified_or_suspended(
        self, certifications, number
    ):
        with pytest.raises(InvalidTransition):
            handlers.recertify(
                certifications, number, {"conducted_on": None, "comments": None}, on("2029-11-26")
            )
        with pytest.raises(InvalidTransition):
            self.suspend(certifications, number, now=on("2029-12-01"))

    def test_an_unknown_certificate_is_named_as_such(self, certifications):
        with pytest.raises(CertificateNotFound):
            handlers.verify(certifications, "SQRZ-2026-999999", NOW)


class TestVerificationRequests:
    def rz03(
        self, certifications, verifications, number, holder=None, code="321322-20261126-00003-2"
    ):
        details = {"certificate_number": number, "certificate_holder": holder}
        return handlers.receive_dispatched_request(
            certifications,
            verifications,
            dispatched_work(code, "RZ03", "certification", details),
            NOW,
        )

    def test_a_verification_request_is_answered_from_the_registry_at_once(
        self, certifications, verifications
    ):
        number = number_of(certified(certifications, verifications))
        answered = self.rz03(
            certifications, verifications, number.lower().replace("-", "－"), holder=HOLDER
        )
        assert answered.answer == {
            "certificate_status": "valid",
            "holder": HOLDER,
            "holder_matches": True,
            "valid_until": "2029-11-25",
        }
        assert [e["type"] for e in verifications.store.pending_envelopes()] == [
            "job_accepted",
            "verification_answered",
        ]

    def test_a_holder_that_is_not_the_one_on_the_certificate_is_pointed_out(
        self, certifications, verifications
    ):
        number = number_of(certified(certifications, verifications))
        assert (
            self.rz03(certifications, verifications, number, holder="别的公司").answer[
                "holder_matches"
            ]
            is False
        )

    def test_a_number_the_registry_does_not_know_is_answered_as_not_found(
        self, certifications, verifications
    ):
        answer = self.rz03(certifications, verifications, "CQC2026010101").answer
        assert answer == {"certificate_status": "not_found", "holder_matches": None}


class TestStandardsWatch:
    def superseded(self, number="GB/T 19001-2016"):
        return StandardEnded(number=number, status="superseded", on="2026-11-26", replaced_by="GB/T 19001-2026")

    def test_a_standing_certificate_and_an_open_application_citing_the_standard_are_flagged_once(
        self, certifications, verifications, store
    ):
        certified(certifications, verifications)
        apply(certifications, verifications, "321322-20261126-00004-0")
        apply(certifications, verifications, RZ01_CODE, "RZ01", RZ01_DETAILS)
        ended = self.superseded()
        assert handlers.flag_standard(certifications, ended, NOW) == 2
        assert handlers.flag_standard(certifications, ended, NOW) == 0
        flagged = [e for e in store.pending_envelopes() if e["type"] == "standard_flagged"]
        assert sorted(e["request_code"] for e in flagged) == sorted(
            [RZ02_CODE, "321322-20261126-00004-0"]
        )
        assert flagged[0]["data"]["replaced_by"] == "GB/T 19001-2026"

    def test_a_withdrawn_certificate_is_not_flagged(self, certifications, verifications):
        number = number_of(certified(certifications, verifications))
        handlers.withdraw(certifications, number, {"reason": "注销"}, NOW)
        assert handlers.flag_standard(certifications, self.superseded(), NOW) == 0


class TestImpartiality:
    """ISO/IEC 17021-1 §9.5: the decision is taken by someone who took no part in the audit."""

    def test_each_step_records_who_took_it(self, certifications, verifications):
        apply(certifications, verifications)
        review(certifications)
        stage1(certifications, auditors=["审核员乙", "技术专家丁"])
        stage2(certifications, by="审核员戊")
        decided = decide(certifications)
        assert decided.review["by"] == REVIEWER
        assert (decided.audits["stage1"]["recorded_by"], decided.audits["stage1"]["auditors"]) == (
            AUDITOR, ["审核员乙", "技术专家丁"])
        assert decided.audits["stage2"]["auditors"] == ["审核员戊"]  # the recorder when none are named
        assert decided.decision["by"] == DECIDER

    @pytest.mark.parametrize("decider, role", [
        (REVIEWER, "role.application_reviewer"), (AUDITOR, "role.auditor"), ("技术专家丁", "role.auditor")])
    def test_whoever_reviewed_or_audited_the_application_may_not_decide_it(self, certifications, verifications,
                                                                             decider, role):
        apply(certifications, verifications)
        review(certifications)
        stage1(certifications, auditors=[AUDITOR, "技术专家丁"])
        stage2(certifications)
        for decision in ("grant", "refuse"):
            with pytest.raises(RuleViolated) as refused:
                decide(certifications, decision, "理由", by=decider)
            assert (refused.value.code, refused.value.params) == ("impartiality_conflict",
                                                                  {"operator": decider, "role": role})
        assert certifications.get(RZ02_CODE).status == "awaiting_decision"
        assert certifications.get(RZ02_CODE).certificate_number is None  # no number drawn

    def test_a_product_decision_is_impartial_too(self, certifications, verifications):
        apply(certifications, verifications, code=RZ01_CODE, item="RZ01", details=RZ01_DETAILS)
        review(certifications, code=RZ01_CODE)
        product_check(certifications, "type_test", by="检验员庚")
        product_check(certifications, "factory_inspection")
        with pytest.raises(RuleViolated):
            decide(certifications, code=RZ01_CODE, by="检验员庚")
        assert decide(certifications, code=RZ01_CODE).status == "certified"
