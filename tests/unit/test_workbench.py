"""The operators' workbench (issue 27), below the pages: what a console form posts, how
it is shown again, the job lists of each domain, a manager's queue of every station,
and what the verification and tracking pages say."""

import re
from datetime import date
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from services.common.envelope import new_envelope
from services.gateway.adapters.repository import RequestRepository
from services.gateway.bootstrap import reference_data, shipped_calendar
from services.gateway.domain.access import Forbidden, Principal
from services.gateway.handlers import intake as gateway_intake
from services.gateway.handlers import operators
from services.gateway.handlers import station as gateway_station
from services.gateway.web.api.verify import verification_view
from services.gateway.web.forms import FormState, posted_command
from services.gateway.web.messages import MESSAGES
from services.gateway.web.pages import registers, session, workbench
from services.gateway.web.schemas.intake import load_submission
from services.gateway.web.views import reference_standard_choices, submitted_view
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import JC02_BODY, JL02_BODY, NOW, project, through_the_station

CATALOGUE, STATIONS = reference_data()
METROLOGY_OPERATOR = Principal("metrology-1", "operator", "计量 业务员1", domain="metrology")
TESTING_OPERATOR = Principal("testing-1", "operator", "检测 业务员1", domain="testing")
STAFF = Principal("staff-321322", "staff", "沭阳县服务站 王芳", station="321322")
MANAGER = Principal("manager", "manager", "市场监管局")
TODAY = date(2026, 11, 26)
TEMPLATES = Path(__file__).parents[2] / "services" / "gateway" / "web" / "templates"


class TestWhatAConsoleFormPosts:
    def test_inputs_named_by_their_path_become_the_command_the_service_takes(self):
        command = posted_command(MultiDict([
            ("csrf", "token"), ("lang", "en"), ("environment.location", " 压力室 "),
            ("instruments.0.serial_number", "SN-1"), ("instruments.0.reference_standards", "RS-1"),
            ("instruments.0.reference_standards", "RS-2"), ("instruments.0.points.0.nominal", "1.6"),
            ("instruments.0.points.1.nominal", ""), ("instruments.0.points.2.nominal", "2.5"),
            ("instruments.0.method.code", ""), ("period_months", "12"),
        ]))
        assert command == {
            "environment": {"location": "压力室"},
            "instruments": [{"serial_number": "SN-1", "reference_standards": ["RS-1", "RS-2"],
                             "points": [{"nominal": "1.6"}, {"nominal": "2.5"}]}],  # the blank row is no row
            "period_months": 12,
        }

    def test_one_reference_standard_ticked_is_still_a_list_and_none_ticked_is_none_given(self):
        assert posted_command(MultiDict([("instruments.0.reference_standards", "RS-1"),
                                         ("instruments.0.serial_number", "SN-1")])) == {
            "instruments": [{"serial_number": "SN-1", "reference_standards": ["RS-1"]}]}
        assert posted_command(MultiDict([("instruments.0.serial_number", "SN-1")])) == {
            "instruments": [{"serial_number": "SN-1"}]}

    def test_a_number_that_is_not_one_is_left_for_the_service_to_refuse(self):
        assert posted_command(MultiDict([("period_months", "twelve")])) == {"period_months": "twelve"}


class TestAFormShownAgain:
    def test_it_keeps_what_was_posted_and_puts_each_message_beside_its_input(self):
        form = FormState.of({"points": [{"nominal": "1"}, {"nominal": "2"}]},
                            {"points": {"1": {"unit": ["required"]}}, "_schema": ["nothing_to_change"]})
        assert form.value("points.1.nominal") == "2" and form.value("points.1.unit") == ""
        assert form.error("points.1.unit") == ["required"]
        assert form.unshown() == ["nothing_to_change"]  # no input asked: the form shows it at its end

    def test_a_table_shows_the_rows_posted_and_one_more_when_asked(self):
        form = FormState.of({"points": [{"nominal": "1"}, {"nominal": "2"}]}, extra_rows={"points": 1})
        assert form.rows("points", minimum=1) == 3
        assert FormState().rows("points", minimum=3) == 3

    def test_ticked_boxes_are_kept(self):
        assert FormState.of({"sites": ["甲", "乙"]}).chosen("sites") == ["甲", "乙"]


@pytest.fixture
def requests():
    return RequestRepository(InMemoryDocumentStore())


