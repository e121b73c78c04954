"""Every role against every API endpoint (issue 6): nobody sees or changes what their
role does not allow; expired, tampered and foreign tokens are refused.

Each endpoint is classified below; an endpoint added without a class fails the test,
so new endpoints are placed in the matrix as they are written.
"""

import base64
import json
import subprocess
import sys
import time

import httpx
import jwt
import pytest

from services.common.config import DEFAULTS
from services.common.devstack import ROOT
from services.gateway.domain.uscc import check_character
from services.gateway.service import GatewayService
from services.gateway.web.auth import ALGORITHM, ISSUER
from services.gateway.web.openapi import http_routes

from ..conftest import new_client_address, signed_in, through_the_station
from ..support.data import JL02_BODY

pytestmark = pytest.mark.e2e

PUBLIC = "public"
SIGNED_IN = "signed in"
ENTERPRISE_ONLY = "enterprise only"
TRACKING = "code + phone or who may see it"
ENTERPRISE_ACTION = "the enterprise itself"
ENTERPRISE_SELF = "the enterprise's own account"
ENTERPRISE_FILE = "enterprise file"
STATION_READ = "station staff, managers read"
STATION_ACT = "station staff act"
ADMIN_ONLY = "admin"

CLASSES = {
    "health": PUBLIC, "catalogue": PUBLIC, "catalogue_item": PUBLIC, "submit": PUBLIC, "verify": PUBLIC,
    "search_standards": PUBLIC, "standard": PUBLIC, "openapi_document": PUBLIC, "api_docs_page": PUBLIC,
    "login": "credentials", "refresh": "credentials", "logout": "credentials",
    # keyed by a credit code: its verified account (issue 26 §1), and roles that may read the file
    "enterprise_instruments": "enterprise file", "renew_instrument": ENTERPRISE_SELF,
    # enterprise accounts: anyone registers; the station that checks the licence decides
    "register_enterprise": PUBLIC,
    "enterprise_accounts": STATION_READ, "enterprise_account": STATION_READ,
    "verify_enterprise_account": STATION_ACT,
    "me": SIGNED_IN,
    "my_requests": ENTERPRISE_ONLY,
    # the enterprise's notification settings: each enterprise account its own (issue 29 §2)
    "notification_settings": ENTERPRISE_ONLY, "change_notification_settings": ENTERPRISE_ONLY,
    "track": TRACKING, "own_document": TRACKING,
    # a document's files: the same rule as tracking; anyone checks an uploaded file
    "document_pdf": TRACKING, "document_dcc": TRACKING, "document_signed_dcc": TRACKING, "verify_file": PUBLIC,
    # attachments: anyone uploads; a request's files follow the tracking rule
    "upload_files": PUBLIC, "request_file": TRACKING,
    "supplement": ENTERPRISE_ACTION, "cancel": ENTERPRISE_ACTION, "rate": ENTERPRISE_ACTION,
    "station_queue": STATION_READ, "station_request": STATION_READ,
    # service levels: managers city-wide, staff their own station (asked here for 321322's)
    "service_metrics": STATION_READ, "service_metrics_csv": STATION_READ, "service_metrics_xlsx": STATION_READ,
    "overdue_requests": STATION_READ,
    "rectifications": STATION_READ,
    "station_step": STATION_ACT,
    "set_verification_period": ADMIN_ONLY,
    # the working-day calendar: anyone reads a year, an admin loads its official schedule
    "calendar_year": PUBLIC, "load_calendar_year": ADMIN_ONLY,
    **{name: "operator:metrology" for name in (
        "metrology_job", "metrology_job_step", "certificate", "correct_certificate", "withdraw_metrology_certificate",
        "instrument_types", "reference_standards", "register_reference_standard", "reference_standard",
        "check_reference_standard", "answer_metrology_question", "review_standard_documents",
        "record_standard_assessment", "decide_standard_assessment", "approve_certificate_correction")},
    **{name: "operator:testing" for name in (
        "testing_job", "testing_job_step", "report", "amend_report", "withdraw_report", "answer_testing_question", "approve_report_amendment")},
    **{name: "operator:certification" for name in (
        "certification_application", "review_certification_application", "record_stage1_audit",
        "record_stage2_audit", "record_type_test", "record_factory_inspection", "decide_certification",
        "decline_certification_application", "certification_certificate", "record_surveillance_audit",
        "suspend_certificate", "restore_certificate", "withdraw_certification_certificate",
        "reduce_certificate_scope", "recertify_certificate")},
    **{name: "operator:standards" for name in (
        "add_standard", "end_standard", "standards_case", "review_declaration", "answer_standards_question",
        "decline_standards_case")},
}

