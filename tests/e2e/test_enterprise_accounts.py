"""Enterprise accounts over HTTP (issue 26 §1): the registration page and API, the
station's list and verification in the console and the API, and what a verified
account then opens."""

import re

import httpx
import pytest

from ..conftest import form_token, new_client_address, signed_in, staff_of
from ..support.accounts import new_uscc
from ..support.data import JL02_BODY

pytestmark = pytest.mark.e2e

PASSWORD = "enterprise-password-1"


def browser(stack):
    return httpx.Client(base_url=stack.gateway_url, timeout=30, headers={"X-Forwarded-For": new_client_address()})


def registration(uscc, station="321322"):
    return {"uscc": uscc, "name": "宿迁市新注册精密仪器有限公司", "contact_name": "刘洋", "phone": "13812345678",
            "station": station, "password": PASSWORD}


def signed_in_console(client, username="staff-321322"):
    answer = client.post("/staff/login", data={"username": username, "password": f"demo-{username}",
                                                "form_token": form_token(client, "/staff/login")})
    assert answer.status_code == 303


class TestTheRegistrationPage:
    def test_it_is_a_form_in_both_languages_that_needs_no_script(self, api):
        page = api.get("/register")
        assert page.status_code == 200 and 'name="form_token"' in page.text and "企业账户注册" in page.text
        assert "营业执照" in page.text
        assert "Register an enterprise account" in api.get("/register", params={"lang": "en"}).text

    def test_a_post_from_elsewhere_is_refused_and_keeps_what_was_typed(self, stack, gateway_db):
        uscc = new_uscc()
        with browser(stack) as client:
            answer = client.post("/register", data={**registration(uscc), "password_confirm": PASSWORD})
        assert answer.status_code == 403 and uscc in answer.text and PASSWORD not in answer.text
        assert gateway_db.accounts.find_one({"_id": uscc}) is None

    def test_each_wrong_field_is_named_beside_it(self, stack):
        with browser(stack) as client:
            token = form_token(client, "/register")
            answer = client.post("/register", data={
                "form_token": token, "uscc": "91321322MA1ABC1230", "name": "", "contact_name": "刘洋",
                "phone": "12345", "station": "321322", "password": "short", "password_confirm": "other",
                "lang": "en"})
        assert answer.status_code == 422
        errors = dict(re.findall(r'<span class="error" id="([a-z_]+)-error" role="alert">([^<]+)</span>', answer.text))
        assert "check character" in errors["uscc"]
        assert errors["name"] == "This field is required."
        assert errors["phone"] == "Enter an 11-digit mainland China mobile number."
        assert errors["password"] == "At least 10 characters."
        assert errors["password_confirm"] == "The two passwords differ."

    def test_a_registration_is_pending_and_says_where_to_show_the_licence(self, stack, gateway_db):
        uscc = new_uscc()
        with browser(stack) as client:
            token = form_token(client, "/register")
            answer = client.post("/register", data={**registration(uscc, "321302"), "password_confirm": PASSWORD,
                                                    "form_token": token})
            assert answer.status_code == 303
            done = client.get(answer.headers["location"])
            again = client.post("/register", data={**registration(uscc), "password_confirm": PASSWORD,
                                                   "form_token": token})
        assert done.status_code == 200 and "待核验" in done.text and "宿城区" in done.text
        assert again.status_code == 409 and "已有企业账户" in again.text
        stored = gateway_db.accounts.find_one({"_id": uscc})
        assert stored["state"] == "pending" and stored["registration"]["station"] == "321302"
        assert PASSWORD not in str(stored)


