"""README.md's curl walkthrough, pasted into bash as written, against a fresh stack.

The ```sh blocks of its "Try it" section run in one bash, with only ``B`` pointed at the
stack (the README reads ``B=${B:-…}``). A fresh stack of its own (own vhost, own
databases) because the walkthrough registers the laboratory's reference standard, whose
id is unique per platform; so the test can run again, and the code and certificate
numbers it captures are really the ones the platform answers.
"""

import datetime
import json
import os
import re
import subprocess
import uuid
from pathlib import Path

import pytest

from services.common.devstack import DevStack, free_port

pytestmark = pytest.mark.e2e

README = Path(__file__).resolve().parents[2] / "README.md"


def walkthrough_blocks():
    """The ```sh blocks of README.md's "Try it" section, in order."""
    text = README.read_text(encoding="utf-8")
    section = re.search(r"^## Try it\n(.*?)^## ", text, flags=re.DOTALL | re.MULTILINE).group(1)
    return re.findall(r"^```sh\n(.*?)^```$", section, flags=re.DOTALL | re.MULTILINE)


def printed_answers(stdout):
    """What the walkthrough printed: its JSON answers, and the lines that are not JSON."""
    decoder = json.JSONDecoder()
    answers, lines, position = [], [], 0
    while position < len(stdout):
        if stdout[position].isspace():
            position += 1
        elif stdout[position] == "{":
            answer, position = decoder.raw_decode(stdout, position)
            answers.append(answer)
        else:
            end = stdout.find("\n", position)
            end = len(stdout) if end < 0 else end
            lines.append(stdout[position:end])
            position = end
    return answers, lines


def step_of(answer):
    """Which kind of answer this is, and the state it reports."""
    if "error" in answer:
        return ("error", answer["error"], answer.get("fields"))
    if answer.get("kind") in ("request", "group"):
        return (answer["kind"], answer["status"])
    if "steps" in answer and "request_code" in answer:
        return ("job", answer["status"])
    if "calibration_valid_until" in answer:
        return ("reference_standard", answer["status"])
    if "genuine" in answer:
        return ("verification", answer["status"])
    return ("unexpected", answer)


@pytest.fixture(scope="module")
def fresh_stack(broker_vhosts, mongo_uri, tmp_path_factory):
    # Configured as `make run` configures it (dev mode, demo accounts), on parts of its own.
    stack = DevStack(tmp_path_factory.mktemp("readme"), amqp_uri=broker_vhosts("readme"), mongo_uri=mongo_uri,
                     gateway_port=free_port(), extra_env={"MONGO_DB_PREFIX": f"readme{uuid.uuid4().hex[:6]}_"})
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


def test_the_walkthrough_blocks_are_there_and_point_b_at_make_runs_address_by_default():
    blocks = walkthrough_blocks()
    assert len(blocks) == 2
    assert blocks[0].startswith("B=${B:-http://127.0.0.1:8000}\n")


def test_the_readme_walkthrough_runs_as_written_from_submission_to_a_genuine_certificate(fresh_stack):
    script = "\n".join(walkthrough_blocks())
    ran = subprocess.run(["bash", "-c", script], env={**os.environ, "B": fresh_stack.gateway_url},
                         capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0 and ran.stderr == "", ran.stderr
    answers, lines = printed_answers(ran.stdout)

    # every answer is the step the README says, in its order; none is an error
    assert [step_of(answer) for answer in answers] == [
        ("request", "submitted"),  # the enterprise tracks it
        ("request", "accepted"), ("request", "dispatched"),  # the station
        ("reference_standard", "in_service"),
        ("job", "in_progress"), ("job", "results_recorded"), ("job", "reviewed"), ("job", "completed"),
        ("request", "completed"),  # tracked in English
        ("verification", "current"),
        ("group", "submitted"),  # several services in one form
    ], ran.stdout

    # the code it captured is the platform's, and every step was taken on that request
    code = answers[0]["code"]
    assert lines == [code]
    assert re.fullmatch(r"321322-\d{8}-\d{5}-[0-9A-Z]", code)
    assert {answer.get("code") or answer.get("request_code") for answer in answers[:9]} - {None} == {code}

    # a reference standard whose calibration stays valid: its dates are computed on the day
    standard = answers[3]
    today = datetime.date.today()
    assert datetime.date.fromisoformat(standard["calibration_valid_until"]) > today
    assert abs(datetime.date.fromisoformat(standard["last_good_check_on"]) - today) <= datetime.timedelta(days=1)

    # the certificate the enterprise sees is the one anyone verifies: genuine and current
    tracked, verified = answers[8], answers[9]
    assert tracked["status_label"] == "Completed"
    number = tracked["result"]["certificate_number"]
    assert re.fullmatch(r"SQJL-\d{4}-\d{6}", number)
    assert [document["number"] for document in tracked["result"]["documents"]] == [number]
    assert verified["number"] == number and verified["genuine"] is True
    assert verified["subject"]["serial_number"] == "SN-0001"

    # one form, two services: a parent code and a child per item, each in its own domain
    group = answers[10]
    assert [child["item"]["code"] for child in group["children"]] == ["JL02", "BZ01"]
    assert [child["domain"] for child in group["children"]] == ["metrology", "standards"]
    assert len({group["code"], *(child["code"] for child in group["children"])}) == 3
