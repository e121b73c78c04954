"""The hostile suite's input classes (issue 26 §2-§5), tried against the running stack:
a flood of submissions, replayed forms and requests, a command answered 503 that must
never run later, NaN/Infinity/huge numbers, impossible dates, deeply nested JSON, lone
surrogates and the year 9999. Each answer is a clear 4xx (or the first answer again),
never a 500, and leaves nothing behind."""

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest

from services.common.clock import china_date, utc_now

from ...conftest import form_token, new_client_address, signed_in, through_the_station
from ...support.data import (
    JC01_BODY,
    JL02_BODY,
    REFERENCE_STANDARD,
    calibration_results,
    jl02_body,
)
from ...support.waiting import eventually

pytestmark = pytest.mark.e2e

PHONE = JL02_BODY["contact"]["phone"]
ENTERPRISE = "91321322MA1ABC123P"  # the demo enterprise's account
METROLOGY = signed_in("metrology-1")
TESTING = signed_in("testing-1")
CERTIFICATION = signed_in("certification-1")
MANAGER = signed_in("manager")
TODAY = china_date(utc_now())


def client(stack, address=None):
    return httpx.Client(base_url=stack.gateway_url, timeout=30,
                        headers={"X-Forwarded-For": address or new_client_address()})


def new_standard(api, **changes):
    standard = {**REFERENCE_STANDARD, "id": f"RS-{uuid.uuid4().hex[:6].upper()}",
                "last_good_check_on": (TODAY - timedelta(days=30)).isoformat(),
                "calibration_valid_until": (TODAY + timedelta(days=300)).isoformat(), **changes}
    return standard, api.post("/api/v1/metrology/reference-standards", json=standard, headers=METROLOGY)


def tracked(api, code):
    return api.get(f"/api/v1/requests/{code}", params={"phone": PHONE}).json()


def received(api, body):
    """A request submitted, accepted, dispatched and opened by its domain service."""
    answer = api.post("/api/v1/requests", json=body)
    assert answer.status_code == 201, answer.text
    code = answer.json()["code"]
    through_the_station(api, code)
    eventually(lambda: tracked(api, code), lambda seen: seen["status"] == "in_progress")
    return code


def lab_step(api, domain, code, step, body, who):
    return api.post(f"/api/v1/{domain}/jobs/{code}/{step}", json=body, headers=who)


def no_500(answer):
    assert answer.status_code < 500, f"{answer.request.method} {answer.request.url} → {answer.status_code}"
    return answer


def field_errors(answer):
    assert answer.status_code == 422, answer.text
    return json.dumps(answer.json()["fields"], ensure_ascii=False)


# -- intake flood (§2) ----------------------------------------------------------------------------
@pytest.mark.hostile("intake flood")
def test_a_flood_of_submissions_from_one_address_is_told_to_wait_and_others_are_not(stack):
    limit = int(stack.extra_env["INTAKE_RATE_PER_MINUTE"])
    with client(stack) as flooder:
        answers = [flooder.post("/api/v1/requests", json=JL02_BODY, params={"lang": "en"})
                   for _ in range(limit + 20)]
    statuses = [answer.status_code for answer in answers]
    assert set(statuses) == {201, 429}
    # a bucket refilled over the seconds the flood took lets a few more through, never many
    assert limit <= statuses.count(201) <= limit + 10
    refused = next(answer for answer in answers if answer.status_code == 429)
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["error"] == "too_many_submissions"
    assert "submissions" in refused.json()["message"]
    with client(stack) as neighbour:
        assert neighbour.post("/api/v1/requests", json=JL02_BODY).status_code == 201


@pytest.mark.hostile("intake flood")
def test_the_one_form_page_is_limited_the_same_way_in_both_languages(stack):
    limit = int(stack.extra_env["INTAKE_RATE_PER_MINUTE"])
    with client(stack) as flooder:
        token = form_token(flooder, "/apply?items=JL02")
        for _ in range(limit + 30):  # until the bucket is empty (it refills while it is emptied)
            if flooder.post("/api/v1/requests", json=JL02_BODY).status_code == 429:
                break
        page = flooder.post("/apply", params={"items": "JL02"}, data={**form_fields(), "form_token": token})
    assert page.status_code == 429 and page.headers["retry-after"]
    assert "提交过于频繁" in page.text


