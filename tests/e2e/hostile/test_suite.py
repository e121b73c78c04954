"""The hostile suite checks itself: every class of issue 26 has at least one test."""

import pathlib
import re

import pytest

from .conftest import CLASSES

pytestmark = pytest.mark.e2e


def test_every_class_has_a_test():
    here = pathlib.Path(__file__).parent
    named = set()
    for module in here.glob("test_*.py"):
        named.update(re.findall(r'@pytest\.mark\.hostile\("([^"]+)"\)', module.read_text(encoding="utf-8")))
    missing = [name for name in CLASSES if name not in named]
    assert not missing, f"hostile classes with no test: {missing}"
