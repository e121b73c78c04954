"""Messages read in zh-CN by default and in English on request."""

from services.gateway.web.messages import MESSAGES, localize, message, negotiate_language


def test_chinese_is_the_default_and_english_is_available():
    assert message("required") == "此项为必填项"
    assert message("required", "en") == "This field is required."


def test_parameters_travel_inside_the_key():
    assert message("too_long|max=100", "en") == "At most 100 characters."


def test_nested_errors_keep_their_shape():
    assert localize({"a": {"0": ["required"]}}, "en") == {"a": {"0": ["This field is required."]}}


def test_every_message_has_both_languages():
    assert all(len(pair) == 2 and all(pair) for pair in MESSAGES.values())


def test_language_comes_from_the_query_then_accept_language():
    assert negotiate_language("en", "zh-CN") == "en"
    assert negotiate_language(None, "en-GB,en;q=0.9") == "en"
    assert negotiate_language(None, None) == "zh-CN"
