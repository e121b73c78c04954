"""The enterprise's own pages over HTTP (issue 29 §1), as a browser without JavaScript
uses them: one sign-in page for every account, ``/me`` with its filters and search,
each request's page with its 补正 form and documents, the instrument file with renewals,
the standards watch and the colleagues' phones; sessions in cookies, CSRF on every form."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from services.common.clock import china_date

from ..conftest import form_token, new_client_address, signed_in, staff_of, through_the_station
from ..support.accounts import new_enterprise, new_uscc
from ..support.data import JL01_BODY, JL02_BODY, REFERENCE_STANDARD, verification_results
from ..support.files import PDF, upload
from ..support.waiting import eventually
from .test_lab_work import travel_in_time

pytestmark = pytest.mark.e2e

METROLOGY, REVIEWER, STANDARDS = signed_in("metrology-1"), signed_in("metrology-2"), signed_in("standards-1")


def browser(stack):
    return httpx.Client(base_url=stack.gateway_url, timeout=30, headers={"X-Forwarded-For": new_client_address()})


def sign_in(client, username, password, path="/login", **extra):
    return client.post(path, data={"username": username, "password": password,
                                   "form_token": form_token(client, path), **extra})


def csrf_of(page):
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)


def body_for(uscc, template=JL02_BODY, serial=None, name="宿迁市测试企业有限公司"):
    rows = template["details"]["instruments"]
    row = {**rows[0], "serial_number": serial or f"SN-{uuid.uuid4().hex[:6]}"}
    return {**template, "enterprise": {"name": name, "uscc": uscc, "station": "321322"},
            "details": {**template["details"], "instruments": [row]}}


def token_of(api, uscc, password):
    answer = api.post("/api/v1/auth/login", json={"username": uscc, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.fixture
def enterprise(stack):
    """An enterprise account of the test's own (verified, as the command line makes them)."""
    return new_enterprise(stack)


@pytest.fixture
def signed_in_enterprise(stack, enterprise):
    uscc, password = enterprise
    with browser(stack) as client:
        assert sign_in(client, uscc, password).headers["location"] == "/me"
        yield client, uscc, password


class TestTheOneSignInPage:
    def test_it_is_a_form_in_both_languages_with_its_token(self, api):
        page = api.get("/login")
        assert page.status_code == 200 and 'name="form_token"' in page.text and "统一社会信用代码" in page.text
        assert "Sign in" in api.get("/login", params={"lang": "en"}).text
        assert 'href="/login"' in api.get("/").text  # the header leads there when nobody is signed in

    def test_an_enterprise_lands_on_its_own_pages_and_staff_on_the_console(self, stack, enterprise):
        uscc, password = enterprise
        with browser(stack) as client:
            signed = sign_in(client, uscc.lower(), password)
            assert signed.status_code == 303 and signed.headers["location"] == "/me"
            cookies = signed.headers.get_list("set-cookie")
            assert any(c.startswith("qi_access=") and "HttpOnly" in c and "SameSite=Strict" in c for c in cookies)
            home = client.get("/")
            assert 'id="nav-me"' in home.text and "我的办件" in home.text and 'id="nav-login"' not in home.text
        with browser(stack) as client:
            signed = sign_in(client, "staff-321322", "demo-staff-321322")
            assert signed.status_code == 303 and signed.headers["location"] == "/staff"
            assert 'id="nav-staff"' in client.get("/").text
        with browser(stack) as client:  # /staff/login is the same page and the same sign-in
            assert sign_in(client, uscc, password, path="/staff/login").headers["location"] == "/me"
            assert client.get("/staff/login").status_code == 200

    def test_it_leads_to_the_page_asked_for_but_never_elsewhere(self, stack, enterprise):
        uscc, password = enterprise
        with browser(stack) as client:
            asked = client.get("/me/instruments")
            assert asked.status_code == 303 and asked.headers["location"] == "/login?after=%2Fme%2Finstruments"
            signed = sign_in(client, uscc, password, after="/me/instruments")
            assert signed.headers["location"] == "/me/instruments"
            assert client.get("/login").headers["location"] == "/me"  # signed in already
        with browser(stack) as client:
            assert sign_in(client, uscc, password, after="//evil.example/me").headers["location"] == "/me"
        with browser(stack) as client:  # staff are not led to an enterprise's page, nor an enterprise to the console
            assert sign_in(client, "staff-321322", "demo-staff-321322", after="/me").headers["location"] == "/staff"
            assert client.get("/me").headers["location"] == "/login?after=%2Fme"
            assert client.get("/login?after=%2Fme").headers["location"] == "/staff"

    def test_it_refuses_wrong_credentials_a_stale_form_and_an_account_not_verified_yet(self, stack, api):
        uscc, password = new_uscc(), "pending-password-1"
        registered = api.post("/api/v1/enterprise/registrations", json={
            "uscc": uscc, "name": "待核验企业", "contact_name": "刘洋", "phone": "13812345678", "station": "321322",
            "password": password})
        assert registered.status_code == 201
        with browser(stack) as client:
            wrong = sign_in(client, uscc, "not-the-password")
            assert wrong.status_code == 401 and "用户名或密码不正确" in wrong.text and uscc in wrong.text
            pending = sign_in(client, uscc, password)
            assert pending.status_code == 403 and "尚未通过核验" in pending.text
            forged = client.post("/login", data={"username": uscc, "password": password})
            assert forged.status_code == 403 and "qi_access" not in forged.headers.get("set-cookie", "")

    def test_signing_out_ends_the_session_and_needs_the_pages_token(self, signed_in_enterprise):
        client, _, _ = signed_in_enterprise
        assert client.post("/logout").status_code == 403
        assert client.get("/me").status_code == 200
        out = client.post("/logout", data={"form_token": form_token(client, "/me")})
        assert out.status_code == 303 and out.headers["location"] == "/login"
        assert client.get("/me").status_code == 303


