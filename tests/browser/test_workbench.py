"""Every operator works a job of their domain on screen only (issue 27), in Chromium.

The request is submitted and dispatched through the API as setup (what the enterprise
and the station do); everything the operators do is done on the console's pages.
Screenshots of each page worked on go to test-artifacts/ (workbench-*.png)."""

import re
import uuid

import pytest

from .conftest import ARTIFACTS, by_id

pytestmark = pytest.mark.browser

PHONE = "13912345678"
# What a reader must never see: a message key, or a state by its internal name.
UNREAD = re.compile(r"\b(page|job_status|document_kind|state|status|event|certificate_status|role)\.[a-z_]+"
                    r"|\b(results_recorded|in_progress|samples_received|under_audit|awaiting_decision|under_review|"
                    r"awaiting_answer|not_accepted|verification_failure_notice|calibration_certificate)\b")


def sign_in(page, username):
    page.goto("/staff/login")
    page.fill("#username", username)
    page.fill("#password", f"demo-{username}")
    page.click("#login-form button")
    page.wait_for_url(re.compile(r"/staff(/jobs)?$"))


def another(browser, stack, username):
    """A second person, in a browser of their own."""
    context = browser.new_context(base_url=stack.gateway_url, viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, username)
    return page


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"workbench-{name}.png"), full_page=True)


def readable(page):
    """The page says everything in words: no message key, no internal state name."""
    text = page.inner_text("main")
    assert not UNREAD.search(text), UNREAD.search(text).group(0)
    return text


def take(page, step):
    """Submit a step's form and wait for the page it lands on."""
    with page.expect_navigation():
        page.click(f"#step-{step} button[type=submit]:not(.add-row)")


def dispatched(api, body):
    from ..conftest import through_the_station
    from ..support.waiting import eventually

    answer = api.post("/api/v1/requests", json=body)
    assert answer.status_code == 201, answer.text
    code = answer.json()["code"]
    through_the_station(api, code)
    eventually(lambda: api.get(f"/api/v1/requests/{code}", params={"phone": PHONE}).json(),
               lambda seen: seen["status"] == "in_progress")
    return code


def open_job(page, code):
    page.goto("/staff/jobs")
    page.click(f'#jobs a:has-text("{code}")')
    page.wait_for_url(re.compile(rf"/staff/jobs/{code}$"))


def completed(api, code):
    from ..support.waiting import eventually

    return eventually(lambda: api.get(f"/api/v1/requests/{code}", params={"phone": PHONE}).json(),
                      lambda seen: seen["status"] == "completed")


