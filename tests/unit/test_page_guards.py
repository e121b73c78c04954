"""The guards every signed-in page stands behind (``pages/session.py``): not signed in,
to the sign-in page and back to the page's own address; a role the page is not for, 403;
a form posted without the session's CSRF token, the page it came from again."""

from types import SimpleNamespace

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from services.gateway.web.pages import session as pages_session
from services.gateway.web.pages.session import ConsoleSession, posted_from, signed_in

SERVICE = SimpleNamespace(gateway=object())
NO_ONE = ConsoleSession(None, None, login_path="/login")
STAFF = ConsoleSession(SimpleNamespace(role="staff"), "family", login_path="/staff/login")


def opens(session):
    return lambda gateway, request: session


def request_to(path, method="GET", data=None):
    return Request(EnvironBuilder(path=path, method=method, data=data).get_environ())


def shown(service, request, session, *about, **context):
    return ("page", about, context)


def test_someone_not_signed_in_signs_in_and_comes_back_to_the_page_asked_for():
    @signed_in(opens(NO_ONE), after="/me/requests/{code}")
    def page(self, request, session, code):
        raise AssertionError("not for someone not signed in")

    answer = page(SERVICE, request_to("/me/requests/X"), code="321322-20261207-00001-8")
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/login?after=%2Fme%2Frequests%2F321322-20261207-00001-8"


def test_the_signed_in_get_the_page_with_their_session_and_the_paths_parameters():
    @signed_in(opens(STAFF), after="/staff/jobs")
    def page(self, request, session, code):
        return session, code

    assert page(SERVICE, request_to("/staff/jobs/X"), code="X") == (STAFF, "X")


def test_a_role_the_page_is_not_for_is_shown_the_403_page(monkeypatch):
    monkeypatch.setattr(pages_session, "render", lambda request, template, status, key, params: (status, key))

    @signed_in(opens(STAFF), after="/dashboard", roles=("manager", "admin"))
    def page(self, request, session):
        raise AssertionError("not for station staff")

    assert page(SERVICE, request_to("/dashboard")) == (403, "forbidden")


def test_a_form_posted_without_the_sessions_token_shows_its_page_again_for_what_it_is_about():
    @posted_from(opens(STAFF), shown, "code")
    def step(self, request, session, code, step):
        raise AssertionError("not taken without the CSRF token")

    answer = step(SERVICE, request_to("/staff/requests/X/accept", "POST", {"version": "1"}), code="X", step="accept")
    assert answer == ("page", ("X",), {"problem": "csrf_failed", "status": 403})


def test_a_form_posted_by_someone_not_signed_in_signs_them_in():
    @posted_from(opens(NO_ONE), shown)
    def step(self, request, session):
        raise AssertionError("not taken for someone not signed in")

    answer = step(SERVICE, request_to("/me/contacts", "POST", {"phone": "13800001111"}))
    assert (answer.status_code, answer.headers["Location"]) == (303, "/login")
