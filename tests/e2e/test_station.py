"""Station dispatch and accounts, over HTTP against the running services."""

import concurrent.futures
import subprocess
import sys
import time

import httpx
import pytest

from services.common.devstack import ROOT

from ..conftest import form_token, signed_in, staff_of, through_the_station
from ..support.data import JL02_BODY
from ..support.waiting import eventually

pytestmark = pytest.mark.e2e

PHONE = "13912345678"
STAFF = staff_of("321322")
OTHER_STAFF = staff_of("321302")
OPERATOR = signed_in("metrology-1")
MANAGER = signed_in("manager")


def submitted(api, body=JL02_BODY):
    return api.post("/api/v1/requests", json=body).json()["code"]


def seen_by(api, code, who=STAFF):
    return api.get(f"/api/v1/station/requests/{code}", headers=who)


def act(api, code, step, who=STAFF, **body):
    version = body.pop("version", None) or seen_by(api, code, who).json()["version"]
    return api.post(f"/api/v1/station/requests/{code}/{step}", json={"version": version, **body}, headers=who)


def tracked(api, code):
    return api.get(f"/api/v1/requests/{code}", params={"phone": PHONE}).json()




class TestSigningIn:
    def test_a_right_pair_gets_tokens_and_a_wrong_pair_401(self, api):
        good = api.post("/api/v1/auth/login", json={"username": "staff-321322", "password": "demo-staff-321322"})
        assert good.status_code == 200
        assert set(good.json()) >= {"access_token", "refresh_token", "expires_in"}
        assert good.json()["account"]["station"] == "321322"
        wrong = api.post("/api/v1/auth/login", json={"username": "staff-321322", "password": "guess"})
        unknown = api.post("/api/v1/auth/login", json={"username": "nobody", "password": "guess"})
        assert wrong.status_code == unknown.status_code == 401
        assert wrong.json() == unknown.json()  # does not say which part was wrong

    def test_a_refresh_token_buys_a_new_pair_and_an_access_token_is_not_one(self, api):
        tokens = api.post("/api/v1/auth/login", json={"username": "manager", "password": "demo-manager"}).json()
        renewed = api.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert renewed.status_code == 200
        me = api.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {renewed.json()['access_token']}"})
        assert me.json()["role"] == "manager"
        assert api.post("/api/v1/auth/refresh", json={"refresh_token": tokens["access_token"]}).status_code == 401

    def test_users_are_created_from_the_command_line(self, api, stack):
        created = subprocess.run(
            [sys.executable, "-m", "services.gateway.cli.accounts", "create", "--username", "wang-fang",
             "--role", "staff", "--station", "321323", "--name", "泗阳县服务站 王芳"],
            input="a-long-password\n", text=True, capture_output=True, cwd=ROOT, env=stack.service_env(), timeout=60,
        )
        assert created.returncode == 0, created.stderr
        signed = api.post("/api/v1/auth/login", json={"username": "wang-fang", "password": "a-long-password"})
        assert signed.status_code == 200 and signed.json()["account"]["station"] == "321323"


