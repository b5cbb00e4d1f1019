"""The Dockerfile copies every folder the app needs: the pages' folder and each package they import.

The image cannot be built on the team's machines (no Docker engine), so a package added to the app
but not to the Dockerfile would only show as an ImportError on a classroom server.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def copied_sources(dockerfile: str) -> set[str]:
    """The sources of every COPY line (the last word is the destination)."""
    sources: set[str] = set()
    for line in dockerfile.splitlines():
        words = line.split()
        if words and words[0] == "COPY":
            sources.update(word.rstrip("/") for word in words[1:-1] if not word.startswith("--"))
    return sources


def local_imports(path: Path) -> set[str]:
    """Top-level names of the absolute imports in a file that are folders of this repository."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return {name for name in names if (ROOT / name).is_dir()}


def folders_the_app_needs() -> set[str]:
    """The folders of the pages app.py declares, and every local package reached by importing from there."""
    entry = ROOT / "app.py"
    page_folders = set(re.findall(r"[\"'](\w+)/\w+\.py[\"']", entry.read_text(encoding="utf-8")))
    needed = set(page_folders)
    to_read = [entry, *(path for folder in page_folders for path in (ROOT / folder).glob("*.py"))]
    while to_read:
        for name in local_imports(to_read.pop()) - needed:
            needed.add(name)
            to_read.extend((ROOT / name).rglob("*.py"))
    return needed


def test_the_dockerfile_copies_the_entry_point_and_every_folder_the_app_needs():
    copied = copied_sources((ROOT / "Dockerfile").read_text(encoding="utf-8"))
    needed = folders_the_app_needs()
    assert {"app_pages", "playground", "ui"} <= needed, "the walk from app.py should reach the app's packages"
    assert needed | {"app.py", "requirements.txt"} <= copied


def test_the_dockerfile_leaves_out_what_only_developers_use():
    copied = copied_sources((ROOT / "Dockerfile").read_text(encoding="utf-8"))
    assert copied.isdisjoint({"tests", "bench", "devtools", "docs", "."})
