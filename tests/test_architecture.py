"""The folders are the architecture: each layer imports only the layers below it, and each page only
its own package and the shared core.

Layers, top to bottom: `app.py` → `app_pages/` → `ui/` → `charts/` → `store/` → `playground/`
(`charts/` and `store/`, the class store, are side by side: neither imports the other). Inside `ui/`,
`ui.core` is shared by every page package (`ui.train`, `ui.shapes`, …) and by `ui.server`; a page
package never imports another page's package, and `ui.core` imports none of them. Inside
`playground/`, `nn` and `run` are the base that `probes` and `lessons` build on; the interfaces at
the top (`cli`, `export`, `url_state`) are imported by nothing inside the engine's subpackages.
(`tests/test_streamlit_free.py` checks that `playground/`, `store/` and `charts/` never load Streamlit.)
Read from the source with `ast`, so an import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("playground", "store", "charts", "ui", "app_pages", "app")  # bottom to top
UI_SHARED = ("core",)  # the ui packages every page may use
UI_SERVER = "server"  # server hooks: used by app.py only
PAGE_PACKAGES = {  # app_pages/<file>.py -> its ui package
    "train": "train",
    "shapes": "shapes",
    "inside_cell": "inside",
    "what_if": "what_if",
    "embeddings": "embeddings",
    "gradient_flow": "gradient_flow",
    "compare": "compare",
    "challenges": "challenges",
    "export": "export",
    "dashboard": "dashboard",
}
ENGINE_BASE = ("nn", "run")
ENGINE_INTERFACES = ("cli", "export", "url_state", "__main__")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files() -> list[Path]:
    files = [ROOT / "app.py"]
    for folder in ("app_pages", "ui", "charts", "store", "playground"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return files


def imported_modules(path: Path) -> list[str]:
    """Every module ``path`` imports, absolute names, relative imports resolved."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names += [f"{base}.{alias.name}" for alias in node.names] if node.level and not node.module else [base]
    return names


def layer(module: str) -> int | None:
    top = module.split(".")[0]
    return LAYERS.index(top) if top in LAYERS else None


def second(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


IMPORTS = {module_name(path): imported_modules(path) for path in source_files()}


def offending(rule) -> list[str]:
    return [
        f"{source} imports {target}"
        for source, targets in IMPORTS.items()
        for target in targets
        if rule(source, target)
    ]


def test_the_map_reads_every_layer():
    for top in LAYERS:
        assert any(name.split(".")[0] == top for name in IMPORTS), top
    assert set(PAGE_PACKAGES) == {path.stem for path in (ROOT / "app_pages").glob("*.py")}
    assert set(PAGE_PACKAGES.values()) | set(UI_SHARED) | {UI_SERVER} == {
        path.name for path in (ROOT / "ui").iterdir() if (path / "__init__.py").exists()
    }


def test_no_module_imports_a_layer_above_its_own():
    def upward(source: str, target: str) -> bool:
        return layer(target) is not None and layer(target) > layer(source)

    assert offending(upward) == []


@pytest.mark.parametrize("top", ["playground", "store", "charts"])
def test_the_engine_the_store_and_the_charts_never_import_streamlit_or_the_app(top):
    def forbidden(source: str, target: str) -> bool:
        return source.split(".")[0] == top and target.split(".")[0] in ("streamlit", "ui", "app_pages", "app")

    assert offending(forbidden) == []


def test_the_charts_and_the_store_import_neither_the_other():
    def sideways(source: str, target: str) -> bool:
        return {source.split(".")[0], target.split(".")[0]} == {"charts", "store"}

    assert offending(sideways) == []


def test_a_page_package_imports_no_other_page_package():
    def across(source: str, target: str) -> bool:
        if source.split(".")[0] != "ui" or target.split(".")[0] != "ui":
            return False
        mine, theirs = second(source), second(target)
        if theirs is None or mine == theirs or theirs in UI_SHARED:
            return False
        return True  # core -> a page, a page -> another page or the server, the server -> a page

    assert offending(across) == []


def test_a_page_file_imports_only_its_own_package_and_the_core():
    def across(source: str, target: str) -> bool:
        if source.split(".")[0] != "app_pages" or target.split(".")[0] != "ui":
            return False
        return second(target) not in (PAGE_PACKAGES[source.split(".")[1]], *UI_SHARED)

    assert offending(across) == []


def test_only_app_py_uses_the_server_hooks():
    def server(source: str, target: str) -> bool:
        return target.startswith(f"ui.{UI_SERVER}") and source != "app" and not source.startswith(f"ui.{UI_SERVER}")

    assert offending(server) == []


def test_the_engine_base_imports_neither_probes_lessons_nor_interfaces():
    def upward(source: str, target: str) -> bool:
        if source.split(".")[0] != "playground" or target.split(".")[0] != "playground":
            return False
        mine, theirs = second(source), second(target)
        if mine in ENGINE_INTERFACES or mine is None:
            return False
        if theirs in ENGINE_INTERFACES:
            return True
        return mine in ENGINE_BASE and theirs in ("probes", "lessons")

    assert offending(upward) == []