class TestMyRequests:
    def test_newest_first_with_status_holder_due_date_and_only_its_own(self, stack, api, signed_in_enterprise):
        client, uscc, password = signed_in_enterprise
        bearer = token_of(api, uscc, password)
        first = api.post("/api/v1/requests", json=body_for(uscc), headers=bearer).json()["code"]
        second = api.post("/api/v1/requests", json=body_for(uscc, JL01_BODY), headers=bearer).json()["code"]
        through_the_station(api, first)
        elsewhere = api.post("/api/v1/requests", json=body_for(new_uscc())).json()["code"]
        page = eventually(lambda: client.get("/me"), lambda answer: f'"{first}" data-status="in_progress"' in answer.text)
        assert page.status_code == 200
        rows = re.findall(r'<tr data-code="([^"]+)" data-status="([^"]+)"', page.text)
        assert rows == [(second, "submitted"), (first, "in_progress")] and elsewhere not in page.text
        row = page.text[page.text.index(f'data-code="{first}"'):]
        row = row[:row.index("</tr>")]
        assert "办理中" in row and "计量部门" in row  # the holder: metrology has it now
        due = api.get(f"/api/v1/requests/{first}", headers=bearer).json()["due_date"]
        assert due and due in row
        english = client.get("/me", params={"lang": "en"}).text
        assert "My requests" in english and "In progress" in english and "Metrology" in english

    def test_filters_search_and_paging(self, stack, api, signed_in_enterprise):
        client, uscc, password = signed_in_enterprise
        bearer = token_of(api, uscc, password)
        serial = f"SN-{uuid.uuid4().hex[:6]}"
        codes = [api.post("/api/v1/requests", json=body_for(uscc), headers=bearer).json()["code"] for _ in range(21)]
        jl01 = api.post("/api/v1/requests", json=body_for(uscc, JL01_BODY, serial=serial), headers=bearer).json()
        staff = staff_of("321322")
        version = api.get(f"/api/v1/station/requests/{codes[0]}", headers=staff).json()["version"]
        assert api.post(f"/api/v1/station/requests/{codes[0]}/accept", json={"version": version},
                        headers=staff).status_code == 200

        def listed(**query):
            answer = client.get("/me", params=query)
            return answer, re.findall(r'<tr data-code="([^"]+)"', answer.text)

        _, page_one = listed()
        assert len(page_one) == 20 and page_one[0] == jl01["code"]
        more, page_two = listed(offset=20)
        assert page_two == codes[:2][::-1] and "第21–22件，共22件" in more.text
        assert listed(q=serial)[1] == [jl01["code"]]
        assert listed(q=codes[5].replace("-", " ").lower())[1] == [codes[5]]
        assert listed(item="JL01")[1] == [jl01["code"]]
        assert listed(status="accepted")[1] == [codes[0]]
        assert len(listed(status="open")[1]) == 20 and listed(status="completed")[1] == []
        today = china_date(datetime.now(UTC))
        assert len(listed(**{"from": today.isoformat(), "to": today.isoformat()})[1]) == 20
        assert listed(to=(today - timedelta(days=1)).isoformat())[1] == []
        mistyped = codes[5][:-1] + ("1" if codes[5][-1] != "1" else "2")
        wrong, _ = listed(q=mistyped)
        assert wrong.status_code == 400 and "校验位" in wrong.text
        reversed_period, _ = listed(**{"from": today.isoformat(), "to": (today - timedelta(days=3)).isoformat()})
        assert reversed_period.status_code == 400

    def test_a_request_page_shows_what_was_submitted_and_takes_the_answer_to_a_supplement_request(
            self, stack, api, signed_in_enterprise):
        client, uscc, password = signed_in_enterprise
        serial = f"SN-{uuid.uuid4().hex[:6]}"
        code = api.post("/api/v1/requests", json=body_for(uscc, serial=serial),
                        headers=token_of(api, uscc, password)).json()["code"]
        staff = staff_of("321322")
        version = api.get(f"/api/v1/station/requests/{code}", headers=staff).json()["version"]
        asked = api.post(f"/api/v1/station/requests/{code}/request-material", headers=staff,
                         json={"version": version, "note": "请补充上次校准证书复印件"})
        assert asked.status_code == 200
        page = client.get(f"/me/requests/{code}")
        assert page.status_code == 200 and "请补充上次校准证书复印件" in page.text and 'id="supplement-form"' in page.text
        assert "出厂编号" in page.text and serial in page.text  # the form's own label beside what was typed
        assert "企业提交申请" in page.text  # the timeline
        listed = client.get("/me", params={"status": "awaiting_enterprise"}).text
        assert f'data-code="{code}"' in listed and "去补正" in listed
        forged = client.post(f"/me/requests/{code}/supplement", data={"answer": "已补"})
        assert forged.status_code == 403
        empty = client.post(f"/me/requests/{code}/supplement", data={"answer": " ", "csrf": csrf_of(page)})
        assert empty.status_code == 422 and "此项为必填项" in empty.text
        answered = client.post(f"/me/requests/{code}/supplement",
                               data={"answer": "复印件已上传至服务站邮箱", "csrf": csrf_of(page)})
        assert answered.status_code == 303
        shown = client.get(answered.headers["location"])
        assert "已提交补正，服务站将继续办理" in shown.text and "您的补正：复印件已上传至服务站邮箱" in shown.text
        assert api.get(f"/api/v1/station/requests/{code}", headers=staff).json()["status"] == "submitted"
        again = client.post(f"/me/requests/{code}/supplement", data={"answer": "再补", "csrf": csrf_of(page)})
        assert again.status_code == 409

    def test_another_enterprises_request_is_not_found(self, stack, api, signed_in_enterprise):
        client, _, _ = signed_in_enterprise
        other = api.post("/api/v1/requests", json=body_for(new_uscc())).json()["code"]
        assert client.get(f"/me/requests/{other}").status_code == 404
        page = client.get("/me/contacts")  # a page with a form of the session
        answer = client.post(f"/me/requests/{other}/supplement", data={"answer": "x", "csrf": csrf_of(page)})
        assert answer.status_code == 404