class TestTheStationsDay:
    def test_a_submission_waits_in_its_stations_queue_until_staff_accept_and_dispatch_it(self, api):
        suyu = staff_of("321311")  # a station no other test sends work to
        before = api.get("/api/v1/station/requests", headers=suyu).json()
        code = submitted(api, {**JL02_BODY, "enterprise": {**JL02_BODY["enterprise"], "station": "321311"}})
        queue = api.get("/api/v1/station/requests", headers=suyu).json()
        assert queue["requests"][-1]["code"] == code  # oldest first: the newest is last
        assert queue["counts"]["submitted"] == before["counts"]["submitted"] + 1 == queue["total"]
        time.sleep(0.5)
        assert tracked(api, code)["status"] == "submitted"  # nothing happens by itself any more
        through_the_station(api, code, station="321311")
        done = eventually(lambda: tracked(api, code), lambda seen: seen["status"] == "in_progress")
        assert [entry["actor"]["role"] for entry in done["timeline"][:3]] == ["enterprise", "staff", "staff"]
        assert done["due_date"]

    def test_the_queue_filters_by_status_item_and_domain(self, api):
        code = submitted(api, {**JL02_BODY, "item": "JC03", "details": {"question": "能检测甲醛吗？"}})
        by_item = api.get("/api/v1/station/requests", params={"item": "JC03"}, headers=STAFF).json()["requests"]
        assert code in [row["code"] for row in by_item] and {row["item"]["code"] for row in by_item} == {"JC03"}
        by_domain = api.get("/api/v1/station/requests", params={"domain": "metrology"}, headers=STAFF).json()
        assert code not in [row["code"] for row in by_domain["requests"]]
        overdue = api.get("/api/v1/station/requests", params={"due": "overdue"}, headers=STAFF).json()
        assert code not in [row["code"] for row in overdue["requests"]]  # not even accepted yet
        bad = api.get("/api/v1/station/requests", params={"due": "yesterday"}, headers=STAFF)
        assert bad.status_code == 422 and "due" in bad.json()["fields"]

    def test_a_rejection_tells_the_enterprise_why(self, api):
        code = submitted(api)
        assert act(api, code, "reject").status_code == 422  # a reason is needed
        assert act(api, code, "reject", reason="请到宿城区服务站办理").status_code == 200
        seen = tracked(api, code)
        assert seen["status"] == "rejected" and seen["timeline"][-1]["reason"] == "请到宿城区服务站办理"

    def test_asking_for_material_pauses_until_the_enterprise_answers_on_the_tracking_side(self, api):
        code = submitted(api)
        act(api, code, "accept")
        asked = act(api, code, "request-material", note="请补充上次校准证书复印件")
        assert asked.json()["status"] == "awaiting_enterprise"
        seen = tracked(api, code)
        assert seen["material_request"]["note"] == "请补充上次校准证书复印件" and seen["holder"]["role"] == "enterprise"
        wrong = api.post(f"/api/v1/requests/{code}/supplement", json={"phone": "13800000000", "answer": "x"})
        assert wrong.status_code == 404
        answered = api.post(f"/api/v1/requests/{code}/supplement", json={"phone": PHONE, "answer": "已补交复印件"})
        assert answered.status_code == 200 and answered.json()["status"] == "accepted"
        staff_view = seen_by(api, code).json()
        assert staff_view["material_request"]["answer"] == "已补交复印件"
        assert [entry["event"] for entry in staff_view["timeline"]][-2:] == ["awaiting_enterprise", "supplemented"]

    def test_a_request_reassigned_to_another_station_is_theirs_now(self, api):
        code = submitted(api)
        assert act(api, code, "reassign", station="321302", reason="企业注册地在宿城区").status_code == 200
        assert seen_by(api, code).status_code == 403
        assert seen_by(api, code, OTHER_STAFF).status_code == 200
        assert act(api, code, "accept", who=OTHER_STAFF).status_code == 200

    def test_a_domain_service_declines_and_the_request_returns_to_the_station(self, api):
        code = submitted(api)
        through_the_station(api, code)
        eventually(lambda: tracked(api, code), lambda seen: seen["status"] == "in_progress")
        declined = api.post(f"/api/v1/metrology/jobs/{code}/decline", json={"reason": "该器具超出本实验室能力范围"},
                            headers=OPERATOR)
        assert declined.status_code == 200
        back = eventually(lambda: seen_by(api, code).json(), lambda seen: seen["status"] == "accepted")
        assert back["timeline"][-1]["reason"] == "该器具超出本实验室能力范围"
        assert act(api, code, "dispatch").status_code == 200  # sent again after a word with the lab
        eventually(lambda: tracked(api, code), lambda seen: seen["status"] == "in_progress")
        job = api.get(f"/api/v1/metrology/jobs/{code}", headers=OPERATOR).json()
        assert job["status"] == "received"

    def test_the_enterprise_withdraws_before_dispatch_and_not_after(self, api):
        code = submitted(api)
        assert api.post(f"/api/v1/requests/{code}/cancel", json={"phone": PHONE}).json()["status"] == "cancelled"
        other = submitted(api)
        through_the_station(api, other)
        assert api.post(f"/api/v1/requests/{other}/cancel", json={"phone": PHONE}).status_code == 409

    def test_an_accepted_request_is_refused_after_review_before_dispatch(self, api):
        code = submitted(api)
        act(api, code, "accept")
        assert act(api, code, "reject").status_code == 422  # a reason is needed
        refused = act(api, code, "reject", reason="材料审查后发现不属于校准范围，请申请强制检定")
        assert refused.status_code == 200 and refused.json()["status_label"] == "不予受理"
        seen = tracked(api, code)
        assert seen["status"] == "rejected" and seen["timeline"][-1]["reason"].startswith("材料审查后")


