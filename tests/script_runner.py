"""Exported scripts run in ONE Python subprocess (importing torch costs seconds on a shared 2-core
machine), each file executed as ``__main__`` (runpy, fresh globals each time)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

RUNNER = textwrap.dedent(
    """
    import runpy, sys
    for path in sys.argv[1:]:
        print("=== " + path, flush=True)
        runpy.run_path(path, run_name="__main__")
    """
)


def run_scripts(directory: Path, scripts: dict[str, str]) -> tuple[dict[str, Path], dict[str, list[str]]]:
    """Write each named script into ``directory`` and run them all: their paths, and each one's output lines."""
    paths = {}
    for name, text in scripts.items():
        paths[name] = directory / f"{name}.py"
        paths[name].write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, *map(str, paths.values())],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        cwd=directory,
    )
    assert result.returncode == 0, result.stderr
    outputs: dict[str, list[str]] = {}
    by_path = {str(path): name for name, path in paths.items()}
    for line in result.stdout.splitlines():
        if line.startswith("=== "):
            current = outputs.setdefault(by_path[line[4:]], [])
        else:
            current.append(line)
    return paths, outputs