def certified(api, uscc, bearer, serial, name):
    """The enterprise's own JL01 request through the station and metrology to a certificate."""
    standard = {**REFERENCE_STANDARD, "id": f"RS-{uuid.uuid4().hex[:6].upper()}",
                "calibration_valid_until": (china_date(datetime.now(UTC)) + timedelta(days=365)).isoformat(),
                "last_good_check_on": china_date(datetime.now(UTC)).isoformat()}
    assert api.post("/api/v1/metrology/reference-standards", json=standard, headers=METROLOGY).status_code == 201
    code = api.post("/api/v1/requests", json=body_for(uscc, JL01_BODY, serial=serial, name=name),
                    headers=bearer).json()["code"]
    through_the_station(api, code)
    jobs = f"/api/v1/metrology/jobs/{code}"
    eventually(lambda: api.get(jobs, headers=METROLOGY).status_code, lambda status: status == 200)
    for step, body, who in (("start", {}, METROLOGY),
                            ("results", verification_results(serial=serial, standard=standard["id"]), METROLOGY),
                            ("review", {"approved": True}, REVIEWER), ("issue", {}, METROLOGY)):
        assert api.post(f"{jobs}/{step}", json=body, headers=who).status_code == 200
    return code


class TestTheInstrumentFile:
    def test_due_instruments_are_renewed_one_click_or_several_at_once_each_once(
            self, stack, api, mongo_client, signed_in_enterprise):
        client, uscc, password = signed_in_enterprise
        bearer = token_of(api, uscc, password)
        serials = [f"PG-{uuid.uuid4().hex[:6]}" for _ in range(3)]
        codes = [certified(api, uscc, bearer, serial, "宿迁市测试企业有限公司") for serial in serials]
        instruments = mongo_client[f"{stack.db_prefix}metrology"].instruments
        filed = eventually(lambda: client.get("/me/instruments").text,
                           lambda text: all(f'data-serial="{serial}"' in text for serial in serials))
        assert "有效期至" in filed and "下次提醒" in filed and 'id="renew-chosen"' not in filed

        # Half a year passes: the certificates now run out in five days and the reminders fall due
        expires = china_date(datetime.now(UTC)) + timedelta(days=5)
        for serial in serials:
            travel_in_time(instruments, f"{uscc}:{serial}", expires)
        page = eventually(lambda: client.get("/me/instruments"),
                          lambda answer: all(f'id="renew-{serial}"' in answer.text for serial in serials))
        assert "到期前7天提醒" in page.text and "还有5天" in page.text and 'id="renew-chosen"' in page.text
        completed = eventually(lambda: client.get("/me").text, lambda text: "SQJL-" in text)
        assert f"/me/requests/{codes[0]}/documents/" in completed

        forged = client.post("/me/instruments/renewals", data={"one": serials[0]})
        assert forged.status_code == 403
        one = client.post("/me/instruments/renewals", data={"one": serials[0], "csrf": csrf_of(page)})
        assert one.status_code == 303 and f"renewed={serials[0]}" in one.headers["location"]
        after_one = client.get(one.headers["location"])
        assert "已申请续检" in after_one.text
        renewal = re.search(rf'data-serial="{serials[0]}".*?class="renewal-link"><code>([^<]+)</code>',
                            after_one.text, re.S).group(1)
        both = client.post("/me/instruments/renewals", data={"serial_number": serials, "csrf": csrf_of(page)})
        assert both.status_code == 303
        file = api.get("/api/v1/instruments", headers=bearer).json()["instruments"]
        renewals = {each["serial_number"]: each["renewal_request"] for each in file}
        assert renewals[serials[0]] == renewal  # the second post renewed the first instrument once only
        assert len({renewals[serial] for serial in serials}) == 3
        for serial in serials:
            mine = api.get(f"/api/v1/requests/{renewals[serial]}", headers=bearer).json()
            assert mine["item"]["code"] == "JL01" and mine["status"] == "submitted"
        nothing = client.post("/me/instruments/renewals", data={"csrf": csrf_of(page)})
        assert nothing.status_code == 422 and "请勾选要续检的器具" in nothing.text

    def test_the_request_pages_document_downloads_for_its_account_only(self, stack, api, signed_in_enterprise):
        client, uscc, password = signed_in_enterprise
        bearer = token_of(api, uscc, password)
        code = certified(api, uscc, bearer, f"PG-{uuid.uuid4().hex[:6]}", "宿迁市测试企业有限公司")
        seen = eventually(lambda: api.get(f"/api/v1/requests/{code}", headers=bearer).json(),
                          lambda view: view["status"] == "completed")
        number = seen["result"]["certificate_number"]
        page = client.get(f"/me/requests/{code}")
        link = f"/me/requests/{code}/documents/{number}.pdf"
        assert link in page.text and "检定证书" in page.text
        pdf = client.get(link)
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        with browser(stack) as stranger:
            assert stranger.get(link).status_code == 401
            other, other_password = new_enterprise(stack)
            sign_in(stranger, other, other_password)
            assert stranger.get(link).status_code == 404

    def test_the_files_it_submitted_download_from_its_request_page_for_its_account_only(
            self, stack, api, signed_in_enterprise):
        client, uscc, password = signed_in_enterprise
        (licence,) = upload(api, ("营业执照（副本）.pdf", PDF))["files"]
        body = {**body_for(uscc), "attachments": [{"id": licence["id"], "material": 0}]}
        code = api.post("/api/v1/requests", json=body, headers=token_of(api, uscc, password)).json()["code"]
        link = f"/me/requests/{code}/files/{licence['id']}"
        page = client.get(f"/me/requests/{code}")
        assert link in page.text and "营业执照（副本）.pdf" in page.text
        downloaded = client.get(link)
        assert downloaded.status_code == 200 and downloaded.content == PDF
        assert downloaded.headers["content-type"] == "application/pdf"
        with browser(stack) as stranger:
            assert stranger.get(link).status_code == 401
            other, other_password = new_enterprise(stack)
            sign_in(stranger, other, other_password)
            assert stranger.get(link).status_code == 404