def metrics_of(api, item):
    return api.get("/api/v1/metrics", params={"station": "321322", "item": item}, headers=MANAGER).json()["totals"]


class TestEndingADispatchedRequest:
    def test_the_station_ends_it_the_service_stops_its_job_and_the_metrics_count_it_as_ended(self, api):
        before = metrics_of(api, "JL02")
        code = submitted(api)
        through_the_station(api, code)
        eventually(lambda: tracked(api, code), lambda seen: seen["status"] == "in_progress")
        assert act(api, code, "terminate").status_code == 422  # a reason is needed
        ended = act(api, code, "terminate", reason="企业来电：仪器已报废，不再校准")
        assert ended.status_code == 200, ended.text
        assert (ended.json()["status"], ended.json()["status_label"]) == ("terminated", "已终止")
        english = api.get(f"/api/v1/requests/{code}", params={"phone": PHONE, "lang": "en"}).json()
        assert english["status_label"] == "Terminated" and english["holder"] is None
        told = eventually(lambda: tracked(api, code),
                          lambda seen: "job_cancelled" in [entry["event"] for entry in seen["timeline"]])
        assert told["status"] == "terminated"
        assert next(e for e in told["timeline"] if e["event"] == "job_cancelled")["label"] == "业务部门已停止办理"
        job = api.get(f"/api/v1/metrology/jobs/{code}", headers=OPERATOR).json()
        assert job["status"] == "terminated" and job["cancellation"]["reason"] == "企业来电：仪器已报废，不再校准"
        refused = api.post(f"/api/v1/metrology/jobs/{code}/start", json={}, headers=OPERATOR)
        assert refused.status_code == 409 and refused.json()["message"] == "当前状态（已终止）下不能执行此操作"
        after = eventually(lambda: metrics_of(api, "JL02"), lambda now: now["terminated"] == before["terminated"] + 1)
        assert (after["completed"], after["sla_breached"]) == (before["completed"], before["sla_breached"])

    def test_a_request_not_yet_dispatched_or_already_completed_cannot_be_ended(self, api):
        code = submitted(api)
        act(api, code, "accept")
        early = act(api, code, "terminate", reason="企业不再需要")
        assert early.status_code == 409 and early.json()["message"] == "当前状态（已受理）下不能执行此操作"
        lookup = submitted(api, {**JL02_BODY, "item": "BZ01", "details": {"query": "GB/T 19001-2016"}})
        through_the_station(api, lookup)
        eventually(lambda: tracked(api, lookup), lambda seen: seen["status"] == "completed")
        late = act(api, lookup, "terminate", reason="企业不再需要")
        assert late.status_code == 409 and late.json()["error"] == "invalid_transition"


class TestTwoPeopleAtOnce:
    def test_of_two_staff_acting_on_the_same_version_one_wins_and_the_other_gets_409_with_the_state(
        self, api, stack
    ):
        second = api.post("/api/v1/auth/login", json={"username": "admin", "password": "demo-admin"}).json()
        admin = {"Authorization": f"Bearer {second['access_token']}"}
        outcomes = []
        for _ in range(8):
            code = submitted(api)
            version = seen_by(api, code).json()["version"]

            def accept(headers, code=code, version=version):
                with httpx.Client(base_url=stack.gateway_url, timeout=30) as client:
                    return client.post(f"/api/v1/station/requests/{code}/accept", json={"version": version},
                                       headers=dict(headers))

            def reject(headers, code=code, version=version):
                with httpx.Client(base_url=stack.gateway_url, timeout=30) as client:
                    return client.post(f"/api/v1/station/requests/{code}/reject",
                                       json={"version": version, "reason": "材料不全"}, headers=dict(headers))

            with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
                answers = list(pool.map(lambda call: call[0](call[1]), [(accept, STAFF), (reject, admin)]))
            statuses = sorted(answer.status_code for answer in answers)
            assert statuses == [200, 409], [answer.text for answer in answers]
            loser = next(answer for answer in answers if answer.status_code == 409).json()
            winner = next(answer for answer in answers if answer.status_code == 200).json()
            assert loser["error"] == "stale_request"
            assert loser["current"]["status"] == winner["status"] == tracked(api, code)["status"]
            outcomes.append(winner["status"])
        assert set(outcomes) <= {"accepted", "rejected"}