@pytest.mark.hostile("intake flood")
def test_a_signed_in_enterprise_submits_beyond_the_anonymous_limit(stack):
    limit = int(stack.extra_env["INTAKE_RATE_PER_MINUTE"])
    with client(stack) as office:
        for _ in range(limit + 5):
            office.post("/api/v1/requests", json=JL02_BODY)
        assert office.post("/api/v1/requests", json=JL02_BODY).status_code == 429
        own = office.post("/api/v1/requests", json=JL02_BODY, headers=signed_in(ENTERPRISE))
    assert own.status_code == 201


# -- replayed form or request (§2) ------------------------------------------------------------------
def form_fields(serial="SN-0001"):
    instrument = JL02_BODY["details"]["instruments"][0]
    return {
        "enterprise.name": JL02_BODY["enterprise"]["name"], "enterprise.uscc": JL02_BODY["enterprise"]["uscc"],
        "enterprise.station": "321322", "contact.name": "张伟", "contact.phone": PHONE,
        **{f"details.JL02.instruments.0.{name}": str(value) for name, value in instrument.items()},
        "details.JL02.instruments.0.serial_number": serial,
    }


def requests_with_serial(gateway_db, serial):
    return gateway_db.requests.count_documents({"details.instruments.serial_number": serial})


@pytest.mark.hostile("replayed form or request")
def test_ten_parallel_submissions_with_one_key_make_one_request(api, stack, gateway_db):
    serial = f"SN-{uuid.uuid4().hex[:8]}"
    body = jl02_body(details={"instruments": [{**JL02_BODY["details"]["instruments"][0], "serial_number": serial}]})
    key = str(uuid.uuid4())
    with client(stack) as sender, ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda _: sender.post("/api/v1/requests", json=body,
                                                       headers={"Idempotency-Key": key}), range(10)))
    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.json()["code"] for answer in answers}) == 1
    assert requests_with_serial(gateway_db, serial) == 1
    again = api.post("/api/v1/requests", json=body, headers={"Idempotency-Key": key})
    assert again.status_code == 201 and again.json()["code"] == answers[0].json()["code"]


@pytest.mark.hostile("replayed form or request")
def test_the_same_key_with_another_body_is_refused_and_stores_nothing(api, gateway_db):
    key = str(uuid.uuid4())
    assert api.post("/api/v1/requests", json=JL02_BODY, headers={"Idempotency-Key": key}).status_code == 201
    serial = f"SN-{uuid.uuid4().hex[:8]}"
    other = jl02_body(details={"instruments": [{**JL02_BODY["details"]["instruments"][0], "serial_number": serial}]})
    refused = api.post("/api/v1/requests", json=other, headers={"Idempotency-Key": key}, params={"lang": "en"})
    assert refused.status_code == 422
    assert refused.json()["error"] == "idempotency_key_reused"
    assert "Idempotency-Key" in refused.json()["message"]
    assert requests_with_serial(gateway_db, serial) == 0


def post_form_again_and_again(stack, serial, times, parallel):
    """The same filled-in form with one token, posted ``times`` times (all at once, or one
    after the other): the answers."""
    with client(stack) as browser:
        token = form_token(browser, "/apply?items=JL02")

        def post(_):
            return browser.post("/apply", params={"items": "JL02"}, data={**form_fields(serial), "form_token": token})

        if not parallel:
            return [post(number) for number in range(times)]
        with ThreadPoolExecutor(times) as pool:
            return list(pool.map(post, range(times)))


@pytest.mark.hostile("replayed form or request")
@pytest.mark.parametrize(("times", "parallel"), [(2, False), (10, True)])
def test_a_replayed_form_shows_the_first_confirmation_and_makes_no_second_request(stack, gateway_db, times,
                                                                                    parallel):
    serial = f"SN-{uuid.uuid4().hex[:8]}"
    answers = post_form_again_and_again(stack, serial, times, parallel)
    assert {answer.status_code for answer in answers} == {303}
    assert len({answer.headers["location"] for answer in answers}) == 1  # the one confirmation
    assert requests_with_serial(gateway_db, serial) == 1