def test_metrology_registers_a_standard_and_calibrates_an_instrument_on_screen(page, browser, stack, api):
    from ..support.data import JL02_BODY, REFERENCE_STANDARD

    serial = f"SN-{uuid.uuid4().hex[:6].upper()}"
    body = {**JL02_BODY, "details": {"instruments": [{**JL02_BODY["details"]["instruments"][0],
                                                      "serial_number": serial}]}}
    code = dispatched(api, body)
    sign_in(page, "metrology-1")
    assert page.url.endswith("/staff/jobs")  # an operator lands on the job list

    # the laboratory's reference standard, registered on screen
    standard = f"RS-{uuid.uuid4().hex[:5].upper()}"
    page.click("#nav-reference-standards")
    for name, value in {**{k: v for k, v in REFERENCE_STANDARD.items() if k != "operator"}, "id": standard}.items():
        by_id(page, f"register-{name}").fill(value)
    take(page, "register")
    assert standard in page.inner_text("h1")
    readable(page)

    open_job(page, code)
    shot(page, "metrology-job-received")
    take(page, "start")
    assert page.inner_text("#job-status") == "办理中"
    by_id(page, "results-environment.location").fill("压力室")
    by_id(page, "results-environment.temperature_c").fill("20.5")
    by_id(page, "results-environment.humidity_pct").fill("55")
    by_id(page, "results-instruments.0.method.code").fill("JJG 875-2019")
    page.check(f'input[name="instruments.0.reference_standards"][value="{standard}"]')
    by_id(page, "results-instruments.0.adjusted").check()
    for row, (nominal, measured, before) in enumerate([("0.400", "0.4012", "0.4100"), ("1.600", "1.5985", "")]):
        prefix = f"results-instruments.0.points.{row}"
        by_id(page, f"{prefix}.nominal").fill(nominal)
        by_id(page, f"{prefix}.measured").fill(measured)
        by_id(page, f"{prefix}.measured_before_adjustment").fill(before)
        by_id(page, f"{prefix}.expanded_uncertainty").fill("0.0012")
        by_id(page, f"{prefix}.coverage_factor").fill("2")
        by_id(page, f"{prefix}.unit").fill("MPa")
    take(page, "results")  # adjusted, yet one point lacks its reading before adjustment
    assert "器具经调整时，每个校准点都应给出调整前的测得值" in page.inner_text("#step-results")
    assert by_id(page, "results-instruments.0.points.1.measured").input_value() == "1.5985"  # kept
    shot(page, "metrology-results-refused")
    by_id(page, "results-instruments.0.points.1.measured_before_adjustment").fill("1.6100")
    take(page, "results")
    assert page.inner_text("#job-status") == "结果待复核"
    readable(page)

    reviewer = another(browser, stack, "metrology-2")
    open_job(reviewer, code)
    reviewer.check("#review-approved-true")
    take(reviewer, "review")
    take(reviewer, "issue")
    reviewer.click("#documents a")
    reviewer.wait_for_url(re.compile(r"/staff/documents/SQJL-"))
    assert "校准证书" in reviewer.inner_text("h1") and "现行有效" in reviewer.inner_text("#document-status")
    assert "1.6100" in reviewer.inner_text("#document-results")
    readable(reviewer)
    shot(reviewer, "metrology-certificate")
    reviewer.context.close()
    completed(api, code)


def test_metrology_and_testing_answer_a_consultation_on_screen(page, browser, stack, api, tmp_path):
    from ..support.data import JL02_BODY
    from ..support.files import PDF

    jl04 = dispatched(api, {**JL02_BODY, "item": "JL04",
                            "details": {"topic": "traceability", "question": "压力表多久检定一次？"}})
    jc03 = dispatched(api, {**JL02_BODY, "item": "JC03", "details": {"question": "能否检测食品中的铅？"}})
    sign_in(page, "metrology-1")
    open_job(page, jl04)
    assert "压力表多久检定一次？" in page.inner_text("#submitted")
    by_id(page, "answer-answer").fill("一般压力表的检定周期一般不超过6个月，详见 JJG 52-2013。")
    explanation = tmp_path / "检定周期说明.pdf"
    explanation.write_bytes(PDF)
    by_id(page, "answer-attachments").set_input_files(str(explanation))
    shot(page, "metrology-consultation-answer-with-file")
    take(page, "answer")
    assert "JJG 52-2013" in page.inner_text("#case-answer")
    attached = page.locator("#answer-files a")
    assert attached.inner_text() == "检定周期说明.pdf"
    with page.expect_download() as downloading:  # the operator opens what was sent
        attached.click()
    assert downloading.value.suggested_filename == "检定周期说明.pdf"
    downloading.value.save_as(tmp_path / "downloaded.pdf")
    assert (tmp_path / "downloaded.pdf").read_bytes() == PDF
    readable(page)
    shot(page, "metrology-consultation-answered")
    assert completed(api, jl04)["result"]["answer"].startswith("一般压力表")

    # the enterprise downloads the file from its tracking page
    page.goto(f"/track?code={jl04}")
    page.fill("#phone", PHONE)
    page.click("#track-form button[type=submit]")
    with page.expect_download() as downloading:
        page.click('#result-attachments a:has-text("检定周期说明.pdf")')
    downloading.value.save_as(tmp_path / "tracked.pdf")
    assert (tmp_path / "tracked.pdf").read_bytes() == PDF
    shot(page, "metrology-consultation-tracked")

    tester = another(browser, stack, "testing-1")
    open_job(tester, jc03)
    by_id(tester, "answer-answer").fill("可以，按 GB 5009.12-2023 检测铅，检出限 0.02 mg/kg。")
    take(tester, "answer")
    readable(tester)
    shot(tester, "testing-consultation-answered")
    tester.context.close()
    done = completed(api, jc03)
    assert "GB 5009.12-2023" in done["result"]["answer"]

    # the enterprise reads the answer on its tracking page
    page.goto(f"/track?code={jc03}")
    page.fill("#phone", PHONE)
    page.click("#track-form button[type=submit]")
    assert "GB 5009.12-2023" in page.inner_text("#result-answer")


