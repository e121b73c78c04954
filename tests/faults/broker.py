"""A RabbitMQ node of the fault suite's own, so it can be stopped and started without
touching the machine's broker that other work uses."""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from services.common.devstack import StackError, broker_answers, free_port


class PrivateBroker:
    def __init__(self, port=5673, node="qifaults@localhost"):
        self.port = port
        self.dist_port = free_port()  # Erlang distribution, for rabbitmqctl
        self.node = node
        self.base = Path(tempfile.mkdtemp(prefix="qi-faults-rabbit-"))
        self.uri = f"amqp://guest:guest@127.0.0.1:{port}/"

    def env(self):
        return {
            **os.environ,
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_CONFIG_FILE": str(self.base / "rabbitmq"),
            "RABBITMQ_MNESIA_BASE": str(self.base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.base / "log"),
            "RABBITMQ_PID_FILE": str(self.base / "pid"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.base / "enabled_plugins"),
        }

    def start(self, timeout=90):
        if shutil.which("rabbitmq-server") is None:
            raise StackError("the fault suite needs rabbitmq-server on this machine")
        if not (self.base / "rabbitmq.conf").exists():
            (self.base / "rabbitmq.conf").write_text(f"listeners.tcp.local = 127.0.0.1:{self.port}\n")
            (self.base / "enabled_plugins").write_text("[].\n")
            if shutil.which("chown"):  # the Debian script runs the node as the rabbitmq user
                subprocess.run(["chown", "-R", "rabbitmq:rabbitmq", str(self.base)], check=False)
        subprocess.run(["rabbitmq-server", "-detached"], env=self.env(), check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while not broker_answers(self.uri, timeout=2):
            if time.monotonic() > deadline:
                raise StackError(f"the fault suite's RabbitMQ did not start; see {self.base}/log")
            time.sleep(1)

    def stop(self):
        subprocess.run(["rabbitmqctl", "-n", self.node, "stop"], env=self.env(), check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
        deadline = time.monotonic() + 60
        while broker_answers(self.uri, timeout=1) and time.monotonic() < deadline:
            time.sleep(0.5)

    def restart(self):
        self.stop()
        time.sleep(2)
        self.start()

    def remove(self):
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)