def submitted(requests, body=JL02_BODY):
    request, _ = gateway_intake.submit(requests, None, load_submission(body, CATALOGUE, STATIONS), CATALOGUE, NOW)
    return request.code


class TestJobLists:
    def test_an_operator_sees_the_work_dispatched_to_their_domain_oldest_first_with_counts(self, requests):
        first, second = submitted(requests), submitted(requests)
        testing = submitted(requests, JC02_BODY)
        not_dispatched = submitted(requests)
        for code in (first, second, testing):
            through_the_station(requests, code)
        jobs = operators.job_list(requests, CATALOGUE, shipped_calendar(), METROLOGY_OPERATOR, "metrology", {},
                                  TODAY)
        assert [row.request.code for row in jobs.rows] == [first, second]
        assert not_dispatched not in [row.request.code for row in jobs.rows]
        assert jobs.counts["dispatched"] == 2 and jobs.total == 2
        assert all(row.due is not None for row in jobs.rows)

    def test_work_a_standard_supersession_flagged_is_marked_and_can_be_listed_alone(self, requests):
        plain, flagged = submitted(requests, JC02_BODY), submitted(requests, JC02_BODY)
        for code in (plain, flagged):
            through_the_station(requests, code)
        project(requests, new_envelope("testing", "standard_flagged", {"number": "GB 2763-2019"}, flagged))
        jobs = operators.job_list(requests, CATALOGUE, shipped_calendar(), TESTING_OPERATOR, "testing",
                                  {"flagged": True}, TODAY)
        assert [(row.request.code, row.flagged) for row in jobs.rows] == [(flagged, True)]

    def test_an_operator_may_not_list_another_domains_work_nor_station_staff_any(self, requests):
        with pytest.raises(Forbidden):
            operators.job_list(requests, CATALOGUE, shipped_calendar(), TESTING_OPERATOR, "metrology", {}, TODAY)
        with pytest.raises(Forbidden):
            operators.job_list(requests, CATALOGUE, shipped_calendar(), STAFF, "metrology", {}, TODAY)
        assert operators.job_list(requests, CATALOGUE, shipped_calendar(), MANAGER, "metrology", {}, TODAY).rows == []

    def test_the_request_behind_a_job_is_its_domains_operators_to_see(self, requests):
        code = submitted(requests)
        assert operators.request_for_operator(requests, METROLOGY_OPERATOR, code).code == code
        with pytest.raises(Forbidden):
            operators.request_for_operator(requests, TESTING_OPERATOR, code)


class TestAManagersQueue:
    def test_a_manager_naming_no_station_sees_every_stations_queue(self, requests):
        here = submitted(requests)
        there = submitted(requests, {**JL02_BODY, "enterprise": {**JL02_BODY["enterprise"], "station": "321302"}})
        queue = gateway_station.queue(requests, CATALOGUE, STATIONS, shipped_calendar(), MANAGER, {}, TODAY)
        assert queue.station is None
        assert {row.request.code for row in queue.rows} == {here, there}
        assert queue.counts["submitted"] == 2

    def test_station_staff_still_see_their_own_station_only(self, requests):
        submitted(requests, {**JL02_BODY, "enterprise": {**JL02_BODY["enterprise"], "station": "321302"}})
        queue = gateway_station.queue(requests, CATALOGUE, STATIONS, shipped_calendar(), STAFF, {}, TODAY)
        assert queue.station["division"] == "321322" and queue.rows == []


def test_every_staff_role_signs_in_to_the_console():
    """The regression of issue 27: operators got "wrong username or password" on
    /staff/login though the pair worked on the API, because the console let in station
    staff, managers and admins only."""
    assert set(session.CONSOLE_ROLES) == {"staff", "operator", "manager", "admin"}