def test_testing_receives_samples_tests_and_reports_on_screen(page, browser, stack, api):
    from ..support.data import JC01_BODY

    code = dispatched(api, JC01_BODY)
    sign_in(page, "testing-1")
    open_job(page, code)
    assert by_id(page, "samples-samples.0.name").input_value() == "大米"  # as the enterprise described it
    by_id(page, "samples-samples.0.condition_on_receipt").fill("包装完好，无破损")
    take(page, "samples")
    take(page, "start")
    sample = page.inner_text("#samples code")
    assert re.fullmatch(r"SQYP-\d{4}-\d{6}", sample)
    by_id(page, "results-specification").fill("GB 2762-2022")
    page.select_option('[id="results-decision_rule"]', "simple_acceptance")
    assert by_id(page, "results-results.0.sample_number").input_value() == sample
    by_id(page, "results-results.0.value").fill("0.05")
    by_id(page, "results-results.0.unit").fill("mg/kg")
    by_id(page, "results-results.0.limit.max").fill("0.2")
    shot(page, "testing-results-filled")
    take(page, "results")
    assert page.inner_text("#job-status") == "结果待复核"
    readable(page)

    reviewer = another(browser, stack, "testing-2")
    open_job(reviewer, code)
    reviewer.check("#review-approved-true")
    take(reviewer, "review")
    take(reviewer, "issue")
    reviewer.click("#documents a")
    assert "所检项目符合 GB 2762-2022 的要求" in reviewer.inner_text("#conformity")
    readable(reviewer)
    shot(reviewer, "testing-report")
    reviewer.context.close()
    completed(api, code)


def test_certification_audits_and_another_person_decides_on_screen(page, browser, stack, api):
    from ..support.data import JL02_BODY, RZ02_DETAILS

    code = dispatched(api, {**JL02_BODY, "item": "RZ02", "details": RZ02_DETAILS})
    sign_in(page, "certification-1")
    open_job(page, code)
    page.check("#review-accepted-true")
    take(page, "review")
    page.check("#stage1-ready_for_stage2-true")
    by_id(page, "stage1-findings").fill("文件化信息基本齐全")
    take(page, "stage1")
    page.select_option('[id="stage2-recommendation"]', "grant")
    by_id(page, "stage2-minor_nonconformities").fill("1")
    take(page, "stage2")
    assert page.inner_text("#job-status") == "待认证决定"
    assert "第二阶段审核" in page.inner_text("#certification-steps")
    readable(page)
    shot(page, "certification-audited")

    decider = another(browser, stack, "certification-2")
    open_job(decider, code)
    decider.check("#decision-decision-refuse")
    take(decider, "decision")  # a refusal says why
    assert "此项为必填项" in decider.inner_text("#step-decision")
    decider.check("#decision-decision-grant")
    take(decider, "decision")
    decider.click("#documents a")
    assert "管理体系认证证书" in decider.inner_text("h1") and "有效" in decider.inner_text("#document-status")
    readable(decider)
    shot(decider, "certification-certificate")
    decider.context.close()
    completed(api, code)


def test_standards_reviews_a_declaration_and_answers_a_question_on_screen(page, api, tmp_path):
    from ..support.data import JL02_BODY

    declaration = dispatched(api, {**JL02_BODY, "item": "BZ02", "details": {
        "product_name": "不锈钢保温杯", "standard_number": "Q/321322ABC 001-2026",
        "referenced_standards": "GB/T 19001-2016", "standard_text": "本标准规定了不锈钢真空保温杯的要求。"}})
    question = dispatched(api, {**JL02_BODY, "item": "BZ03",
                                "details": {"topic": "other", "question": "企业标准如何自我声明公开？"}})
    sign_in(page, "standards-1")
    open_job(page, declaration)
    assert "GB/T 19001-2016" in page.inner_text("#references")
    page.check("#review-decision-approved")
    take(page, "review")
    assert page.inner_text("#job-status") == "已审查"
    readable(page)
    shot(page, "standards-declaration-reviewed")
    open_job(page, question)
    by_id(page, "answer-answer").fill("登录企业标准信息公共服务平台，填写并公开标准文本即可。")
    steps = tmp_path / "自我声明公开步骤.txt"
    steps.write_text("1. 登录平台\n2. 填写标准信息\n3. 上传标准文本\n", encoding="utf-8")
    by_id(page, "answer-attachments").set_input_files(str(steps))
    take(page, "answer")
    assert page.inner_text("#answer-files a") == "自我声明公开步骤.txt"
    readable(page)
    shot(page, "standards-question-answered")
    assert completed(api, question)["result"]["attachments"][0]["name"] == "自我声明公开步骤.txt"


