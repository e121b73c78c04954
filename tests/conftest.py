"""Test fixtures on real parts: RabbitMQ in a vhost of its own, a real Mongo-wire server.

* ``AMQP_URI`` (default the local broker): when ``rabbitmqctl`` is at hand, the session
  runs in a fresh vhost, so a running ``make run`` on the same broker is not disturbed.
* ``MONGO_URI``: used if set; otherwise an ``nx-27017`` server is started on a free port
  with its data in a temporary directory.
Each test gets its own database prefix, so tests never see each other's data.
"""

import os
import warnings

warnings.filterwarnings("ignore", message="\nEventlet is deprecated")  # nameko 3 runs on it
import eventlet  # noqa: E402

# Services run in-process need eventlet's monkey patch before anything imports socket or
# threading. The browser tests run in a pytest process of their own without it
# (QI_TESTS_WITHOUT_EVENTLET=1, see Makefile): Playwright's own event loop and eventlet's
# hub do not share one thread.
if not os.environ.get("QI_TESTS_WITHOUT_EVENTLET"):
    eventlet.monkey_patch()

import itertools  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Mapping  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlparse, urlunparse  # noqa: E402

import httpx  # noqa: E402
import pymongo  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from nameko import config as nameko_config  # noqa: E402

from services.common.devstack import DevStack, StackError, broker_answers, free_port, wait_for  # noqa: E402

DEFAULT_AMQP = "amqp://guest:guest@127.0.0.1:5672/"

# Property tests (hypothesis, and schemathesis on top of it): no example database in the
# work tree, and no per-example deadline on a shared 2-core machine.
hypothesis_settings.register_profile("qi", database=None, deadline=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "qi"))


def _rabbitmqctl(*args):
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def broker_vhosts():
    """Makes broker URIs on fresh vhosts; each consumer group of tests gets its own, so
    e.g. the e2e stack's services never take the messages of an in-process test."""
    base = os.environ.get("AMQP_URI", DEFAULT_AMQP)
    if not broker_answers(base):
        raise StackError(f"RabbitMQ does not answer at {base}; start it (rabbitmq-server -detached)")
    isolated = shutil.which("rabbitmqctl") is not None and urlparse(base).hostname in ("127.0.0.1", "localhost")
    created = []

    def new_uri(purpose):
        if not isolated:
            return base
        vhost = f"qi-test-{purpose}-{uuid.uuid4().hex[:8]}"
        _rabbitmqctl("add_vhost", vhost)
        _rabbitmqctl("set_permissions", "-p", vhost, urlparse(base).username or "guest", ".*", ".*", ".*")
        created.append(vhost)
        return urlunparse(urlparse(base)._replace(path=f"/{vhost}"))

    yield new_uri
    for vhost in created:
        _rabbitmqctl("delete_vhost", vhost)


