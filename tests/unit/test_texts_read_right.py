"""What people read is right (issue 27 §5): no template placeholders left unfilled, no
internal state names in refusals, English plurals, yes-or-no answers as booleans."""

import json
import re

import pytest
from marshmallow import ValidationError
from nameko.exceptions import deserialize, serialize

from services.certification.domain import certificate as certification_certificate
from services.certification.domain import model as certification
from services.common import issued, lab
from services.common.commands import CommandSchema, number
from services.common.domain import DECLINED, TERMINATED, InvalidTransition, RuleViolated
from services.gateway.domain import model as requests
from services.gateway.web.errors import as_api_error, error_response
from services.gateway.web.messages import MESSAGES, localize, message
from services.metrology.domain import assessment
from services.standards.domain import catalogue
from services.standards.domain import model as standards

PLACEHOLDER = re.compile(r"\{[^}]*\}")


class Reading(CommandSchema):
    expanded_uncertainty = number(minimum=0)
    correction = number(maximum=5)
    humidity_pct = number(minimum=0, maximum=100)


def refusal_of(exc, lang="zh-CN"):
    response = error_response(as_api_error(deserialize(serialize(exc))), lang)
    return json.loads(response.get_data(as_text=True))


class TestNoPlaceholderIsLeftUnfilled:
    def test_a_number_bounded_on_one_side_names_that_bound_only(self):
        with pytest.raises(ValidationError) as refused:
            Reading().load({"expanded_uncertainty": "-0.1", "correction": "6", "humidity_pct": "101"})
        zh, en = localize(refused.value.messages, "zh-CN"), localize(refused.value.messages, "en")
        assert zh == {"expanded_uncertainty": ["不能小于0"], "correction": ["不能大于5"],
                      "humidity_pct": ["应在0到100之间"]}
        assert en["expanded_uncertainty"] == ["Must be at least 0."]
        assert "应在0到之间" not in str(zh)

    @pytest.mark.parametrize("lang", ["zh-CN", "en"])
    def test_no_message_shows_a_placeholder_even_when_a_caller_forgets_its_value(self, lang):
        shown = {key: message(key, lang) for key in MESSAGES}
        assert {key: text for key, text in shown.items() if PLACEHOLDER.search(text)} == {}

    def test_the_confirmation_after_a_dispatch_names_the_domain(self):
        from services.gateway.web.templating import ENVIRONMENT

        template = ENVIRONMENT.get_template("staff_request.html")
        source = template.environment.loader.get_source(template.environment, "staff_request.html")[0]
        done_line = next(line for line in source.splitlines() if "page.staff.done" in line)
        assert 'domain=t("domain." ~ view.domain)' in done_line
        assert message("page.staff.dispatch", "zh-CN", domain=message("domain.metrology")) == "分派至计量"

    def test_both_languages_of_a_message_take_the_same_values(self):
        def names(text):
            return {match.split(":")[0] for match in re.findall(r"\{([^}]*)\}", text)}

        assert {key: pair for key, pair in MESSAGES.items() if names(pair[0]) != names(pair[1])} == {}


class TestRefusalsNameStatesAsPeopleDo:
    def test_a_job_not_yet_started_is_named_in_words_not_by_its_internal_state(self):
        refused = refusal_of(InvalidTransition("321322-20261126-00001-6", "received", "completed"))
        assert refused["error"] == "invalid_transition"
        assert refused["message"] == "当前状态（已接收，尚未开始）下不能执行此操作"
        english = refusal_of(InvalidTransition("321322-20261126-00001-6", "under_audit", "decision"), "en")
        assert english["message"] == "This cannot be done in the current state (under audit)."

    def test_a_part_someone_took_is_named_in_the_readers_language(self):
        conflict = RuleViolated("impartiality_conflict", {"operator": "王工", "role": "role.auditor"})
        assert refusal_of(conflict)["message"].startswith("王工参与过本项考核或审核（审核员）")
        assert "(auditor)" in refusal_of(conflict, "en")["message"]

    def test_a_state_without_a_label_is_still_not_shown_by_its_internal_name(self):
        refused = refusal_of(InvalidTransition("X", "some_new_state", "completed"))
        assert "some_new_state" not in refused["message"]

    STATES = sorted({
        lab.RECEIVED, lab.SAMPLES_RECEIVED, lab.IN_PROGRESS, lab.RESULTS_RECORDED, lab.REVIEWED, lab.COMPLETED,
        DECLINED, TERMINATED, issued.CURRENT, issued.SUPERSEDED, issued.WITHDRAWN,
        certification.APPLIED, certification.UNDER_AUDIT, certification.AWAITING_DECISION,
        certification.NOT_ACCEPTED, certification.REFUSED, certification.CERTIFIED,
        certification_certificate.VALID, certification_certificate.SUSPENDED, certification_certificate.WITHDRAWN,
        certification_certificate.EXPIRED, standards.RECEIVED, standards.ANSWERED, standards.AWAITING_ANSWER,
        standards.UNDER_REVIEW, standards.REVIEWED, catalogue.CURRENT, catalogue.SUPERSEDED,
        catalogue.WITHDRAWN, *assessment.STATES, *requests.ALL_STATUSES,
    })

    @pytest.mark.parametrize("state", STATES)
    def test_every_state_a_service_refuses_in_has_words_in_both_languages(self, state):
        assert f"status.{state}" in MESSAGES or f"state.{state}" in MESSAGES


class TestEnglishPlurals:
    @pytest.mark.parametrize("key, params, one, many", [
        ("page.dashboard.working_days", "days", "1 working day", "2 working days"),
        ("page.track.turnaround", "days", "took 1 working day", "took 2 working days"),
        ("page.index.committed", "days", "Committed time: 1 working day", "Committed time: 2 working days"),
        ("too_long", "max", "At most 1 character.", "At most 2 characters."),
        ("too_many_requests", "retry_after", "Too many attempts; please try again in 1 second.",
         "Too many attempts; please try again in 2 seconds."),
    ])
    def test_one_is_singular_and_more_are_plural(self, key, params, one, many):
        assert message(key, "en", **{params: 1}) == one
        assert message(key, "en", **{params: 2}) == many

    def test_no_english_message_says_one_of_something_in_the_plural(self):
        wrong = re.compile(r"\b1 (working )?(days|seconds|months|characters|fields|standards|entries)\b")
        rendered = {}
        for key, (_, english) in MESSAGES.items():
            names = {match.split(":")[0] for match in re.findall(r"\{([^}]*)\}", english)}
            rendered[key] = message(key, "en", **dict.fromkeys(names, 1))
        assert {key: text for key, text in rendered.items() if wrong.search(text)} == {}