class TestTheStandardsWatchAndContacts:
    def test_notices_and_followed_standards_and_unfollowing(self, stack, api, signed_in_enterprise):
        client, uscc, password = signed_in_enterprise
        bearer = token_of(api, uscc, password)
        base = f"GB/T {uuid.uuid4().int % 90000 + 10000}"
        old, new = f"{base}-2016", f"{base}-2026"
        for number in (old, new):
            added = api.post("/api/v1/standards", headers=STANDARDS,
                             json={"number": number, "title_zh": "测试用标准", "effective": "2016-06-01"})
            assert added.status_code == 201, added.text
        asked = api.post("/api/v1/requests", headers=bearer, json={
            "item": "BZ01", "enterprise": {"name": "宿迁市测试企业有限公司", "uscc": uscc, "station": "321322"},
            "contact": {"name": "张伟", "phone": "13912345678"}, "details": {"query": old}}).json()["code"]
        through_the_station(api, asked)
        page = eventually(lambda: client.get("/me/notices"), lambda answer: f'data-number="{old}"' in answer.text)
        assert "跟踪的标准" in page.text and asked in page.text
        ended = api.post("/api/v1/standards/supersessions", headers=STANDARDS,
                         json={"number": old, "status": "superseded", "replaced_by": new})
        assert ended.status_code == 200
        told = eventually(lambda: client.get("/me/notices").text, lambda text: "已被" in text and new in text)
        assert "被代替" in told
        forged = client.post("/me/notices/unfollow", data={"number": old})
        assert forged.status_code == 403
        stopped = client.post("/me/notices/unfollow", data={"number": old, "csrf": csrf_of(page)})
        assert stopped.status_code == 303
        after = client.get(stopped.headers["location"]).text
        assert "已取消跟踪" in after and f'<tr data-number="{old}"' not in after
        assert f'data-number="{old}"' in after  # the notice it received stays

    def test_colleagues_phones_are_kept_as_eleven_digits(self, stack, gateway_db, signed_in_enterprise):
        client, uscc, _ = signed_in_enterprise
        page = client.get("/me/contacts")
        assert page.status_code == 200 and 'id="contact-form"' in page.text
        forged = client.post("/me/contacts", data={"name": "王芳", "phone": "13912345678"})
        assert forged.status_code == 403
        added = client.post("/me/contacts", data={"name": "王芳", "phone": "+86 139-1234-5678", "csrf": csrf_of(page)})
        assert added.status_code == 303
        assert gateway_db.accounts.find_one({"_id": uscc})["contacts"] == [{"name": "王芳", "phone": "13912345678"}]
        twice = client.post("/me/contacts", data={"name": "王芳", "phone": "139 1234 5678", "csrf": csrf_of(page)})
        assert twice.status_code == 409 and "已在联系人中" in twice.text
        bad = client.post("/me/contacts", data={"name": "", "phone": "0527-8888", "csrf": csrf_of(page),
                                                "lang": "en"})
        assert bad.status_code == 422 and "11-digit mainland China mobile" in bad.text and "required" in bad.text
        shown = client.get("/me/contacts").text
        assert 'data-phone="13912345678"' in shown
        for path, heading in (("/me/contacts", "Add a contact"), ("/me/instruments", "Instrument file"),
                              ("/me/notices", "Standards followed")):
            english = client.get(path, params={"lang": "en"}).text
            assert heading in english and "Sign out" in english and "我的办件" not in english
        removed = client.post("/me/contacts/remove", data={"phone": "139-1234-5678", "csrf": csrf_of(page)})
        assert removed.status_code == 303
        assert gateway_db.accounts.find_one({"_id": uscc})["contacts"] == []
