"""Every message a user can read, in zh-CN (first) and English.

Schemas and handlers speak in message keys (``"too_long|max=100"``: a key, then
parameters); :func:`localize` turns them into sentences in the user's language at the
edge, so the page and the API say exactly the same thing.

The messages are data, ``gateway/data/messages.toml``: each key with its zh-CN text, then
its English text, under comments that say what they are for. It is read once, when this
module is imported.
"""

import string
import tomllib
from pathlib import Path

LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"
CATALOGUE = Path(__file__).parents[1] / "data" / "messages.toml"


def read_messages(path):
    """key -> (zh-CN text, English text), in the file's order."""
    with path.open("rb") as file:
        return {key: tuple(texts) for key, texts in tomllib.load(file).items()}


MESSAGES = read_messages(CATALOGUE)


class _Filled(dict):
    """The parameters of a message; one not given reads as nothing rather than as its
    ``{placeholder}`` (a reader must never see the template)."""

    def __missing__(self, key):
        return ""


class _Formatter(string.Formatter):
    """``str.format`` plus English plurals: ``{days} working {days:plural:day|days}``
    reads "1 working day", "2 working days"."""

    def format_field(self, value, format_spec):
        if format_spec.startswith("plural:"):
            one, _, many = format_spec[len("plural:"):].partition("|")
            return one if str(value).strip() == "1" else many
        return super().format_field(value, format_spec)

    def get_value(self, key, args, kwargs):
        return kwargs[key] if isinstance(key, str) else super().get_value(key, args, kwargs)


_FORMATTER = _Formatter()


def message(key, lang=DEFAULT_LANGUAGE, **params):
    """The sentence for ``key`` (optionally ``key|name=value;...``) in ``lang``."""
    name, _, encoded = key.partition("|")
    if name not in MESSAGES:
        return key  # already a sentence (never hide a message because it lacks a key)
    for pair in filter(None, encoded.split(";")):
        param, _, value = pair.partition("=")
        params.setdefault(param, value)
    text = MESSAGES[name][LANGUAGES.index(lang) if lang in LANGUAGES else 0]
    return _FORMATTER.vformat(text, (), _Filled(params))


def localize(errors, lang):
    """Translate marshmallow's nested error structure, keeping its shape."""
    if isinstance(errors, dict):
        return {str(field): localize(value, lang) for field, value in errors.items()}
    if isinstance(errors, list):
        return [localize(value, lang) for value in errors]
    return message(errors, lang)


def negotiate_language(query_lang=None, accept_language=None):
    """``?lang=`` wins; otherwise Accept-Language; otherwise Chinese."""
    for candidate in (query_lang, accept_language):
        if candidate:
            first = candidate.split(",")[0].strip().lower()
            if first.startswith("en"):
                return "en"
            if first.startswith("zh"):
                return "zh-CN"
    return DEFAULT_LANGUAGE
