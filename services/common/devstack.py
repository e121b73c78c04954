"""Run the whole platform on one machine without Docker: ``make run`` and the e2e tests.

* RabbitMQ: used where ``AMQP_URI`` points; if that is this machine and the broker is
  down, a local ``rabbitmq-server`` is started (and stopped again on exit); if there is
  none, we stop with directions.
* MongoDB: used where ``MONGO_URI`` points; when it is unset, the MongoDB wire-protocol
  server ``nx-27017`` is started with one SQLite file per database under ``var/``.
* The five services are started with ``nameko run`` as child processes, each in its own
  session so a Ctrl-C reaches only this launcher, which then stops exactly the processes
  it started.
* With ``supervise=True`` (``make run``) a child that dies — a service or the nx-27017 it
  started — is reported (how it ended, the end of its log) and started again after a
  back-off (:class:`RestartPolicy`), the others running on; one that cannot stay up (5
  crashes within 60 s) stops everything with a message. Tests that kill services on
  purpose (the fault suite) leave it off and restart what they killed themselves.

``python -m services.common.devstack`` is what ``make run`` calls.
"""

import argparse
import collections
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pymongo

from .probe import broker_answers

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("metrology", "standards", "certification", "testing", "gateway")
CONFIG = ROOT / "deploy" / "config.yaml"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class StackError(RuntimeError):
    """Something the stack needs is missing; the message says what to do."""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout, interval=0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


class RestartPolicy:
    """When a process that crashed may start again, and when it has crashed too often.

    The wait doubles with each crash of the last ``window`` seconds (1 s, 2 s, 4 s …, at
    most ``max_delay``), so a process that crashes once in a while comes back at once and
    one in a crash loop does not spin; the ``max_crashes``-th crash within ``window``
    means it cannot stay up."""

    def __init__(self, first_delay=1.0, max_delay=30.0, max_crashes=5, window=60.0):
        self.first_delay, self.max_delay = first_delay, max_delay
        self.max_crashes, self.window = max_crashes, window
        self.crashes = collections.deque()

    def delay_after_crash(self, now):
        """Seconds to wait before starting again, or None: it cannot stay up."""
        self.crashes.append(now)
        while now - self.crashes[0] >= self.window:
            self.crashes.popleft()
        if len(self.crashes) >= self.max_crashes:
            return None
        return min(self.first_delay * 2 ** (len(self.crashes) - 1), self.max_delay)


