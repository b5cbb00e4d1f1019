"""The README's commands are the ones that work: CI runs its test command verbatim, and every
benchmark it names exists.

A README that drifts from CI tells a newcomer to run something CI never runs (or misses the lint
step CI fails on); a renamed benchmark would leave a command that only prints a ModuleNotFoundError.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_ci_runs_the_readmes_test_command_verbatim():
    readme_commands = [line for line in README.splitlines() if line.startswith("pip install -r requirements-dev.txt")]
    ci_commands = [
        line
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.startswith("pip install -r requirements-dev.txt")
    ]
    assert len(readme_commands) == 1, readme_commands
    assert ci_commands == readme_commands


def test_the_test_command_checks_lint_and_format_before_the_tests():
    (command,) = [line for line in README.splitlines() if line.startswith("pip install -r requirements-dev.txt")]
    steps = [step.strip() for step in command.split("&&")]
    assert steps.index("ruff check .") < steps.index("python -m pytest")
    assert steps.index("ruff format --check .") < steps.index("python -m pytest")


def test_ruff_is_pinned_for_the_test_command():
    pins = re.findall(r"^ruff==\S+$", (ROOT / "requirements-dev.txt").read_text(encoding="utf-8"), re.M)
    assert len(pins) == 1


def test_every_benchmark_the_docs_name_exists():
    named = {name for doc in DOCS for name in re.findall(r"python -m bench\.(\w+)", doc.read_text(encoding="utf-8"))}
    assert named, "the README should say how to run the benchmarks"
    assert {name for name in named if not (ROOT / "bench" / f"{name}.py").is_file()} == set()


def test_benchmarks_are_named_as_modules_not_as_paths():
    for doc in DOCS:
        assert not re.search(r"python bench/", doc.read_text(encoding="utf-8")), doc.name
