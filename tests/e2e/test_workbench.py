"""The console for every staff account (issue 27), over HTTP as a browser without
JavaScript uses it: one sign-in, each operator's job list and step forms with
field-level errors, the manager's queue of every station, and the fixes of what people
read on the verification and tracking pages."""

import re
import uuid

import httpx
import pytest

from ..conftest import form_token, new_client_address, signed_in, through_the_station
from ..support.data import (
    JL01_BODY,
    JL02_BODY,
    REFERENCE_STANDARD,
    RZ02_DETAILS,
    calibration_results,
    verification_results,
)
from ..support.files import EXE, PDF
from ..support.waiting import eventually

pytestmark = pytest.mark.e2e

PHONE = "13912345678"
METROLOGY = signed_in("metrology-1")
REVIEWER = signed_in("metrology-2")


class Console:
    """One person in a browser without JavaScript: signed in to the console."""

    def __init__(self, stack, username):
        self.http = httpx.Client(base_url=stack.gateway_url, timeout=30,
                                 headers={"X-Forwarded-For": new_client_address()})
        self.signed_in = self.http.post("/staff/login", data={
            "username": username, "password": f"demo-{username}", "form_token": form_token(self.http, "/staff/login")})

    def get(self, path, **params):
        return self.http.get(path, params=params)

    def post(self, path, data, page=None, files=None):
        """Post a form of ``page`` (by default the page the step is on) with its CSRF token
        (with ``files``, [(input name, (file name, bytes))], as multipart)."""
        html = self.http.get(page or path.rsplit("/", 1)[0]).text
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
        assert token, f"{page or path} offers no form"
        return self.http.post(path, data={"csrf": token.group(1), **data}, files=files)

    def close(self):
        self.http.close()


@pytest.fixture
def console(stack):
    opened = []

    def sign_in(username):
        opened.append(Console(stack, username))
        return opened[-1]

    yield sign_in
    for each in opened:
        each.close()