def report_to_terminal(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class DevStack:
    def __init__(self, var_dir, amqp_uri=None, mongo_uri=None, gateway_port=None, extra_env=None,
                 supervise=False, report=report_to_terminal, restart_policy=RestartPolicy):
        self.var_dir = Path(var_dir)
        self.log_dir = self.var_dir / "log"
        self.amqp_uri = amqp_uri or os.environ.get("AMQP_URI") or "amqp://guest:guest@127.0.0.1:5672/"
        self.mongo_uri = mongo_uri or os.environ.get("MONGO_URI")
        self.gateway_port = int(gateway_port or os.environ.get("GATEWAY_PORT") or 8000)
        self.extra_env = dict(extra_env or {})
        self.processes = {}  # name -> Popen, in start order
        self.metrics_ports = {}  # domain service process name -> its METRICS_PORT, kept across restarts
        self._commands = {}  # name -> how it was started, to start it again the same way
        # Held while ``processes`` changes, which the caller and the supervisor both do.
        self._lock = threading.RLock()
        self.started_rabbitmq = False
        self.demo_accounts = ""
        self.outbox_url = None  # the dev outbox's, once started (ensure_outbox)
        self.supervisor = Supervisor(self, report, restart_policy) if supervise else None

    @property
    def gateway_url(self):
        return f"http://127.0.0.1:{self.gateway_port}"

    # -- RabbitMQ ---------------------------------------------------------------------
    def ensure_rabbitmq(self):
        if broker_answers(self.amqp_uri):
            return
        host = urlparse(self.amqp_uri).hostname or "localhost"
        server = shutil.which("rabbitmq-server")
        if host not in LOCAL_HOSTS or server is None:
            raise StackError(
                f"RabbitMQ does not answer at {self.amqp_uri}.\n"
                "  Start one with Docker:   docker compose up -d rabbitmq\n"
                "  or install it:           sudo apt-get install rabbitmq-server\n"
                "  or point AMQP_URI at a running broker."
            )
        print(f"RabbitMQ is down; starting {server} -detached …", flush=True)
        subprocess.run([server, "-detached"], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.started_rabbitmq = True
        if not wait_for(lambda: broker_answers(self.amqp_uri), timeout=90, interval=1):
            raise StackError("rabbitmq-server was started but does not answer after 90 s")

    # -- MongoDB ----------------------------------------------------------------------
    def ensure_mongo(self):
        if self.mongo_uri:
            return self.mongo_uri
        self._start_mongo(free_port())
        return self.mongo_uri

    def restart_mongo(self):
        """Stop the nx-27017 this stack started and start it again on its port and data."""
        port = int(self.mongo_uri.split(":")[2].split("/")[0])
        self.stop_service("mongo")
        self._start_mongo(port)

    def _start_mongo(self, port):
        executable = shutil.which("nx-27017") or str(Path(sys.executable).with_name("nx-27017"))
        if not Path(executable).exists():
            raise StackError("MONGO_URI is unset and nx-27017 is not installed (pip install nx-27017)")
        data_dir = self.var_dir / "mongo"
        data_dir.mkdir(parents=True, exist_ok=True)
        self._spawn(
            "mongo",
            [executable, "--data-dir", str(data_dir), "-p", str(port),
             "--pid-file", str(self.var_dir / "nx-27017.pid"),
             "--log-file", str(self.log_dir / "mongo.log")],
            log_to_devnull=True,  # it writes its own log file
        )
        self.mongo_uri = f"mongodb://127.0.0.1:{port}/?directConnection=true"
        client = pymongo.MongoClient(self.mongo_uri, serverSelectionTimeoutMS=500)
        try:
            if not wait_for(lambda: _pings(client), timeout=30):
                raise StackError(f"nx-27017 did not answer on port {port}; see {self.log_dir}/mongo.log")
        finally:
            client.close()

    # -- services ---------------------------------------------------------------------
    def service_env(self):
        env = dict(os.environ)
        env.update(
            {
                "AMQP_URI": self.amqp_uri,
                "MONGO_URI": self.mongo_uri,
                "GATEWAY_PORT": str(self.gateway_port),
                "PYTHONUNBUFFERED": "1",
            }
        )
        # The documents' signing keys live with the stack's data (a development key is made
        # there on first start), and their QR codes point at this gateway.
        env.setdefault("ISSUING_KEYS_DIR", str(self.var_dir / "issuing-keys"))
        env.setdefault("PUBLIC_BASE_URL", f"http://127.0.0.1:{self.gateway_port}")
        env.update(self.extra_env)
        return env

    def start_service(self, name, replica=1, port=None):
        """Start a service process; replicas beyond the first compete for the same queues.
        ``port``: a gateway replica's own HTTP port (two cannot listen on one)."""
        nameko = str(Path(sys.executable).with_name("nameko"))
        process = name if replica == 1 else f"{name}#{replica}"
        env = self.service_env()
        if port is not None:
            env["GATEWAY_PORT"] = str(port)
        if name != "gateway":  # whose metrics are on its HTTP port
            env["METRICS_PORT"] = str(self.metrics_ports.setdefault(process, free_port()))
        self._spawn(process, [nameko, "run", "--config", str(CONFIG), f"services.{name}.service"], env=env)

    def stop_service(self, name, sig=signal.SIGTERM):
        """Stop a process on purpose: the supervisor does not start it again."""
        self._stop_together([name], sig)

    # -- the dev outbox ------------------------------------------------------------------
    def ensure_outbox(self):
        """Dev mode without SMTP_HOST: SMS and e-mail go to a local catcher
        (services/gateway/cli/dev_outbox.py), whose messages /dev/outbox lists."""
        env = {**os.environ, **self.extra_env}
        if env.get("QI_ENV", "dev") != "dev" or env.get("SMTP_HOST") or self.outbox_url:
            return
        smtp_port, http_port = free_port(), free_port()
        self._spawn("outbox", [sys.executable, "-m", "services.gateway.cli.dev_outbox", "--smtp-port", str(smtp_port),
                               "--http-port", str(http_port), "--store", str(self.var_dir / "outbox.jsonl")])
        self.outbox_url = f"http://127.0.0.1:{http_port}"
        self.extra_env.update({
            "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port), "SMS_ENDPOINT": f"{self.outbox_url}/",
            "SMS_ACCESS_KEY_ID": "dev-outbox", "SMS_ACCESS_KEY_SECRET": "dev-outbox", "SMS_SIGN_NAME": "宿迁质量",
            "SMS_TEMPLATE_CODE": "SMS_DEV_OUTBOX", "DEV_OUTBOX_URL": self.outbox_url})

        def answers():
            try:
                self.outbox_messages(timeout=2)
                return True
            except (httpx.HTTPError, ValueError, KeyError):
                return False

        if not wait_for(answers, timeout=30):
            raise StackError(f"the dev outbox did not start; see {self.log_path('outbox')}")

    def outbox_messages(self, timeout=10):
        """What the dev outbox received, in order (tests count them by key)."""
        from ..gateway.adapters.channels import dev_outbox_messages  # the gateway's reader of it

        return dev_outbox_messages(self.outbox_url, timeout)

    def start(self, services=SERVICES, wait=True):
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.ensure_rabbitmq()
        self.ensure_mongo()
        self.ensure_outbox()
        for name in services:
            self.start_service(name)
        if self.supervisor is not None:
            self.supervisor.start()
        if wait and "gateway" in services:
            self.wait_healthy()
            if self.service_env().get("QI_ENV", "dev") == "dev":
                self.demo_accounts = self.seed_demo_accounts()
        return self

    def seed_demo_accounts(self):
        """Dev mode only: one account per role and station (password demo-<username>)."""
        result = subprocess.run(
            [sys.executable, "-m", "services.gateway.cli.accounts", "seed-demo"],
            cwd=ROOT, env=self.service_env(), capture_output=True, text=True, timeout=120,
        )
        if result.returncode != 0:
            raise StackError(f"seeding demo accounts failed: {result.stderr.strip()}")
        return result.stdout

    def wait_healthy(self, timeout=60):
        def healthy():
            self.check()
            try:
                return httpx.get(f"{self.gateway_url}/health", timeout=5).status_code == 200
            except httpx.HTTPError:
                return False

        if not wait_for(healthy, timeout, interval=0.5):
            raise StackError(f"the gateway did not report healthy in {timeout} s; logs in {self.log_dir}")

    def stop(self):
        if self.supervisor is not None:
            self.supervisor.stop()
        # The gateway first, so that no new work reaches the others; then the others
        # together (each waits only for its own workers); the store they write to last.
        names = list(self.processes)
        for wave in ([name for name in names if name.split("#")[0] == "gateway"],
                     [name for name in names if name.split("#")[0] not in ("gateway", "mongo")],
                     [name for name in names if name == "mongo"]):
            self._stop_together(wave)
        if self.started_rabbitmq and shutil.which("rabbitmqctl"):
            subprocess.run(["rabbitmqctl", "shutdown"], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.started_rabbitmq = False

    def check(self):
        """Raise StackError if the stack is down for good: unsupervised, any child that
        exited; supervised, one that could not stay up."""
        if self.supervisor is not None:
            if self.supervisor.failure:
                raise StackError(self.supervisor.failure)
            return
        for name, process in list(self.processes.items()):
            if process.poll() is not None:
                raise StackError(f"{name} {how_it_ended(process.returncode)}; see {self.log_path(name)}")

    def log_path(self, name):
        return self.log_dir / f"{name}.log"  # nx-27017 writes its own, as mongo.log

    # -- what the supervisor does -----------------------------------------------------
    def take_exited(self):
        """The children that have exited, taken out of ``processes``."""
        with self._lock:
            exited = {name: process for name, process in self.processes.items() if process.poll() is not None}
            for name in exited:
                del self.processes[name]
        return exited

    def respawn(self, name):
        """Start a child again as it was started before."""
        return self._spawn(name, *self._commands[name])

    # -- internals --------------------------------------------------------------------
    def _stop_together(self, names, sig=signal.SIGTERM, grace=15):
        with self._lock:
            processes = [self.processes.pop(name) for name in names if name in self.processes]
            if self.supervisor is not None:
                for name in names:
                    self.supervisor.forget(name)
        for process in processes:
            if process.poll() is None:
                process.send_signal(sig)
        deadline = time.monotonic() + grace
        for process in processes:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _spawn(self, name, command, env=None, log_to_devnull=False):
        self.log_dir.mkdir(parents=True, exist_ok=True)
        output = subprocess.DEVNULL if log_to_devnull else open(self.log_path(name), "ab")  # noqa: SIM115
        with self._lock:
            process = self.processes[name] = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                # Own session: the terminal's Ctrl-C goes to the launcher only, which then
                # stops its children in order.
                start_new_session=True,
            )
            self._commands[name] = (command, env, log_to_devnull)
        if output is not subprocess.DEVNULL:
            output.close()  # the child has its own copy
        return process



class Supervisor:
    """Starts again, after its :class:`RestartPolicy`'s wait, each child of a DevStack
    that dies; gives up (``failure``) when one cannot stay up."""

    def __init__(self, stack, report, restart_policy, interval=0.5):
        self.stack, self.report, self.interval = stack, report, interval
        self.policies = collections.defaultdict(restart_policy)  # name -> its policy
        self.due = {}  # name -> when (monotonic) to start it again
        self.failure = None
        self._stopping = threading.Event()
        self._thread = None

    def start(self):
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="devstack-supervisor", daemon=True)
            self._thread.start()

    def stop(self):
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()

    def forget(self, name):
        self.due.pop(name, None)

    def _watch(self):
        while not self._stopping.wait(self.interval) and self.failure is None:
            self.check(time.monotonic())

    def check(self, now):
        """One round: note who died, start again who is due."""
        for name, process in self.stack.take_exited().items():
            self._died(name, process.returncode, now)
        for name, when in sorted(self.due.items(), key=lambda due: due[1]):
            if when <= now and self.failure is None and not self._stopping.is_set():
                del self.due[name]
                try:
                    self.report(f"starting {name} again (pid {self.stack.respawn(name).pid})")
                except OSError as exc:
                    self.failure = f"could not start {name} again: {exc}"

    def _died(self, name, returncode, now):
        log_path = self.stack.log_path(name)
        self.report(f"{name} {how_it_ended(returncode)}; the end of {log_path}:\n{tail(log_path)}")
        policy = self.policies[name]
        delay = policy.delay_after_crash(now)
        if delay is None:
            # Raised by DevStack.check(), which make run's loop calls every second.
            self.failure = (f"{name} cannot stay up: it crashed {len(policy.crashes)} times within "
                            f"{policy.window:.0f} s; stopping everything. See {log_path}")
            return
        self.due[name] = now + delay
        self.report(f"{name} will start again in {delay:.0f} s "
                    f"(crash {len(policy.crashes)} of {policy.max_crashes} allowed within {policy.window:.0f} s)")


def how_it_ended(returncode):
    if returncode < 0:
        return f"was killed by {signal.Signals(-returncode).name}"
    return f"exited with code {returncode}"


def tail(path, lines=15):
    """The last lines of a log file, indented, or a note that there is none."""
    try:
        with open(path, "rb") as log_file:
            log_file.seek(0, os.SEEK_END)
            log_file.seek(max(0, log_file.tell() - 8192))
            last = log_file.read().decode("utf-8", "replace").splitlines()[-lines:]
    except OSError:
        return "    (no log file)"
    return "\n".join(f"    {line}" for line in last) or "    (empty)"


def _pings(client):
    try:
        client.admin.command("ping")
        return True
    except pymongo.errors.PyMongoError:
        return False


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run the QI platform locally")
    parser.add_argument("--var-dir", default=str(ROOT / "var"), help="data and logs (default ./var)")
    args = parser.parse_args(argv)

    stack = DevStack(args.var_dir, supervise=True)
    stopping = []

    def request_stop(signum, frame):
        stopping.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        stack.start()
        if stack.demo_accounts:
            print(f"\n{stack.demo_accounts}", end="")
        print(
            f"\nQI platform is running: {stack.gateway_url}  (staff console: {stack.gateway_url}/staff)\n"
            f"  MongoDB: {stack.mongo_uri}\n  RabbitMQ: {stack.amqp_uri}\n"
            f"  logs: {stack.log_dir}/\n"
            + (f"  SMS and e-mail go to the dev outbox: {stack.gateway_url}/dev/outbox\n" if stack.outbox_url else "")
            + "Press Ctrl-C to stop.",
            flush=True,
        )
        while True:
            time.sleep(1)
            stack.check()
    except KeyboardInterrupt:
        print("\nstopping …", flush=True)
        return_code = 0
    except StackError as exc:
        print(f"\n{exc}", file=sys.stderr, flush=True)
        return_code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
    print("stopped.", flush=True)
    return return_code


if __name__ == "__main__":
    sys.exit(main())