class TestTheAuditTrail:
    def test_every_change_records_actor_role_time_from_to_and_reason(self, api):
        code = submitted(api)
        act(api, code, "request-material", note="缺营业执照")
        api.post(f"/api/v1/requests/{code}/supplement", json={"phone": PHONE, "answer": "已补"})
        act(api, code, "accept")
        trail = seen_by(api, code).json()["timeline"]
        assert [(entry["from"], entry["status"]) for entry in trail[1:]] == [
            ("submitted", "awaiting_enterprise"), ("awaiting_enterprise", "submitted"), ("submitted", "accepted")]
        assert trail[1]["actor"]["username"] == "staff-321322" and trail[1]["actor"]["role"] == "staff"
        assert trail[1]["reason"] == "缺营业执照" and all(entry["at"] for entry in trail)

    def test_no_api_edits_or_removes_the_trail(self, api):
        code = submitted(api)
        before = seen_by(api, code).json()["timeline"]
        for method in ("PUT", "PATCH", "DELETE"):
            for path in (f"/api/v1/requests/{code}", f"/api/v1/station/requests/{code}"):
                answer = api.request(method, path, json={"timeline": []}, headers=signed_in("admin"))
                assert answer.status_code in (404, 405), (method, path, answer.status_code)
        act(api, code, "accept")
        after = seen_by(api, code).json()["timeline"]
        assert after[: len(before)] == before  # entries are only ever added


def test_the_public_verify_page_answers_for_unknown_numbers_without_guessing(api):
    unknown = api.get("/verify", params={"number": "SQJL-2026-999999"})
    assert unknown.status_code == 404 and "没有这个编号的证书或报告" in unknown.text
    foreign = api.get("/verify", params={"number": "ABC-123", "lang": "en"})
    assert foreign.status_code == 404 and "No certificate or report has this number" in foreign.text
    assert api.get("/verify").status_code == 200


def test_a_long_queue_comes_in_pages(api):
    first = api.get("/api/v1/station/requests", params={"limit": 2}, headers=STAFF).json()
    second = api.get("/api/v1/station/requests", params={"limit": 2, "offset": 2}, headers=STAFF).json()
    assert first["total"] == second["total"] >= 4
    assert len(first["requests"]) == len(second["requests"]) == 2
    assert {row["code"] for row in first["requests"]}.isdisjoint(row["code"] for row in second["requests"])


def test_the_console_pages_a_long_queue(stack):
    with httpx.Client(base_url=stack.gateway_url, timeout=30) as browser:
        signed = browser.post("/staff/login", data={"username": "staff-321322", "password": "demo-staff-321322",
                                                    "form_token": form_token(browser, "/staff/login")})
        assert signed.status_code == 303
        page = browser.get("/staff", params={"limit": 2})
        assert page.status_code == 200 and 'rel="next"' in page.text and "offset=2" in page.text
        assert browser.get("/staff", params={"limit": 2, "offset": 2}).text.count('rel="prev"') == 1


def test_the_audit_trail_names_the_operator_of_every_domain_step(api):
    from ..support.data import RZ02_DETAILS

    code = submitted(api, {**JL02_BODY, "item": "RZ02", "details": RZ02_DETAILS})
    through_the_station(api, code)
    eventually(lambda: tracked(api, code), lambda seen: seen["status"] == "in_progress")
    reviewed = api.post(f"/api/v1/certification/applications/{code}/review", json={"accepted": True},
                        headers=signed_in("certification-1"))
    assert reviewed.status_code == 200, reviewed.text
    trail = eventually(lambda: seen_by(api, code, MANAGER).json()["timeline"],
                       lambda entries: entries[-1]["event"] == "application_accepted")
    assert trail[-1]["actor"]["role"] == "certification"
    assert trail[-1]["actor"]["username"] == "certification-1"
    assert trail[-1]["actor"]["name"] == "certification 业务员1"