class TestTheStationsVerification:
    def test_staff_verify_an_account_in_the_console_after_checking_the_licence(self, stack, api):
        uscc = new_uscc()
        assert api.post("/api/v1/enterprise/registrations", json=registration(uscc)).status_code == 201
        with browser(stack) as client:
            signed_in_console(client)
            listed = client.get("/staff/enterprise-accounts")
            assert listed.status_code == 200 and "待核验企业账户" in listed.text and f'data-uscc="{uscc}"' in listed.text
            page = client.get(f"/staff/enterprise-accounts/{uscc}")
            csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
            forged = client.post(f"/staff/enterprise-accounts/{uscc}/verification",
                                 data={"decision": "verify", "checked": ["licence_uscc", "licence_name"]})
            assert forged.status_code == 403
            half = client.post(f"/staff/enterprise-accounts/{uscc}/verification",
                               data={"csrf": csrf, "decision": "verify", "checked": ["licence_uscc"]})
            assert half.status_code == 422 and "两项都勾选" in half.text
            done = client.post(f"/staff/enterprise-accounts/{uscc}/verification",
                               data={"csrf": csrf, "decision": "verify", "checked": ["licence_uscc", "licence_name"],
                                     "note": "营业执照原件已核"})
            assert done.status_code == 303
            shown = client.get(done.headers["location"])
        assert "已记录：核验通过" in shown.text and "营业执照原件已核" in shown.text and "staff-321322" in shown.text
        login = api.post("/api/v1/auth/login", json={"username": uscc, "password": PASSWORD})
        assert login.status_code == 200 and login.json()["account"]["uscc"] == uscc

    def test_the_api_lists_decides_once_and_keeps_the_audit(self, api):
        uscc = new_uscc()
        api.post("/api/v1/enterprise/registrations", json=registration(uscc))
        waiting = api.get("/api/v1/station/enterprise-accounts", headers=staff_of("321322")).json()["accounts"]
        assert uscc in [account["uscc"] for account in waiting]
        assert api.get("/api/v1/station/enterprise-accounts", params={"station": "321322"},
                       headers=staff_of("321302")).status_code == 403
        half = api.post(f"/api/v1/station/enterprise-accounts/{uscc}/verification", headers=staff_of("321322"),
                        json={"decision": "verify", "checked": ["licence_uscc"]})
        assert half.status_code == 422 and "checked" in half.json()["fields"]
        elsewhere = api.post(f"/api/v1/station/enterprise-accounts/{uscc}/verification", headers=staff_of("321302"),
                             json={"decision": "verify", "checked": ["licence_uscc", "licence_name"]})
        assert elsewhere.status_code == 403
        verified = api.post(f"/api/v1/station/enterprise-accounts/{uscc}/verification", headers=signed_in("admin"),
                            json={"decision": "verify", "checked": ["licence_uscc", "licence_name"]}, params={"lang": "en"})
        assert verified.status_code == 200 and verified.json()["state_label"] == "verified"
        (entry,) = verified.json()["verifications"]
        assert entry["by"]["username"] == "admin" and entry["checked"] == ["licence_uscc", "licence_name"]
        assert entry["checked_labels"][0] == "The credit code on the business licence is this one"
        again = api.post(f"/api/v1/station/enterprise-accounts/{uscc}/verification", headers=staff_of("321322"),
                         json={"decision": "refuse", "note": "晚了"})
        assert again.status_code == 409
        assert api.get(f"/api/v1/station/enterprise-accounts/{uscc}", headers=signed_in("manager")).status_code == 200

    def test_a_verified_account_reads_its_own_requests_and_file(self, api, stack):
        uscc = new_uscc()
        api.post("/api/v1/enterprise/registrations", json=registration(uscc))
        api.post(f"/api/v1/station/enterprise-accounts/{uscc}/verification", headers=staff_of("321322"),
                 json={"decision": "verify", "checked": ["licence_uscc", "licence_name"]})
        token = api.post("/api/v1/auth/login", json={"username": uscc, "password": PASSWORD}).json()["access_token"]
        bearer = {"Authorization": f"Bearer {token}"}
        body = {**JL02_BODY, "enterprise": {**JL02_BODY["enterprise"], "uscc": uscc}}
        own = api.post("/api/v1/requests", json=body, headers=bearer).json()
        anonymous = api.post("/api/v1/requests", json=body).json()
        assert own["not_from_account"] is False and anonymous["not_from_account"] is True
        mine = {row["code"]: row["not_from_account"] for row in api.get("/api/v1/requests", headers=bearer).json()[
            "requests"]}
        assert mine == {own["code"]: False, anonymous["code"]: True}
        file = api.get("/api/v1/instruments", headers=bearer)
        assert file.status_code == 200 and file.json()["uscc"] == uscc and file.json()["instruments"] == []