# Who knocks: (name, role, station, domain, owns the request)
WHO = {
    "anonymous": None,
    "expired token": "expired",
    "tampered token": "tampered",
    "enterprise": ("enterprise", None, None, True),
    "another enterprise": ("enterprise", None, None, False),
    "staff of its station": ("staff", "321322", None, False),
    "staff of another station": ("staff", "321302", None, False),
    "metrology operator": ("operator", None, "metrology", False),
    "testing operator": ("operator", None, "testing", False),
    "certification operator": ("operator", None, "certification", False),
    "standards operator": ("operator", None, "standards", False),
    "manager": ("manager", None, None, False),
    "admin": ("admin", None, None, False),
}
USERNAMES = {
    "enterprise": "91321322MA1ABC123P", "staff of its station": "staff-321322",
    "staff of another station": "staff-321302", "metrology operator": "metrology-1",
    "testing operator": "testing-1", "certification operator": "certification-1",
    "standards operator": "standards-1", "manager": "manager", "admin": "admin",
}
OTHER_USCC = "91321302MA1XYW789" + check_character("91321302MA1XYW789")
PENDING_USCC = "91321322MA1PND001" + check_character("91321322MA1PND001")  # registered, waiting at 321322
REGISTRATION = {"uscc": "91321322MA1NEW001" + check_character("91321322MA1NEW001"), "name": "新注册企业",
                "contact_name": "张伟", "phone": "13912345678", "station": "321322", "password": "a-long-password"}


def expected(kind, who, method):
    """'allowed' (anything but 401/403), 401, 403 or 404 (told apart from an unknown code)."""
    if kind == PUBLIC:
        return "allowed"
    if kind == "credentials":
        return 401  # whoever asks, a made-up password or refresh token is refused
    identity = WHO[who]
    if identity in (None, "expired", "tampered"):
        if kind in (TRACKING, ENTERPRISE_ACTION) and identity is None:
            return "not found or incomplete"  # no phone given: 400, or the same 404 as a wrong phone
        return 401
    role, station, domain, owns = identity
    if kind == SIGNED_IN:
        return "allowed"
    if kind == ENTERPRISE_ONLY:
        return "allowed" if role == "enterprise" else 403
    if kind == TRACKING:
        sees = (role in ("manager", "admin") or (role == "enterprise" and owns) or station == "321322"
                or domain == "metrology")
        return "allowed" if sees else 404
    if kind == ENTERPRISE_ACTION:
        return "allowed" if role == "enterprise" and owns else 404
    if kind == ENTERPRISE_SELF:
        return "allowed" if role == "enterprise" and owns else 403
    if kind == ENTERPRISE_FILE:
        return "allowed" if (role == "enterprise" and owns) or role in ("manager", "admin") \
            or domain == "metrology" else 403
    if kind == STATION_READ:
        return "allowed" if role in ("manager", "admin") or station == "321322" else 403
    if kind == STATION_ACT:
        return "allowed" if role == "admin" or station == "321322" else 403
    if kind == ADMIN_ONLY:
        return "allowed" if role == "admin" else 403
    wanted = kind.split(":")[1]
    reads = method == "GET"
    return "allowed" if role == "admin" or domain == wanted or (role == "manager" and reads) else 403


@pytest.fixture(scope="module")
def world(stack):
    with httpx.Client(base_url=stack.gateway_url, timeout=30, headers={"X-Forwarded-For": new_client_address()}) as api:
        return _world(api, stack)