@pytest.mark.hostile("replayed form or request")
def test_a_form_token_used_once_does_not_carry_other_details(stack, gateway_db):
    first_serial, second_serial = f"SN-{uuid.uuid4().hex[:8]}", f"SN-{uuid.uuid4().hex[:8]}"
    with client(stack) as browser:
        token = form_token(browser, "/apply?items=JL02")
        first = browser.post("/apply", params={"items": "JL02"}, data={**form_fields(first_serial), "form_token": token})
        other = browser.post("/apply", params={"items": "JL02", "lang": "en"},
                             data={**form_fields(second_serial), "form_token": token})
        fresh = browser.post("/apply", params={"items": "JL02"},
                             data={**form_fields(second_serial), "form_token": form_token(browser, "/apply?items=JL02")})
    assert first.status_code == 303
    assert other.status_code == 409 and "open the form again" in other.text
    assert second_serial in other.text  # what was typed is shown again
    assert fresh.status_code == 303 and fresh.headers["location"] != first.headers["location"]
    assert requests_with_serial(gateway_db, first_serial) == requests_with_serial(gateway_db, second_serial) == 1


@pytest.mark.hostile("replayed form or request")
def test_a_replayed_operator_command_answers_the_first_answer_and_applies_once(api):
    standard, registered = new_standard(api)
    assert registered.status_code == 201, registered.text
    key = str(uuid.uuid4())
    check = {"checked_on": TODAY.isoformat(), "result": "within_tolerance", "note": "期间核查"}
    url = f"/api/v1/metrology/reference-standards/{standard['id']}/checks"
    answers = [api.post(url, json=check, headers={**METROLOGY, "Idempotency-Key": key}) for _ in range(3)]
    assert {answer.status_code for answer in answers} == {200}
    assert answers[1].json() == answers[0].json() == answers[2].json()
    stored = api.get(f"/api/v1/metrology/reference-standards/{standard['id']}", headers=METROLOGY).json()
    assert len(stored["checks"]) == 1
    other = api.post(url, json={**check, "note": "另一次"}, headers={**METROLOGY, "Idempotency-Key": key})
    assert other.status_code == 422 and other.json()["error"] == "idempotency_key_reused"


# -- late command (§3) -----------------------------------------------------------------------------
@pytest.mark.hostile("late command")
def test_a_command_answered_503_while_its_service_is_down_never_runs_later(api, stack):
    standard = {**REFERENCE_STANDARD, "id": f"RS-{uuid.uuid4().hex[:6].upper()}",
                "last_good_check_on": TODAY.isoformat()}
    stack.stop_service("metrology")
    try:
        late = api.post("/api/v1/metrology/reference-standards", json=standard, headers=METROLOGY)
        assert late.status_code == 503
    finally:
        stack.start_service("metrology")
        stack.wait_healthy()
    time.sleep(2)  # the service has had every chance to take what waited for it
    found = api.get(f"/api/v1/metrology/reference-standards/{standard['id']}", headers=METROLOGY)
    assert found.status_code == 404, "the command answered 503 ran after the service came back"
    registered = api.post("/api/v1/metrology/reference-standards", json=standard, headers=METROLOGY)
    assert registered.status_code == 201  # asked again, it runs once


# -- NaN, Infinity and huge numbers (§4) -------------------------------------------------------------
@pytest.fixture(scope="module")
def started_calibration(stack):
    with client(stack) as api:
        standard, answer = new_standard(api)
        assert answer.status_code == 201, answer.text
        code = received(api, JL02_BODY)
        assert lab_step(api, "metrology", code, "start", {}, METROLOGY).status_code == 200
    return code, standard["id"]


@pytest.mark.hostile("NaN, Infinity and huge numbers")
@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity", "1E+999999999", "1E+999999",
                                   "-1e400", 1e308, "0.0000000000000000000000001"])
def test_a_calibration_reading_that_is_no_plausible_number_is_refused_on_its_field(api, started_calibration, value):
    code, standard = started_calibration
    results = calibration_results(standard=standard)
    results["instruments"][0]["points"][0]["measured"] = value
    refused = lab_step(api, "metrology", code, "results", results, METROLOGY)
    assert "measured" in field_errors(refused)
    job = api.get(f"/api/v1/metrology/jobs/{code}", headers=METROLOGY).json()
    assert job["status"] == "in_progress"  # nothing recorded


@pytest.mark.hostile("NaN, Infinity and huge numbers")
@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity", b"1e999"])
def test_json_number_literals_beyond_json_are_refused(api, started_calibration, literal):
    code, standard = started_calibration
    body = json.dumps(calibration_results(standard=standard)).replace('"temperature_c": 20.5',
                                                                      '"temperature_c": LITERAL')
    answer = api.post(f"/api/v1/metrology/jobs/{code}/results", content=body.replace("LITERAL", literal.decode()),
                      headers={**METROLOGY, "Content-Type": "application/json"})
    assert answer.status_code in (400, 422), answer.text