@pytest.fixture(scope="session")
def amqp_uri(broker_vhosts):
    """The broker for services run in-process (nameko's container_factory)."""
    return broker_vhosts("inproc")


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory):
    if os.environ.get("MONGO_URI"):
        yield os.environ["MONGO_URI"]
        return
    data_dir = tmp_path_factory.mktemp("mongo")
    port = free_port()
    executable = shutil.which("nx-27017") or str(Path(sys.executable).with_name("nx-27017"))
    process = subprocess.Popen(
        [executable, "--data-dir", str(data_dir), "-p", str(port),
         "--pid-file", str(data_dir / "nx.pid"), "--log-file", str(data_dir / "nx.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    uri = f"mongodb://127.0.0.1:{port}/?directConnection=true"
    client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=500)

    def answers():
        try:
            client.admin.command("ping")
            return True
        except pymongo.errors.PyMongoError:
            return False

    assert wait_for(answers, timeout=30), "nx-27017 did not start"
    client.close()
    yield uri
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def db_prefix():
    return f"t{uuid.uuid4().hex[:10]}_"


@pytest.fixture
def mongo_client(mongo_uri):
    client = pymongo.MongoClient(mongo_uri, serverSelectionTimeoutMS=3000)
    yield client
    client.close()


@pytest.fixture
def service_config(amqp_uri, mongo_uri, db_prefix):
    """nameko config for services run in-process by ``container_factory``."""
    values = {
        "AMQP_URI": amqp_uri,
        "MONGO_URI": mongo_uri,
        "MONGO_DB_PREFIX": db_prefix,
        "RPC_TIMEOUT": "5",
        "QI_ENV": "dev",
        "serializer": "json",
    }
    with nameko_config.patch(values):
        yield values


# -- the five services as real processes, driven over HTTP (e2e and browser tests) ----


@pytest.fixture(scope="session")
def stack(broker_vhosts, mongo_uri, tmp_path_factory):
    prefix = f"e2e{uuid.uuid4().hex[:6]}_"
    dev = DevStack(
        tmp_path_factory.mktemp("stack"),
        amqp_uri=broker_vhosts("e2e"),
        mongo_uri=mongo_uri,
        gateway_port=free_port(),
        extra_env={"MONGO_DB_PREFIX": prefix, "RPC_TIMEOUT": "2", "ACCESS_TOKEN_SECONDS": "7200",
                   # The tests stand behind one trusted proxy: each test is a client of its
                   # own by its X-Forwarded-For (the ``api`` fixture), so rate limits count
                   # each test apart, as they count real clients apart.
                   "TRUSTED_PROXY_HOPS": "1",
                   # Intake is limited per client (issue 26 §2); each test is a client of its
                   # own, and the hostile suite floods past this many to see the limit.
                   "INTAKE_RATE_PER_MINUTE": "60", "INTAKE_RATE_PER_MINUTE_SIGNED_IN": "600",
                   # recall checks every second, so a due reminder shows up while a test waits
                   "RECALL_CHECK_SECONDS": "1",
                   # and the service-level clock's timer, so an overdue request is flagged at once
                   "SLA_CHECK_SECONDS": "1",
                   # the notifier sends what is due every second (the dev outbox catches it)
                   "NOTIFY_SEND_SECONDS": "1",
                   # Every e2e test runs traced: spans are JSON lines in each service's log
                   # (tests/e2e/test_observability.py reads them), written within 0.1 s.
                   "OTEL_TRACES_EXPORTER": "console", "OTEL_BSP_SCHEDULE_DELAY": "100",
                   "LOG_FORMAT": "json"},
    )
    dev.db_prefix = prefix
    try:
        dev.start()
        SignedIn.gateway_url = dev.gateway_url
        yield dev
    finally:
        dev.stop()


_client_numbers = itertools.count(1)


def new_client_address():
    """An address of its own for one test's client (TEST-NET-2, never routed)."""
    number = next(_client_numbers)
    return f"198.51.{100 + number // 250 % 100}.{number % 250 + 1}"


class DocumentedAnswers:
    """Checks every answer an e2e test gets from the API against /api/v1/openapi.json:
    a documented status and, where one is documented, a body that matches its schema.
    So every flow the tests drive (real jobs, certificates, refusals) also proves the
    document right, beyond what the fuzzer's made-up examples reach."""

    def __init__(self, stack):
        import schemathesis

        spec = httpx.get(f"{stack.gateway_url}/api/v1/openapi.json", timeout=30).json()
        self.schema = schemathesis.openapi.from_dict(spec)
        self.wrong = []

    def __call__(self, response):
        request = response.request
        path = request.url.path
        if not path.startswith(("/api/", "/health")) or path == "/api/docs":
            return
        operation = self.schema.find_operation_by_path(request.method, path)
        if operation is None:
            return  # no such route: the 404/405 the server answers for anything
        response.read()
        request.read()  # a multipart upload is streamed: the check reads its body again
        where = f"{request.method} {path} → {response.status_code}"
        if str(response.status_code) not in operation.definition.raw["responses"]:
            self.wrong.append(f"{where}: status not documented")
            return
        try:
            operation.validate_response(response)
        except BaseExceptionGroup as failures:
            self.wrong.extend(f"{where}: {failure}"[:2000] for failure in failures.exceptions)
        except Exception as failure:  # noqa: BLE001 - schemathesis's failure types vary by check
            self.wrong.append(f"{where}: {failure}"[:2000])


@pytest.fixture(scope="session")
def documented_answers(stack):
    return DocumentedAnswers(stack)


@pytest.fixture
def api(stack, documented_answers):
    documented_answers.wrong.clear()
    with httpx.Client(base_url=stack.gateway_url, timeout=10, headers={"X-Forwarded-For": new_client_address()},
                      event_hooks={"response": [documented_answers]}) as client:
        yield client
    assert not documented_answers.wrong, "answers that differ from /api/v1/openapi.json:\n" + "\n".join(
        documented_answers.wrong)


def form_token(client, page):
    """The CSRF token a page hands to this client's browser (with its cookie)."""
    html = client.get(page).text
    match = re.search(r'name="form_token" value="([0-9a-f]+)"', html)
    assert match, f"{page} has no form token"
    return match.group(1)


@pytest.fixture
def gateway_db(stack, mongo_client):
    return mongo_client[f"{stack.db_prefix}gateway"]


# -- signing in as the demo accounts the stack seeds (password demo-<username>) --------
class SignedIn(Mapping):
    """``Authorization`` headers of a demo account, signed in on first use, so tests can
    say ``headers=signed_in("metrology-1")`` at module level."""

    gateway_url = None
    _tokens = {}

    def __init__(self, username):
        self.username = username

    def _headers(self):
        if self.username not in self._tokens:
            answer = httpx.post(f"{self.gateway_url}/api/v1/auth/login",
                                json={"username": self.username, "password": f"demo-{self.username}"}, timeout=30)
            assert answer.status_code == 200, answer.text
            self._tokens[self.username] = answer.json()["access_token"]
        return {"Authorization": f"Bearer {self._tokens[self.username]}"}

    def __getitem__(self, key):
        return self._headers()[key]

    def __iter__(self):
        return iter(self._headers())

    def __len__(self):
        return 1


def signed_in(username):
    return SignedIn(username)


def staff_of(station):
    return SignedIn(f"staff-{station}")


def through_the_station(api, code, station="321322"):
    """The station accepts and dispatches a submitted request (what staff do in the
    console); returns the request as staff see it afterwards."""
    staff = staff_of(station)
    seen = api.get(f"/api/v1/station/requests/{code}", headers=staff)
    assert seen.status_code == 200, seen.text
    accepted = api.post(f"/api/v1/station/requests/{code}/accept", json={"version": seen.json()["version"]},
                        headers=staff)
    assert accepted.status_code == 200, accepted.text
    dispatched = api.post(f"/api/v1/station/requests/{code}/dispatch",
                          json={"version": accepted.json()["version"]}, headers=staff)
    assert dispatched.status_code == 200, dispatched.text
    return dispatched.json()