def test_the_console_reads_in_english(page, api):
    from ..support.data import JL02_BODY

    code = dispatched(api, JL02_BODY)
    sign_in(page, "metrology-1")
    page.goto(f"/staff/jobs/{code}?lang=en")
    text = readable(page)
    assert "Start the work" in text and "Decline" in text and "计量" not in page.inner_text("#step-start")
    page.goto("/staff/jobs?lang=en")
    assert "Metrology: jobs" in readable(page)
    shot(page, "english-job-list")


def test_a_manager_opens_on_every_station_and_picks_one(page, api):
    from ..support.data import JL02_BODY

    other = api.post("/api/v1/requests", json={**JL02_BODY, "enterprise": {**JL02_BODY["enterprise"],
                                                                           "station": "321371"}}).json()["code"]
    sign_in(page, "manager")
    assert page.locator(f'#queue tr[data-code="{other}"]').count() == 1
    shot(page, "manager-all-stations")
    page.select_option("#station-selector", "321371")
    page.click("#queue-filters button")
    assert "宿迁经济技术开发区" in page.inner_text("h1")
    readable(page)


def test_metrology_assesses_a_measurement_standard_and_another_person_decides_on_screen(page, browser, stack, api):
    from ..support.data import JL02_BODY

    code = dispatched(api, {**JL02_BODY, "item": "JL03", "details": {
        "standard_name": "精密压力表标准装置", "assessment_type": "new", "measuring_range": "(0-60) MPa",
        "uncertainty": "0.05级", "main_equipment": "活塞式压力计 2 台"}})
    sign_in(page, "metrology-1")
    open_job(page, code)
    page.check("#document-review-passed-true")
    take(page, "document-review")
    by_id(page, "assessment-assessors-0").fill("王考评")
    by_id(page, "assessment-assessors-1").fill("李考评")
    page.select_option('[id="assessment-conclusion"]', "pass")
    by_id(page, "assessment-findings").fill("技术报告完整，重复性和稳定性考核符合要求")
    take(page, "assessment")
    assert page.inner_text("#job-status") == "已考评，待审批"
    assert "王考评、李考评" in page.inner_text("#assessment-steps")
    readable(page)
    shot(page, "metrology-standard-assessed")

    approver = another(browser, stack, "metrology-2")
    open_job(approver, code)
    approver.check("#decision-decision-grant")
    take(approver, "decision")
    approver.click("#documents a")
    assert "计量标准考核证书" in approver.inner_text("h1")
    assert "精密压力表标准装置" in approver.inner_text("#certificate-standard")
    readable(approver)
    shot(approver, "metrology-standard-certificate")
    approver.context.close()
    assert completed(api, code)["result"]["certificate_number"].startswith("SQBK-")


