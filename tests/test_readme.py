"""The README's two commands are the contract with a new user and with CI."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", text)[:2]


def test_the_first_two_commands_run_the_demo_and_the_tests():
    run, test = readme_commands()
    assert run.endswith("sellerdesk demo")
    assert test.endswith("python -m pytest")


def test_ci_runs_the_readme_test_command():
    _, test = readme_commands()
    assert test in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_the_screenshot_exists():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text):
        assert (REPO / image).is_file(), image