def submitted(api, body=JL02_BODY):
    answer = api.post("/api/v1/requests", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()["code"]


def tracked(api, code):
    return api.get(f"/api/v1/requests/{code}", params={"phone": PHONE}).json()


def dispatched(api, body=JL02_BODY):
    """A request the station accepted and dispatched, once its domain service has it."""
    code = submitted(api, body)
    through_the_station(api, code)
    eventually(lambda: tracked(api, code), lambda seen: seen["status"] == "in_progress")
    return code


def new_standard(api, **changes):
    standard = {**REFERENCE_STANDARD, "id": f"RS-{uuid.uuid4().hex[:6].upper()}", **changes}
    standard.pop("operator")
    assert api.post("/api/v1/metrology/reference-standards", json=standard, headers=METROLOGY).status_code == 201
    return standard["id"]


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def messages_beside(html, name):
    """The messages shown beside the input named ``name``."""
    return re.findall(rf'data-for="{re.escape(name)}">([^<]*)<', html)


class TestOneSignIn:
    @pytest.mark.parametrize("username, lands_on", [
        ("metrology-1", "/staff/jobs"), ("testing-2", "/staff/jobs"), ("certification-1", "/staff/jobs"),
        ("standards-1", "/staff/jobs"), ("staff-321322", "/staff"), ("manager", "/staff"), ("admin", "/staff"),
    ])
    def test_every_staff_account_signs_in_at_the_console_and_lands_on_its_work(self, console, username, lands_on):
        person = console(username)
        assert person.signed_in.status_code == 303, text_of(person.signed_in.text)
        first = person.get("/staff")
        if lands_on == "/staff/jobs":  # operators have no station queue: their job list
            assert first.status_code == 303 and first.headers["location"] == "/staff/jobs"
            first = person.get("/staff/jobs")
        assert first.status_code == 200 and "用户名或密码不正确" not in first.text

    def test_a_wrong_password_of_an_operator_is_still_refused(self, stack):
        with httpx.Client(base_url=stack.gateway_url, headers={"X-Forwarded-For": new_client_address()}) as browser:
            answer = browser.post("/staff/login", data={"username": "metrology-1", "password": "guess",
                                                        "form_token": form_token(browser, "/staff/login")})
        assert answer.status_code == 401 and "用户名或密码不正确" in answer.text

    def test_a_manager_opens_on_every_stations_queue_with_a_station_selector(self, api, console):
        here = submitted(api)
        there = submitted(api, {**JL02_BODY, "enterprise": {**JL02_BODY["enterprise"], "station": "321324"}})
        manager = console("manager")
        page = manager.get("/staff")
        assert page.status_code == 200
        assert 'id="station-selector"' in page.text and "全部服务站 办件队列" in page.text
        # Oldest first: after a long run the two new ones may be pages further on.
        shown = ""
        for offset in range(0, 20_000, 500):
            shown += manager.get("/staff", limit=500, offset=offset).text
            if f'data-code="{here}"' in shown and f'data-code="{there}"' in shown:
                break
        assert f'data-code="{here}"' in shown and f'data-code="{there}"' in shown
        one = manager.get("/staff", station="321324", limit=500)
        assert f'data-code="{there}"' in one.text and f'data-code="{here}"' not in one.text

    def test_the_api_gives_a_manager_every_station_too(self, api):
        queue = api.get("/api/v1/station/requests", headers=signed_in("manager"))
        assert queue.status_code == 200 and queue.json()["station"] is None


class TestTheJobList:
    def test_an_operator_lists_their_domains_jobs_with_counts_and_opens_one(self, api, console):
        code = dispatched(api)
        person = console("metrology-1")
        jobs = person.get("/staff/jobs")
        assert f'data-code="{code}"' in jobs.text and 'id="counts"' in jobs.text
        job = person.get(f"/staff/jobs/{code}")
        assert job.status_code == 200 and 'id="step-start"' in job.text
        assert "SN-0001" in text_of(job.text)  # what was asked for, under the form's own labels

    def test_an_operator_of_another_domain_may_not_open_the_job(self, api, console):
        code = dispatched(api)
        assert console("testing-1").get(f"/staff/jobs/{code}").status_code == 403

    def test_a_manager_reads_a_job_but_is_offered_no_step(self, api, console):
        code = dispatched(api)
        page = console("manager").get(f"/staff/jobs/{code}")
        assert page.status_code == 200 and 'id="step-start"' not in page.text


class TestStepsOnScreen:
    def test_a_calibration_is_worked_from_start_to_certificate_by_two_people(self, api, console):
        standard = new_standard(api)
        code = dispatched(api)
        first, second = console("metrology-1"), console("metrology-2")
        job = f"/staff/jobs/{code}"
        assert first.post(f"{job}/start", {}).status_code == 303
        results = {"environment.location": "压力室", "environment.temperature_c": "20.5",
                   "environment.humidity_pct": "55", "instruments.0.serial_number": "SN-0001",
                   "instruments.0.method.code": "JJG 875-2019", "instruments.0.reference_standards": standard,
                   "instruments.0.points.0.nominal": "1.600", "instruments.0.points.0.measured": "1.5985",
                   "instruments.0.points.0.expanded_uncertainty": "0.0012",
                   "instruments.0.points.0.coverage_factor": "2", "instruments.0.points.0.unit": "MPa"}
        adjusted = first.post(f"{job}/results", {**results, "instruments.0.adjusted": "true"})
        assert adjusted.status_code == 422
        assert "器具经调整时，每个校准点都应给出调整前的测得值" in text_of(adjusted.text)
        assert 'value="1.5985"' in adjusted.text  # what was typed is kept
        assert first.post(f"{job}/results", results).status_code == 303
        own = first.post(f"{job}/review", {"approved": "true"})
        assert own.status_code == 409 and "复核人不能是记录结果的人" in text_of(own.text)
        assert second.post(f"{job}/review", {"approved": "true"}).status_code == 303
        assert second.post(f"{job}/issue", {}).status_code == 303
        done = eventually(lambda: tracked(api, code), lambda seen: seen["status"] == "completed")
        number = done["result"]["certificate_number"]
        assert f"/staff/documents/{number}" in second.get(job).text
        assert second.get(f"/staff/documents/{number}").status_code == 200

    def test_a_field_the_service_refuses_is_named_beside_its_input_in_english_too(self, api, console):
        code = dispatched(api)
        person = console("metrology-1")
        person.post(f"/staff/jobs/{code}/start", {})
        refused = person.post(f"/staff/jobs/{code}/results", {
            "lang": "en", "environment.location": "Lab", "instruments.0.serial_number": "SN-0001",
            "instruments.0.points.0.nominal": "x"})
        assert refused.status_code == 422
        assert messages_beside(refused.text, "environment.temperature_c") == ["This field is required."]
        assert messages_beside(refused.text, "instruments.0.points.0.nominal") == ["This field must be a number."]
        assert messages_beside(refused.text, "instruments.0.reference_standards") == ["This field is required."]

    def test_the_picker_refuses_a_reference_standard_out_of_tolerance_or_past_its_calibration(self, api, console):
        broken = new_standard(api)
        api.post(f"/api/v1/metrology/reference-standards/{broken}/checks", headers=METROLOGY,
                 json={"checked_on": REFERENCE_STANDARD["last_good_check_on"], "result": "out_of_tolerance"})
        expired = new_standard(api, calibration_valid_until="2020-01-01", last_good_check_on="2019-06-01")
        code = dispatched(api)
        person = console("metrology-1")
        person.post(f"/staff/jobs/{code}/start", {})
        page = person.get(f"/staff/jobs/{code}").text
        for standard in (broken, expired):  # offered, but not to be ticked
            assert re.search(rf'value="{standard}"[^>]*disabled', page)
        refused = person.post(f"/staff/jobs/{code}/results", {
            "environment.location": "压力室", "environment.temperature_c": "20", "environment.humidity_pct": "50",
            "instruments.0.serial_number": "SN-0001", "instruments.0.method.code": "JJG 875-2019",
            "instruments.0.reference_standards": broken, "instruments.0.points.0.nominal": "1",
            "instruments.0.points.0.measured": "1", "instruments.0.points.0.expanded_uncertainty": "0.01",
            "instruments.0.points.0.coverage_factor": "2", "instruments.0.points.0.unit": "MPa"})
        assert refused.status_code == 422
        assert messages_beside(refused.text, "instruments.0.reference_standards") == [
            f"计量标准{broken}已判定失准，不能使用"]

    def test_a_consultation_is_answered_with_files_the_enterprise_and_the_console_download(self, api, console):
        code = dispatched(api, {**JL02_BODY, "item": "JL04", "details": {"topic": "traceability",
                                                                          "question": "压力表多久检定一次？"}})
        person = console("metrology-1")
        form = person.get(f"/staff/jobs/{code}").text
        assert re.search(r'<form[^>]*id="step-answer"[^>]*enctype="multipart/form-data"', form)
        assert 'type="file" id="answer-attachments" name="attachments" multiple' in form
        answered = person.post(f"/staff/jobs/{code}/answer", {"answer": "一般不超过6个月，详见附件。"}, files=[
            ("attachments", ("检定周期说明.pdf", PDF)), ("attachments", ("依据.txt", b"JJG 52-2013\n"))])
        assert answered.status_code == 303, answered.text
        job = api.get(f"/api/v1/metrology/jobs/{code}", headers=METROLOGY).json()
        assert job["status"] == "completed" and [each["name"] for each in job["answer"]["attachments"]] == [
            "检定周期说明.pdf", "依据.txt"]
        pdf = job["answer"]["attachments"][0]

        page = person.get(f"/staff/jobs/{code}").text
        link = f'/staff/files/{code}/{pdf["id"]}'
        assert re.search(rf'id="answer-files">.*href="{link}"', page, re.S)
        download = person.get(link)
        assert download.status_code == 200 and download.content == PDF
        assert download.headers["content-type"] == "application/pdf"

        eventually(lambda: tracked(api, code), lambda seen: seen["status"] == "completed")
        with httpx.Client(base_url=api.base_url, headers={"X-Forwarded-For": new_client_address()}) as browser:
            tracking = browser.post("/track", data={"code": code, "phone": PHONE,
                                                    "form_token": form_token(browser, "/track")}).text
            listed = re.search(r'<ul id="result-attachments">(.*?)</ul>', tracking, re.S).group(1)
            href = re.search(r'href="([^"]+)"[^>]*>检定周期说明.pdf<', listed).group(1).replace("&amp;", "&")
            assert href == f"/api/v1/requests/{code}/files/{pdf['id']}?phone={PHONE}"
            assert browser.get(href).content == PDF

    def test_a_file_of_the_wrong_type_is_refused_beside_its_input_and_nothing_is_kept(self, api, console, gateway_db):
        code = dispatched(api, {**JL02_BODY, "item": "JL04", "details": {"topic": "selection",
                                                                          "question": "压力表选几级精度？"}})
        person = console("metrology-1")
        before = gateway_db.attachments.count_documents({})
        refused = person.post(f"/staff/jobs/{code}/answer", {"answer": "选0.4级，见附件。"}, files=[
            ("attachments", ("选型说明.pdf", PDF)), ("attachments", ("选型表.pdf", EXE))])
        assert refused.status_code == 415
        (said,) = messages_beside(refused.text, "attachments")
        assert "选型表.pdf" in said and "application/x-msdownload" in said
        assert 'aria-invalid="true"' in re.search(r'<input type="file"[^>]*>', refused.text).group(0)
        assert "选0.4级，见附件。" in refused.text  # the words stay; the files are chosen again

        blank = person.post(f"/staff/jobs/{code}/answer", {"answer": " "}, files=[("attachments", ("说明.pdf", PDF))])
        assert blank.status_code == 422 and messages_beside(blank.text, "answer") == ["此项为必填项"]
        assert gateway_db.attachments.count_documents({}) == before
        assert api.get(f"/api/v1/metrology/jobs/{code}", headers=METROLOGY).json()["status"] == "received"

    def test_a_table_gets_one_more_row_without_javascript(self, api, console):
        code = dispatched(api)
        person = console("metrology-1")
        person.post(f"/staff/jobs/{code}/start", {})
        three_rows = {f"instruments.0.points.{row}.nominal": str(row + 1) for row in range(3)}
        more = person.post(f"/staff/jobs/{code}/results", {"action": "add:instruments.0.points", **three_rows})
        assert more.status_code == 200 and 'name="instruments.0.points.3.nominal"' in more.text
        assert 'name="instruments.0.points.2.nominal" value="3"' in more.text  # what was typed is kept
        assert api.get(f"/api/v1/metrology/jobs/{code}", headers=METROLOGY).json()["results"] is None

    def test_a_step_posted_from_another_site_is_refused(self, api, console):
        code = dispatched(api)
        person = console("metrology-1")
        forged = person.http.post(f"/staff/jobs/{code}/start", data={})
        assert forged.status_code == 403
        assert api.get(f"/api/v1/metrology/jobs/{code}", headers=METROLOGY).json()["status"] == "received"

    def test_a_management_system_is_certified_on_screen(self, api, console):
        code = dispatched(api, {**JL02_BODY, "item": "RZ02", "details": RZ02_DETAILS})
        auditor, decider = console("certification-1"), console("certification-2")
        job = f"/staff/jobs/{code}"
        assert auditor.post(f"{job}/review", {"accepted": "true"}).status_code == 303
        today = re.search(r'name="conducted_on" value="([0-9-]+)"', auditor.get(job).text).group(1)
        assert auditor.post(f"{job}/stage1", {"conducted_on": today, "ready_for_stage2": "true"}).status_code == 303
        future = auditor.post(f"{job}/stage2", {"conducted_on": "2099-01-01", "recommendation": "grant"})
        assert future.status_code == 422 and messages_beside(future.text, "conducted_on") == ["日期不能晚于今天"]
        assert auditor.post(f"{job}/stage2", {"conducted_on": today, "recommendation": "grant",
                                              "major_nonconformities": "0", "minor_nonconformities": "1"}
                            ).status_code == 303
        refused = decider.post(f"{job}/decision", {"decision": "refuse"})
        assert messages_beside(refused.text, "comments") == ["此项为必填项"]
        assert decider.post(f"{job}/decision", {"decision": "grant"}).status_code == 303
        number = eventually(lambda: tracked(api, code), lambda seen: seen["status"] == "completed")["result"][
            "certificate_number"]
        certificate = f"/staff/documents/{number}"
        too_long = auditor.post(f"{certificate}/suspend", {"reason": "未按期监督", "until": "2099-01-01"})
        assert messages_beside(too_long.text, "until") == ["暂停期不能超过6个月"]
        assert auditor.post(f"{certificate}/reduce-scope", {
            "scope": RZ02_DETAILS["scope"], "sites": RZ02_DETAILS["sites"][0]["address"], "reason": "南关厂区停产",
        }).status_code == 303
        assert RZ02_DETAILS["sites"][1]["address"] not in text_of(auditor.get(certificate).text).split("场所")[1][:80]


    def test_a_correction_is_proposed_on_screen_and_issued_once_a_second_person_approves(self, api, console):
        standard = new_standard(api)
        code = dispatched(api)
        job = f"/api/v1/metrology/jobs/{code}"
        api.post(f"{job}/start", json={}, headers=METROLOGY)
        api.post(f"{job}/results", json=calibration_results(standard=standard), headers=METROLOGY)
        api.post(f"{job}/review", json={"approved": True}, headers=REVIEWER)
        number = api.post(f"{job}/issue", json={}, headers=REVIEWER).json()["documents"][0]["number"]
        proposer, approver = console("metrology-1"), console("metrology-2")
        page = f"/staff/documents/{number}"
        empty = proposer.post(f"{page}/correction", {"reason": "委托方名称有误"})
        assert empty.status_code == 422 and messages_beside(empty.text, "changes") == ["此项为必填项"]
        proposed = proposer.post(f"{page}/correction", {"reason": "委托方名称有误",
                                                          "changes.customer_name": "宿迁市测试精密机械股份有限公司"})
        assert proposed.status_code == 303 and proposed.headers["location"].startswith(page)
        waiting = proposer.get(page).text
        assert 'id="proposal-waits"' in waiting and 'id="step-approval-1"' not in waiting  # not by who proposed it
        assert api.get(f"/api/v1/verify/{number}").json()["status"] == "current"  # nothing issued yet
        refused = approver.post(f"{page}/proposals/1/approval", {"approved": "false"}, page=page)
        assert messages_beside(refused.text, "comment") == ["此项为必填项"]
        approved = approver.post(f"{page}/proposals/1/approval", {"approved": "true"}, page=page)
        assert approved.status_code == 303 and f"/staff/documents/{number}-R1" in approved.headers["location"]
        new_version = approver.http.get(approved.headers["location"]).text
        assert "更正经审核通过，已出具新版本" in text_of(new_version)
        assert "宿迁市测试精密机械股份有限公司" in text_of(new_version)
        assert api.get(f"/api/v1/verify/{number}").json()["superseded_by"] == f"{number}-R1"

    def test_a_measurement_standard_is_assessed_and_someone_else_decides_on_screen(self, api, console):
        code = dispatched(api, {**JL02_BODY, "item": "JL03", "details": {
            "standard_name": "精密压力表标准装置", "assessment_type": "new", "measuring_range": "(0-60) MPa",
            "uncertainty": "0.05级"}})
        assessor, approver = console("metrology-1"), console("metrology-2")
        job = f"/staff/jobs/{code}"
        returned = assessor.post(f"{job}/document-review", {"passed": "false"})
        assert messages_beside(returned.text, "comments") == ["此项为必填项"]
        assert assessor.post(f"{job}/document-review", {"passed": "true"}).status_code == 303
        today = re.search(r'name="assessed_on" value="([0-9-]+)"', assessor.get(job).text).group(1)
        no_one = assessor.post(f"{job}/assessment", {"assessed_on": today, "findings": "符合要求", "conclusion": "pass"})
        assert messages_beside(no_one.text, "assessors") == ["此项为必填项"]
        assert assessor.post(f"{job}/assessment", {  # three inputs of one name: the assessors
            "assessed_on": today, "assessors": ["王考评", "metrology 业务员1", ""],
            "findings": "技术报告完整，重复性和稳定性符合要求", "conclusion": "pass"}).status_code == 303
        assert 'id="decision-by-another"' in assessor.get(job).text  # an assessor does not decide
        assert approver.post(f"{job}/decision", {"decision": "grant"}).status_code == 303
        result = eventually(lambda: tracked(api, code), lambda seen: seen["status"] == "completed")["result"]
        assert result["certificate_number"].startswith("SQBK-")
        certificate = approver.get(f"/staff/documents/{result['certificate_number']}")
        assert certificate.status_code == 200 and "精密压力表标准装置" in text_of(certificate.text)
        assert "王考评" in text_of(certificate.text)


    def test_a_declaration_citing_a_standard_the_catalogue_lacks_is_approved_only_once_checked(self, api, console):
        code = dispatched(api, {**JL02_BODY, "item": "BZ02", "details": {
            "product_name": "不锈钢保温杯", "standard_number": "Q/321322ABC 002-2026",
            "referenced_standards": "GB/T 29606-2013", "standard_text": "本标准规定了保温杯的要求。"}})
        reviewer = console("standards-1")
        job = f"/staff/jobs/{code}"
        assert 'name="acknowledge_unverified"' in reviewer.get(job).text
        unchecked = reviewer.post(f"{job}/review", {"decision": "approved"})
        assert unchecked.status_code == 409
        assert "请以其他方式核实后勾选确认再通过" in messages_beside(unchecked.text, "acknowledge_unverified")[0]
        assert "acknowledge_unverified" not in text_of(unchecked.text)  # no field name of the JSON body
        assert reviewer.post(f"{job}/review", {"decision": "approved", "acknowledge_unverified": "true"}
                             ).status_code == 303


class TestTheStationEndsWork:
    def test_the_station_refuses_an_accepted_request_on_screen(self, api, console):
        code = submitted(api)
        clerk = console("staff-321322")
        assert clerk.post(f"/staff/requests/{code}/accept", {"version": "1"}).status_code == 303
        page = clerk.get(f"/staff/requests/{code}").text
        assert 'id="step-reject"' in page and 'id="step-dispatch"' in page
        refused = clerk.post(f"/staff/requests/{code}/reject", {"version": "2", "reason": "材料审核不符合受理条件"})
        assert refused.status_code == 303
        assert tracked(api, code)["status"] == "rejected"

    def test_the_station_ends_a_dispatched_request_on_screen_and_its_service_stops(self, api, console):
        code = dispatched(api)
        clerk = console("staff-321322")
        page = clerk.get(f"/staff/requests/{code}").text
        assert 'id="step-terminate"' in page and 'id="step-accept"' not in page
        version = re.search(r"<small>v(\d+)</small>", page).group(1)
        ended = clerk.post(f"/staff/requests/{code}/terminate", {"version": version, "reason": "企业申请撤回"})
        assert ended.status_code == 303
        assert "已终止" in text_of(clerk.http.get(ended.headers["location"]).text)
        eventually(lambda: api.get(f"/api/v1/metrology/jobs/{code}", headers=METROLOGY).json(),
                   lambda job: job["status"] == "terminated")
        assert 'id="step-start"' not in console("metrology-1").get(f"/staff/jobs/{code}").text


class TestTheRegisters:
    def test_a_reference_standard_is_registered_and_checked_on_screen(self, console):
        person = console("metrology-1")
        standard = f"RS-{uuid.uuid4().hex[:6].upper()}"
        fields = {key: value for key, value in REFERENCE_STANDARD.items() if key != "operator"}
        missing = person.post("/staff/reference-standards", {**fields, "id": standard, "calibrated_by": ""},
                              page="/staff/reference-standards")
        assert missing.status_code == 422 and messages_beside(missing.text, "calibrated_by") == ["此项为必填项"]
        registered = person.post("/staff/reference-standards", {**fields, "id": standard},
                                 page="/staff/reference-standards")
        assert registered.status_code == 303 and registered.headers["location"].startswith(
            f"/staff/reference-standards/{standard}")
        early = person.post(f"/staff/reference-standards/{standard}/checks",
                            {"checked_on": "2020-01-01", "result": "within_tolerance"})
        assert messages_beside(early.text, "checked_on") == ["核查日期早于上次合格核查日期（2026-07-01）"]
        assert person.post(f"/staff/reference-standards/{standard}/checks",
                           {"checked_on": "2026-08-01", "result": "out_of_tolerance"}).status_code == 303
        assert 'id="out-of-tolerance"' in person.get(f"/staff/reference-standards/{standard}").text

    def test_only_an_administrator_sets_a_verification_period(self, console):
        operator_page = console("metrology-1").get("/staff/instrument-types")
        assert operator_page.status_code == 200 and "period-pressure-gauges-for-general-use" not in operator_page.text
        admin = console("admin")
        wrong = admin.post("/staff/instrument-types/pressure-gauges-for-general-use/period",
                           {"period_months": "600"}, page="/staff/instrument-types")
        assert wrong.status_code == 422 and messages_beside(wrong.text, "period_months") == ["应在1到120之间"]
        assert admin.post("/staff/instrument-types/pressure-gauges-for-general-use/period",
                          {"period_months": "6", "note": "JJG 52-2013"}, page="/staff/instrument-types"
                          ).status_code == 303


class TestWhatPeopleRead:
    def test_the_reassigning_clerk_lands_on_a_confirmation_not_a_403(self, api, console):
        code = submitted(api)
        clerk = console("staff-321322")
        moved = clerk.post(f"/staff/requests/{code}/reassign", {"version": "1", "station": "321302",
                                                                "reason": "企业注册地在宿城区"})
        assert moved.status_code == 303
        landed = clerk.http.get(moved.headers["location"])
        assert landed.status_code == 200
        assert f"办件 {code} 已转至宿城区服务站" in text_of(landed.text)

    def test_a_notice_of_failure_verifies_as_one_and_a_withdrawn_successor_is_named(self, api):
        standard = new_standard(api)
        row = {**JL01_BODY["details"]["instruments"][0], "serial_number": f"PG-{uuid.uuid4().hex[:6]}"}
        code = dispatched(api, {**JL01_BODY, "details": {"instruments": [row]}})
        job = f"/api/v1/metrology/jobs/{code}"
        api.post(f"{job}/start", json={}, headers=METROLOGY)
        api.post(f"{job}/results", headers=METROLOGY,
                 json=verification_results(conclusion="fail", serial=row["serial_number"], standard=standard))
        api.post(f"{job}/review", json={"approved": True}, headers=REVIEWER)
        number = api.post(f"{job}/issue", json={}, headers=REVIEWER).json()["documents"][0]["number"]
        page = api.get("/verify", params={"number": number})
        assert re.search(r'status-failure" id="verify-status">([^<]+)<', page.text).group(1) == "检定不合格（检定结果通知书）"
        english = text_of(api.get("/verify", params={"number": number, "lang": "en"}).text)
        assert "Notice of verification failure" in english and "Fail" in english and "检定" not in english
        proposed = api.post(f"/api/v1/metrology/certificates/{number}/corrections", headers=REVIEWER,
                            json={"reason": "委托方名称有误", "changes": {"customer_name": "宿迁市测试精密机械股份有限公司"}})
        assert proposed.status_code == 201, proposed.text
        approved = api.post(f"/api/v1/metrology/certificates/{number}/corrections/{proposed.json()['id']}/approval",
                            headers=METROLOGY, json={"approved": True})
        successor = approved.json()["proposal"]["new_number"]
        api.post(f"/api/v1/metrology/certificates/{successor}/withdrawal", headers=REVIEWER, json={"reason": "重复出具"})
        superseded = text_of(api.get("/verify", params={"number": number}).text)
        assert f"替代它的版本 {successor} 已于" in superseded and "撤销，目前没有有效版本" in superseded

    def test_the_tracking_page_shows_the_standards_found_and_what_was_submitted(self, api):
        code = submitted(api, {**JL02_BODY, "item": "BZ01", "details": {"query": "GB/T 19001-2016"}})
        through_the_station(api, code)
        eventually(lambda: tracked(api, code), lambda seen: seen["status"] == "completed")
        with httpx.Client(base_url=api.base_url, headers={"X-Forwarded-For": new_client_address()}) as browser:
            page = browser.post("/track", data={"code": code, "phone": PHONE,
                                                "form_token": form_token(browser, "/track")})
        shown = text_of(page.text)
        assert 'id="result-standards"' in page.text and "GB/T 19001-2016 质量管理体系 要求" in shown
        assert 'id="submitted-details"' in page.text and "GB/T 19001-2016" in shown.split("您提交的申请内容")[1]

    def test_a_multi_item_parent_shows_its_status_and_leads_to_each_child(self, api):
        group = api.post("/api/v1/requests", json={
            "items": ["JL02", "BZ01"], "enterprise": JL02_BODY["enterprise"], "contact": JL02_BODY["contact"],
            "details": {"JL02": JL02_BODY["details"], "BZ01": {"query": "GB/T 19001-2016"}}}).json()
        with httpx.Client(base_url=api.base_url, headers={"X-Forwarded-For": new_client_address()}) as browser:
            token = form_token(browser, "/track")
            parent = browser.post("/track", data={"code": group["code"], "phone": PHONE, "form_token": token})
            assert 'id="status"' in parent.text
            for child in group["children"]:
                assert re.search(rf'name="code" value="{child["code"]}"', parent.text)  # a button to open it
            child = group["children"][0]["code"]
            opened = browser.post("/track", data={"code": child, "phone": PHONE, "form_token": token})
        assert opened.status_code == 200 and 'id="timeline"' in opened.text and child in opened.text
