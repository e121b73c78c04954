"""The hostile suite (issue 26): every attack class the hostile test of the running
platform found broken, tried again against the running stack.

Each test names the class it tries with ``@pytest.mark.hostile("class")``; a class is
*broken* when any of its tests fails. At the end the run prints one line,
``hostile: classes tried N, broken M``, and names the broken ones. A class of
``CLASSES`` with no test at all fails ``test_every_class_has_a_test`` (test_suite.py),
so the count cannot shrink silently.
"""

import pytest

# The classes issue 26 asks the suite to try, in its words.
CLASSES = (
    "spoofed credit code",
    "intake flood",
    "replayed form or request",
    "late command",
    "NaN, Infinity and huge numbers",
    "impossible dates",
    "deeply nested JSON",
    "lone surrogates",
    "year 9999",
    "disabled account",
    "refresh token reuse",
    "parallel logins",
    "lock-out of the owner",
)

_outcomes: dict[str, list[bool]] = {}


def hostile_class(item) -> str | None:
    marker = item.get_closest_marker("hostile")
    return marker.args[0] if marker else None


def pytest_collection_modifyitems(items):
    for item in items:
        name = hostile_class(item)
        if name is not None and name not in CLASSES:
            raise pytest.UsageError(f"{item.nodeid}: {name!r} is not a hostile class of CLASSES")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    name = hostile_class(item)
    if name is None:
        return
    if report.when == "call" and not report.skipped:
        _outcomes.setdefault(name, []).append(report.passed)
    elif report.failed:  # an error in its set-up or tear-down breaks the class too
        _outcomes.setdefault(name, []).append(False)


def pytest_terminal_summary(terminalreporter):
    if not _outcomes:
        return
    broken = sorted(name for name, results in _outcomes.items() if not all(results))
    terminalreporter.write_line(f"hostile: classes tried {len(_outcomes)}, broken {len(broken)}")
    for name in broken:
        terminalreporter.write_line(f"hostile: broken: {name}")