def test_a_correction_waits_for_a_second_person_on_screen(page, browser, stack, api):
    from ..conftest import signed_in
    from ..support.data import JL02_BODY, REFERENCE_STANDARD, calibration_results

    standard = {**{k: v for k, v in REFERENCE_STANDARD.items() if k != "operator"},
                "id": f"RS-{uuid.uuid4().hex[:5].upper()}"}
    first, second = signed_in("metrology-1"), signed_in("metrology-2")  # the certificate issued as setup
    assert api.post("/api/v1/metrology/reference-standards", json=standard, headers=first).status_code == 201
    code = dispatched(api, JL02_BODY)
    job = f"/api/v1/metrology/jobs/{code}"
    api.post(f"{job}/start", json={}, headers=first)
    api.post(f"{job}/results", json=calibration_results(standard=standard["id"]), headers=first)
    api.post(f"{job}/review", json={"approved": True}, headers=second)
    number = api.post(f"{job}/issue", json={}, headers=second).json()["documents"][0]["number"]

    sign_in(page, "metrology-1")
    page.goto(f"/staff/documents/{number}")
    by_id(page, "correction-reason").fill("委托方名称有误")
    by_id(page, "correction-changes.customer_name").fill("宿迁市测试精密机械股份有限公司")
    take(page, "correction")
    assert "待其他人审核" in page.inner_text("#proposal-waits")
    assert page.locator("#step-approval-1").count() == 0  # the proposer does not approve
    readable(page)
    shot(page, "correction-proposed")

    approver = another(browser, stack, "metrology-2")
    approver.goto(f"/staff/documents/{number}")
    approver.check("#approval-1-approved-true")
    take(approver, "approval-1")
    approver.wait_for_url(re.compile(rf"/staff/documents/{number}-R1"))
    assert "宿迁市测试精密机械股份有限公司" in approver.inner_text("#document")
    assert "更正审核人" in approver.inner_text("#document")
    readable(approver)
    shot(approver, "correction-issued")
    approver.context.close()


def test_what_the_enterprise_and_a_verifier_read(page, api):
    """The tracking page of a multi-item submission and of a lookup, and a notice of
    failure verified: statuses and labels in words, in both languages."""
    from ..conftest import signed_in, through_the_station
    from ..support.data import JL01_BODY, JL02_BODY, REFERENCE_STANDARD, verification_results

    group = api.post("/api/v1/requests", json={
        "items": ["BZ01", "JC03"], "enterprise": JL02_BODY["enterprise"], "contact": JL02_BODY["contact"],
        "details": {"BZ01": {"query": "GB/T 19001-2016"}, "JC03": {"question": "能否检测食品中的铅？"}}}).json()
    lookup = next(child["code"] for child in group["children"] if child["item"]["code"] == "BZ01")
    through_the_station(api, lookup)
    completed(api, lookup)
    page.goto(f"/track?code={group['code']}")
    page.fill("#phone", PHONE)
    page.click("#track-form button[type=submit]")
    assert page.inner_text("#status") == "部分办结"
    assert re.search(r"查到标准\d+项", page.inner_text("#children"))  # what was found, beside the child
    shot(page, "tracking-parent")
    page.click(f'#children button:has-text("{lookup}")')  # each child opens from its parent
    assert "质量管理体系 要求" in page.inner_text("#result-standards")
    page.click("#submitted-details summary")
    assert "GB/T 19001-2016" in page.inner_text("#submitted-details")
    shot(page, "tracking-lookup")

    operator, reviewer = signed_in("metrology-1"), signed_in("metrology-2")
    standard = {**{k: v for k, v in REFERENCE_STANDARD.items() if k != "operator"},
                "id": f"RS-{uuid.uuid4().hex[:5].upper()}"}
    api.post("/api/v1/metrology/reference-standards", json=standard, headers=operator)
    row = {**JL01_BODY["details"]["instruments"][0], "serial_number": f"PG-{uuid.uuid4().hex[:6]}"}
    code = dispatched(api, {**JL01_BODY, "details": {"instruments": [row]}})
    job = f"/api/v1/metrology/jobs/{code}"
    api.post(f"{job}/start", json={}, headers=operator)
    api.post(f"{job}/results", headers=operator, json=verification_results(
        conclusion="fail", serial=row["serial_number"], standard=standard["id"]))
    api.post(f"{job}/review", json={"approved": True}, headers=reviewer)
    number = api.post(f"{job}/issue", json={}, headers=reviewer).json()["documents"][0]["number"]
    page.goto(f"/verify?number={number}")
    assert page.inner_text("#verify-status") == "检定不合格（检定结果通知书）"
    shot(page, "verify-failure-notice")
    page.click("#switch-language")
    assert page.inner_text("#verify-status") == "Failed verification (notice of failure)"
    assert page.inner_text("#verify-kind") == "Notice of verification failure"
    assert page.inner_text("#verify-conclusion") == "Fail"
    shot(page, "verify-failure-notice-english")