class TestWhatAVerifierReads:
    def test_a_notice_of_failure_in_force_says_it_is_one_not_current(self):
        view = verification_view({"number": "SQJL-2026-000009", "status": "current", "conclusion": "fail",
                                   "kind": "verification_failure_notice"}, "zh-CN")
        assert view["status_label"] == "检定不合格（检定结果通知书）" and view["badge"] == "failure"
        assert view["conclusion_label"] == "不合格"
        assert verification_view({"number": "SQJL-2026-000001", "status": "current",
                                  "kind": "verification_certificate"}, "zh-CN")["status_label"] == "现行有效"

    def test_english_readers_read_english_labels(self):
        view = verification_view({"number": "SQJL-2026-000001", "status": "current", "conclusion": "pass",
                                  "kind": "calibration_certificate", "title": "校准证书"}, "en")
        assert (view["kind_label"], view["status_label"], view["conclusion_label"]) == (
            "Calibration certificate", "Current", "Pass")

    def test_a_superseded_document_names_whether_its_latest_version_stands(self):
        calls = {"SQJL-2026-000001-R1": {"number": "SQJL-2026-000001-R1", "status": "superseded",
                                         "superseded_by": "SQJL-2026-000001-R2"},
                 "SQJL-2026-000001-R2": {"number": "SQJL-2026-000001-R2", "status": "withdrawn",
                                         "withdrawn_on": "2026-12-01"}}

        class Services:
            def call(self, service, method, number, not_found=None):
                return calls.get(number) or {"number": number, "status": "superseded",
                                             "superseded_by": "SQJL-2026-000001-R1"}

        answer = operators.verify(Services(), "SQJL-2026-000001")
        assert answer["latest_version"] == {"number": "SQJL-2026-000001-R2", "status": "withdrawn",
                                            "withdrawn_on": "2026-12-01"}


def test_what_was_submitted_reads_under_the_forms_own_labels():
    shown = submitted_view(CATALOGUE.item("JL02"), JL02_BODY["details"], "en")
    assert shown[0]["label"] == "Instruments"
    assert {"label": "Serial number", "value": "SN-0001"} in shown[0]["rows"][0]


def test_reference_standards_that_may_not_be_used_say_why():
    standards = [{"id": "RS-1", "status": "in_service", "calibration_valid_until": "2027-01-01"},
                 {"id": "RS-2", "status": "out_of_tolerance", "calibration_valid_until": "2027-01-01"},
                 {"id": "RS-3", "status": "in_service", "calibration_valid_until": "2026-01-01"}]
    choices = reference_standard_choices(standards, TODAY, "zh-CN")
    assert [choice["state"] for choice in choices] == ["in_service", "out_of_tolerance", "calibration_expired"]
    assert choices[0]["unusable"] is None and "RS-2" in choices[1]["unusable"] and "RS-3" in choices[2]["unusable"]


def test_every_text_a_template_names_is_in_both_languages():
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r'\bt\("([a-z_.0-9-]+)"[,)]', template.read_text(encoding="utf-8")))
    assert sorted(key for key in used if key not in MESSAGES) == []


STEPS_ON_SCREEN = sorted({step for steps in (*workbench.JOB_STEPS.values(), *workbench.DOCUMENT_STEPS.values())
                          for step in steps} | {registers.REGISTER_STANDARD.method, registers.CHECK_STANDARD.method,
                                                registers.SET_PERIOD.method, "approved", "refused"})


@pytest.mark.parametrize("prefix, names", [
    ("page.work.step.", STEPS_ON_SCREEN),
    ("job_status.", ["received", "samples_received", "in_progress", "results_recorded", "reviewed", "completed",
                     "declined", "applied", "under_audit", "awaiting_decision", "not_accepted", "refused", "certified",
                     "awaiting_answer", "under_review", "answered", "documents_reviewed", "documents_returned",
                     "assessed", "terminated"]),
    ("document_kind.", ["verification_certificate", "verification_failure_notice", "calibration_certificate",
                        "test_report", "rapid_test_report", "product_certificate", "management_system_certificate",
                        "measurement_standard_certificate"]),
])
def test_every_step_state_and_kind_the_pages_name_has_words(prefix, names):
    assert [name for name in names if f"{prefix}{name}" not in MESSAGES] == []


@pytest.mark.parametrize("state", [
    # what a verification says
    "current", "superseded", "withdrawn", "failure", "valid", "suspended", "expired",
    # a request's status
    "submitted", "awaiting_enterprise", "accepted", "rejected", "dispatched", "in_progress", "completed", "rated",
    "cancelled", "terminated", "partially_completed",
])
def test_every_state_a_badge_shows_has_a_colour_of_its_own(state):
    css = (TEMPLATES.parent / "static" / "style.css").read_text(encoding="utf-8")
    assert re.search(rf"\.status-{state}\b[^{{]*{{[^}}]*background", css) or re.search(
        rf"\.status-{state}\b\s*,", css), f"no colour for .status-{state}"