@pytest.mark.hostile("NaN, Infinity and huge numbers")
@pytest.mark.parametrize("value", ["-Infinity", "NaN", "1E+999999999"])
def test_a_test_result_that_is_no_finite_number_is_never_judged(api, stack, value):
    code = received(api, JC01_BODY)
    job = lab_step(api, "testing", code, "samples", {"samples": [
        {"name": "大米", "description": "5 kg 袋装", "condition_on_receipt": "包装完好", "quantity": "2袋"}]},
        TESTING).json()
    assert lab_step(api, "testing", code, "start", {}, TESTING).status_code == 200
    refused = lab_step(api, "testing", code, "results", {
        "specification": "GB 2762-2022", "decision_rule": "simple_acceptance",
        "results": [{"sample_number": job["samples"][0]["sample_number"], "item": "镉（以Cd计）",
                     "method": "GB 5009.15-2023", "value": value, "unit": "mg/kg", "limit": {"max": "0.2"}}]},
        TESTING)
    assert "value" in field_errors(refused)


@pytest.mark.hostile("NaN, Infinity and huge numbers")
@pytest.mark.parametrize("quantity", ["1e999", "NaN", "1E+999999999"])
def test_a_huge_quantity_in_the_one_form_is_refused(api, quantity):
    body = json.dumps(JL02_BODY).replace('"quantity": 1', f'"quantity": {quantity}')
    answer = api.post("/api/v1/requests", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code in (400, 422), answer.text


# -- impossible dates (§4) -----------------------------------------------------------------------------
@pytest.mark.hostile("impossible dates")
@pytest.mark.parametrize("checked_on", ["9999-12-31", "0001-01-01", (TODAY + timedelta(days=1)).isoformat()])
def test_a_reference_standard_check_that_cannot_have_happened_is_refused(api, checked_on):
    standard, answer = new_standard(api)
    assert answer.status_code == 201
    refused = api.post(f"/api/v1/metrology/reference-standards/{standard['id']}/checks",
                       json={"checked_on": checked_on, "result": "within_tolerance"}, headers=METROLOGY)
    assert "checked_on" in field_errors(refused)
    # and a real check still goes through afterwards
    real = api.post(f"/api/v1/metrology/reference-standards/{standard['id']}/checks",
                    json={"checked_on": TODAY.isoformat(), "result": "within_tolerance"}, headers=METROLOGY)
    assert real.status_code == 200, real.text


@pytest.mark.hostile("impossible dates")
@pytest.mark.parametrize(("field", "value"), [
    ("calibration_valid_until", "0001-01-01"),
    ("calibration_valid_until", "9999-12-31"),
    ("last_good_check_on", "9999-01-01"),
    ("last_good_check_on", (TODAY + timedelta(days=1)).isoformat()),
])
def test_a_reference_standard_with_impossible_dates_is_not_registered(api, field, value):
    standard, refused = new_standard(api, **{field: value})
    assert field in field_errors(refused)
    assert api.get(f"/api/v1/metrology/reference-standards/{standard['id']}", headers=METROLOGY).status_code == 404


@pytest.mark.hostile("impossible dates")
@pytest.mark.parametrize("recalibration", ["0001-01-01", (TODAY - timedelta(days=1)).isoformat(), "9999-12-31"])
def test_a_recalibration_date_must_follow_the_calibration(api, recalibration):
    standard, answer = new_standard(api)
    assert answer.status_code == 201
    details = {"instruments": JL02_BODY["details"]["instruments"], "recalibration_date_requested": True}
    code = received(api, jl02_body(details=details))
    assert lab_step(api, "metrology", code, "start", {}, METROLOGY).status_code == 200
    results = calibration_results(standard=standard["id"], recalibration_date=recalibration)
    refused = lab_step(api, "metrology", code, "results", results, METROLOGY)
    assert "recalibration_date" in field_errors(refused)


@pytest.mark.hostile("impossible dates")
@pytest.mark.parametrize("conducted_on", ["0001-01-01", "1900-01-01"])
def test_an_audit_dated_before_the_platform_could_have_seen_it_is_refused(api, conducted_on):
    from ...support.data import RZ02_DETAILS

    code = received(api, jl02_body(item="RZ02", details=RZ02_DETAILS))
    review = api.post(f"/api/v1/certification/applications/{code}/review", json={"accepted": True},
                      headers=CERTIFICATION)
    assert review.status_code == 200, review.text
    refused = api.post(f"/api/v1/certification/applications/{code}/stage1",
                       json={"ready_for_stage2": True, "conducted_on": conducted_on}, headers=CERTIFICATION)
    assert "conducted_on" in field_errors(refused)


@pytest.mark.hostile("impossible dates")
@pytest.mark.parametrize("received_at", ["9999-12-31T08:00:00", "yesterday", "0001-01-01",
                                         (TODAY + timedelta(days=2)).isoformat()])
def test_a_sample_cannot_arrive_at_an_impossible_time_and_the_report_is_still_issued(api, received_at):
    code = received(api, JC01_BODY)
    sample = {"name": "大米", "description": "5 kg 袋装", "condition_on_receipt": "包装完好", "quantity": "2袋"}
    refused = lab_step(api, "testing", code, "samples", {"samples": [{**sample, "received_at": received_at}]}, TESTING)
    assert "received_at" in field_errors(refused)
    job = lab_step(api, "testing", code, "samples", {"samples": [{**sample, "received_at": TODAY.isoformat()}]},
                   TESTING).json()
    assert lab_step(api, "testing", code, "start", {}, TESTING).status_code == 200
    assert lab_step(api, "testing", code, "results", {
        "specification": "GB 2762-2022", "decision_rule": "simple_acceptance",
        "results": [{"sample_number": job["samples"][0]["sample_number"], "item": "镉（以Cd计）",
                     "method": "GB 5009.15-2023", "value": "0.08", "unit": "mg/kg", "limit": {"max": "0.2"}}]},
        TESTING).status_code == 200
    assert lab_step(api, "testing", code, "review", {"approved": True}, signed_in("testing-2")).status_code == 200
    issued = lab_step(api, "testing", code, "issue", {}, TESTING)
    assert issued.status_code == 200, issued.text


# -- deeply nested JSON (§5) --------------------------------------------------------------------------
def nested(depth):
    return "[" * depth + "]" * depth


@pytest.mark.hostile("deeply nested JSON")
@pytest.mark.parametrize("path", ["/api/v1/requests", "/api/v1/auth/login", "/api/v1/requests/x/cancel"])
@pytest.mark.parametrize("depth", [100_000, 200])
def test_a_deeply_nested_body_is_a_clear_400(api, path, depth):
    body = '{"details": ' + nested(depth) + "}"
    answer = api.post(path, content=body, headers={"Content-Type": "application/json"}, params={"lang": "en"})
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "too_deeply_nested"
    assert "nested" in answer.json()["message"]


@pytest.mark.hostile("deeply nested JSON")
def test_a_deeply_nested_command_to_a_domain_service_is_a_clear_400(api, started_calibration):
    code, _ = started_calibration
    answer = api.post(f"/api/v1/metrology/jobs/{code}/results", content='{"instruments": ' + nested(50_000) + "}",
                      headers={**METROLOGY, "Content-Type": "application/json"})
    assert answer.status_code == 400 and answer.json()["error"] == "too_deeply_nested"


@pytest.mark.hostile("deeply nested JSON")
def test_a_form_whose_field_names_nest_deeply_is_no_500(stack):
    with client(stack) as browser:
        token = form_token(browser, "/apply?items=JL02")
        answer = browser.post("/apply", params={"items": "JL02"},
                              data={**form_fields(), "form_token": token, "details." + "a." * 20_000 + "b": "x"})
    no_500(answer)


# -- lone surrogates (§5) -------------------------------------------------------------------------------
@pytest.mark.hostile("lone surrogates")
@pytest.mark.parametrize("field", ["username", "password"])
def test_a_lone_surrogate_in_a_sign_in_is_refused_as_invalid_text(api, field):
    body = {"username": "staff-321322", "password": "x", field: "PLACEHOLDER"}
    raw = json.dumps(body).replace("PLACEHOLDER", "\\ud800")
    answer = api.post("/api/v1/auth/login", content=raw, headers={"Content-Type": "application/json"})
    assert answer.status_code in (400, 422), answer.text
    assert field in json.dumps(answer.json())


@pytest.mark.hostile("lone surrogates")
def test_a_lone_surrogate_in_the_one_form_is_refused_on_its_field_and_stores_nothing(api, gateway_db):
    before = gateway_db.requests.count_documents({})
    raw = json.dumps(JL02_BODY, ensure_ascii=True).replace("\\u5f20\\u4f1f", "\\udc00\\u5f20")
    answer = api.post("/api/v1/requests", content=raw, headers={"Content-Type": "application/json"})
    assert answer.status_code in (400, 422), answer.text
    assert "contact" in json.dumps(answer.json()) and "name" in json.dumps(answer.json())
    assert gateway_db.requests.count_documents({}) == before


@pytest.mark.hostile("lone surrogates")
@pytest.mark.parametrize("path", ["/api/v1/requests/x/supplement", "/api/v1/standards/cases/x/answer"])
def test_a_lone_surrogate_anywhere_in_a_json_body_is_no_500(api, path):
    raw = '{"phone": "13912345678", "answer": "\\ud83d", "\\udfff": 1}'
    answer = api.post(path, content=raw, headers={"Content-Type": "application/json", **signed_in("standards-1")})
    no_500(answer)
    assert answer.status_code in (400, 422)


@pytest.mark.hostile("lone surrogates")
@pytest.mark.parametrize(("page", "fields"), [
    ("/staff/login", {"username": "\udc80staff", "password": "x"}),
    ("/track", {"code": "321322-\ud800", "phone": "139\udfff"}),
])
def test_a_lone_surrogate_in_a_page_form_is_no_500(stack, page, fields):
    with client(stack) as browser:
        token = form_token(browser, page)
        # percent-encode the UTF-8 bytes of the surrogate, as a browser would send them
        raw = "&".join(f"{name}=" + "".join(f"%{byte:02X}" for byte in value.encode("utf-8", "surrogatepass"))
                       for name, value in fields.items())
        answer = browser.post(page, content=f"{raw}&form_token={token}",
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    no_500(answer)


@pytest.mark.hostile("lone surrogates")
def test_a_lone_surrogate_in_a_query_is_no_500(api):
    answer = api.get("/api/v1/standards?q=GB%ED%B2%80")
    no_500(answer)
    tracking = api.get("/api/v1/requests/321322-%ED%A0%80", params={"phone": PHONE})
    no_500(tracking)


# -- year 9999 (§5) -----------------------------------------------------------------------------------------
@pytest.mark.hostile("year 9999")
@pytest.mark.parametrize("period", [
    {"from": "9999-12-01", "to": "9999-12-31"}, {"from": "9999-12-31"}, {"to": "9999-12-31"},
    {"from": "0001-01-01", "to": "0001-01-02"}, {"from": "1999-12-31", "to": "2000-01-05"},
    {"from": "2100-12-01"},  # a period from the future to today runs backwards
])
@pytest.mark.parametrize("path", ["/api/v1/metrics", "/api/v1/metrics/export"])
def test_metrics_for_an_impossible_period_are_422_naming_the_date(api, path, period):
    answer = api.get(path, params=period, headers=MANAGER)
    assert answer.status_code == 422, answer.text
    assert set(answer.json()["fields"]) & {"from", "to"}


@pytest.mark.hostile("year 9999")
def test_the_dashboard_for_the_year_9999_is_a_page_that_says_so(stack):
    with client(stack) as browser:
        signed = browser.post("/staff/login", data={"username": "manager", "password": "demo-manager",
                                                    "form_token": form_token(browser, "/staff/login")})
        assert signed.status_code == 303
        answer = browser.get("/dashboard", params={"from": "9999-12-01", "to": "9999-12-31"})
        export = browser.get("/dashboard/export.csv", params={"from": "9999-12-01", "to": "9999-12-31"})
    assert answer.status_code == 422 and "9999" in answer.text
    assert export.status_code == 422


@pytest.mark.hostile("year 9999")
@pytest.mark.parametrize("year", ["9999", "0", "1999", "99999999999999999999"])
def test_a_calendar_outside_its_years_is_a_clear_4xx(api, year):
    answer = api.get(f"/api/v1/calendar/{year}")
    assert 400 <= answer.status_code < 500, answer.text


@pytest.mark.hostile("year 9999")
def test_a_request_code_dated_in_the_year_9999_is_a_clear_4xx(api):
    from services.gateway.domain.request_code import mod11_2_check

    digits = "321322" + "99991231" + "00001"
    answer = api.get(f"/api/v1/requests/{digits[:6]}-{digits[6:14]}-{digits[14:]}-{mod11_2_check(digits)}",
                     params={"phone": PHONE})
    assert answer.status_code in (400, 404), answer.text
