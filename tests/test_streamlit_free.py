"""`playground/` (the engine), `store/` (the class store) and `charts/` (the figure builders) never import Streamlit.

That is what lets the CLI, the exported scripts, the benchmarks and the unit tests use them
without a Streamlit runtime, and what keeps the app's logic testable apart from its pages.
Checked twice: statically, so an import hidden in a function that no test calls is caught too,
and dynamically, so an import reached through another library is caught as well.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# charts/ is new in the restructure (issue #12): skipped only while the folder does not exist.
STREAMLIT_FREE = ["playground", "store", "charts"]

IMPORT_EVERY_MODULE = """
import importlib, pkgutil, sys
package = importlib.import_module(sys.argv[1])
for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    if module.name.rsplit(".", 1)[-1] != "__main__":  # __main__ runs the program when imported
        importlib.import_module(module.name)
print("streamlit" in sys.modules)
"""


def streamlit_imports(source: str) -> list[int]:
    """Line numbers of every `import streamlit...` / `from streamlit... import` in the source."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        if any(name == "streamlit" or name.startswith("streamlit.") for name in names):
            lines.append(node.lineno)
    return lines


def streamlit_loaded_by(package: str, root: Path) -> bool:
    """Whether importing every module of `package` (in a fresh interpreter) loads streamlit."""
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERY_MODULE, package],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1] == "True"


def package_dir(name: str) -> Path:
    folder = ROOT / name
    if not folder.is_dir():
        pytest.skip(f"{name}/ does not exist yet")
    return folder


@pytest.mark.parametrize("package", STREAMLIT_FREE)
def test_no_module_of_the_package_imports_streamlit(package):
    folder = package_dir(package)
    modules = sorted(folder.rglob("*.py"))
    assert modules, f"{package}/ has no modules"
    offenders = {
        str(path.relative_to(ROOT)): lines
        for path in modules
        if (lines := streamlit_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, f"streamlit imported at (file: lines) {offenders}"


@pytest.mark.parametrize("package", STREAMLIT_FREE)
def test_importing_every_module_of_the_package_leaves_streamlit_unloaded(package):
    package_dir(package)
    assert not streamlit_loaded_by(package, ROOT)


@pytest.mark.parametrize(
    "source",
    [
        "import streamlit as st",
        "import os, streamlit",
        "import streamlit.components.v1 as components",
        "from streamlit import session_state",
        "from streamlit.runtime import exists",
        "def later():\n    import streamlit\n",
    ],
)
def test_the_static_check_sees_every_form_of_a_streamlit_import(source):
    assert streamlit_imports(source)


@pytest.mark.parametrize(
    "source",
    ["import streamlit_extras", "from .streamlit import x", "from streamlitish import y", "text = 'import streamlit'"],
)
def test_the_static_check_ignores_what_is_not_streamlit(source):
    assert streamlit_imports(source) == []


def test_the_dynamic_check_sees_streamlit_loaded_through_a_submodule(tmp_path):
    package = tmp_path / "leaky"
    (package / "inner").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "inner" / "__init__.py").write_text("")
    (package / "inner" / "page.py").write_text("import json\n\nimport streamlit\n")
    (package / "__main__.py").write_text("raise SystemExit('__main__ must not be imported')\n")
    assert streamlit_loaded_by("leaky", tmp_path)
