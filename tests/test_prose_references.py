"""Prose names only code that exists: every module, object and file that a docstring, a comment or a
Markdown page names in backticks is found where it says.

Moving or renaming a module leaves its old name in prose that no import checks; this test reads
`` `ui.core.live_run.LiveRun` ``, `` `playground.run.trainer` `` and `` `ui/core/script_turns.py` `` the way a
newcomer would follow them, and fails on any that leads nowhere.
"""

from __future__ import annotations

import importlib
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("playground", "charts", "ui", "app_pages", "bench", "devtools", "deploy", "tests")
NAMED = "|".join(PACKAGES)
DOTTED = re.compile(rf"`((?:{NAMED})(?:\.\w+)+)(?:\(\))?`")
PATH = re.compile(rf"(?<![\w/.-])((?:{NAMED}|docs|\.ci)/[\w/.-]*\w)")


def tracked(*patterns: str) -> list[Path]:
    names = subprocess.run(["git", "ls-files", *patterns], cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / name for name in names.stdout.split() if (ROOT / name).exists()]


def resolves(dotted: str) -> bool:
    """Whether ``dotted`` is a module, or an attribute chain of one (a class's method, say)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            if not hasattr(target, name):
                return False
            target = getattr(target, name)
        return True
    return False


def named_in(path: Path) -> tuple[set[str], set[str]]:
    text = path.read_text()
    paths = {name for name in PATH.findall(text) if "*" not in name and "<" not in name}
    return set(DOTTED.findall(text)), paths


PROSE = tracked("*.py", "*.md")


@pytest.mark.parametrize("path", PROSE, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_named_module_object_and_file_exists(path):
    dotted, paths = named_in(path)
    missing = sorted(name for name in dotted if not resolves(name))
    missing += sorted(name for name in paths if not (ROOT / name).exists() and not (ROOT / name.rstrip(".")).exists())
    assert not missing, missing
