"""The documentation stands on its own: every link a reader can follow is in the repository.

(README.md's curl walkthrough is run as written by tests/e2e/test_readme_walkthrough.py.)
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", ROOT / "deploy" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_leads_to_a_file_of_the_repository(document):
    for target in LINK.findall(document.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # a web address or an anchor in the same page
        path = (document.parent / target.split("#")[0]).resolve()
        assert path.is_relative_to(ROOT), f"{document.name} links {target}, outside the repository"
        assert path.exists(), f"{document.name} links {target}, which does not exist"


def test_the_brief_and_the_policy_it_implements_are_in_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/DESIGN.md)" in readme
    brief = (ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    for policy in re.findall(r"`(policy/[\w.-]+\.txt)`", brief):
        assert (ROOT / "docs" / policy).is_file(), policy
    assert "宿政发〔2023〕137号" in (ROOT / "docs" / "policy" / "suqian-2023-137-quality-city-opinions.txt").read_text(
        encoding="utf-8")