def _world(api, stack):
    created = subprocess.run(
        [sys.executable, "-m", "services.gateway.cli.accounts", "create", "--username", OTHER_USCC,
         "--role", "enterprise", "--name", "宿城区另一家公司"],
        input="another-password\n", text=True, capture_output=True, cwd=ROOT, env=stack.service_env(), timeout=60,
    )
    assert created.returncode == 0 or "exists" in created.stderr, created.stderr
    code = api.post("/api/v1/requests", json=JL02_BODY).json()["code"]
    through_the_station(api, code)
    headers = {who: dict(signed_in(username)) for who, username in USERNAMES.items()}
    login = api.post("/api/v1/auth/login", json={"username": OTHER_USCC, "password": "another-password"})
    headers["another enterprise"] = {"Authorization": f"Bearer {login.json()['access_token']}"}
    now = int(time.time())
    expired = jwt.encode({"iss": ISSUER, "sub": "admin", "role": "admin", "name": "x", "typ": "access",
                          "iat": now - 7200, "exp": now - 3600}, DEFAULTS["SECRET_KEY"], ALGORITHM)
    headers["expired token"] = {"Authorization": f"Bearer {expired}"}
    header, payload, signature = headers["staff of another station"]["Authorization"][7:].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    forged = base64.urlsafe_b64encode(json.dumps({**claims, "station": "321322", "role": "admin"}).encode())
    headers["tampered token"] = {"Authorization": f"Bearer {header}.{forged.decode().rstrip('=')}.{signature}"}
    headers["anonymous"] = {}
    registered = api.post("/api/v1/enterprise/registrations", json={**REGISTRATION, "uscc": PENDING_USCC})
    assert registered.status_code in (201, 409), registered.text
    return code, headers


PARAMS = {"code": None, "number": "SQJL-2026-999999", "type_id": "no-such-type", "standard_id": "RS-NONE",
          "step": "start", "uscc": PENDING_USCC, "file_id": "0" * 32}
BODIES = {"station_step": {"version": 1}, "supplement": {"answer": "已补"}, "cancel": {"reason": "不办了"},
          "rate": {"level": 5}, "change_notification_settings": {"off": []},
          "login": {"username": "nobody", "password": "x"}, "refresh": {"refresh_token": "x"},
          "logout": {"refresh_token": "x"}, "register_enterprise": REGISTRATION,
          "verify_enterprise_account": {"decision": "refuse", "note": "未出示营业执照"},
          "renew_instrument": {"serial_number": "NO-SUCH-INSTRUMENT", "uscc": "91321322MA1ABC123P"}}
QUERIES = {name: {"station": "321322"} for name in (
    "station_queue", "service_metrics", "service_metrics_csv", "service_metrics_xlsx", "overdue_requests", "rectifications",
    "enterprise_accounts")}
QUERIES["enterprise_instruments"] = {"uscc": USERNAMES["enterprise"]}


def body_of(handler, who):
    if handler == "login":  # a username of its own, so that no one's failures slow another's sign-in
        return {**BODIES["login"], "username": f"nobody-{who.replace(' ', '-')}"}
    return BODIES.get(handler, {})


def url_of(rule, code, handler):
    path = rule
    for name, value in {**PARAMS, **({"step": "accept"} if handler == "station_step" else {})}.items():
        path = path.replace(f"<string:{name}>", value or code)
    return path.replace("<path:number>", "GB/T 19001-2016").replace("<int:year>", "2027")


API_ROUTES = sorted({(method, rule, handler.__name__) for method, rule, handler in http_routes(GatewayService)
                     if rule.startswith(("/api/", "/health"))})


def test_every_endpoint_is_in_the_matrix():
    unclassified = {name for _, _, name in API_ROUTES} - set(CLASSES)
    assert not unclassified, f"classify these endpoints in CLASSES: {sorted(unclassified)}"


@pytest.mark.parametrize("who", list(WHO))
def test_each_role_gets_exactly_what_it_may(api, world, who):
    code, headers = world
    wrong = []
    for method, rule, name in API_ROUTES:
        kind = CLASSES[name]
        answer = api.request(method, url_of(rule, code, name), headers=headers[who], params=QUERIES.get(name),
                             json=body_of(name, who) if method != "GET" else None)
        want = expected(kind, who, method)
        status = answer.status_code
        error = answer.json().get("error") if answer.headers.get("content-type", "").startswith("application/json") else None
        if want == "allowed":
            ok = status not in (401, 403) and status < 500 and error != "request_not_found"
        elif want == "not found or incomplete":
            ok = status in (400, 404) and (status == 400 or error == "request_not_found")
        elif want == 404:
            ok = status == 404 and error == "request_not_found"
        else:
            ok = status == want
        if not ok:
            wrong.append(f"{method} {rule} ({kind}): wanted {want}, got {status} {error}")
    assert not wrong, "\n".join(wrong)
