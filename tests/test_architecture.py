"""The layers of the layout: the domain never imports streamlit, the pages never import
sqlalchemy (README, « Organisation du code »)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from measure import PROJECT_ROOT


def _importing(package: str, root: Path) -> list[str]:
    """Files under `root` with an import statement of `package`, even inside a function."""
    statement = re.compile(rf"^\s*(from|import)\s+{package}\b", re.MULTILINE)
    return [
        str(path.relative_to(PROJECT_ROOT))
        for path in sorted(root.rglob("*.py"))
        if statement.search(path.read_text(encoding="utf-8"))
    ]


def test_the_domain_package_never_imports_streamlit() -> None:
    """Every module of `ctg_workshop` imports without loading streamlit (the pages and `ui/` hold
    the Streamlit side; the launcher and the load driver live outside the package), and none
    names it in an import statement, even inside a function."""
    code = (
        "import importlib, pkgutil, sys, ctg_workshop\n"
        "for module in pkgutil.walk_packages(ctg_workshop.__path__, 'ctg_workshop.'):\n"
        "    if not module.name.endswith('__main__'):  # that one runs the command line\n"
        "        importlib.import_module(module.name)\n"
        "import serve\n"
        "loaded = sorted(m for m in sys.modules if m == 'streamlit' or m.startswith('streamlit.'))\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, check=True, timeout=60)
    assert _importing("streamlit", PROJECT_ROOT / "ctg_workshop") == []


def test_pages_never_import_sqlalchemy() -> None:
    """A page reads its widgets, calls one `ctg_workshop` function, renders: no query of its own."""
    assert _importing("sqlalchemy", PROJECT_ROOT / "pages") == []
    assert not re.search(r"^\s*(from|import)\s+sqlalchemy\b", (PROJECT_ROOT / "app.py").read_text(), re.M)


def test_pages_never_open_a_session() -> None:
    """Reads and writes go through the one action path, `ui/actions.py` (one transaction each)."""
    assert _importing("ctg_workshop.storage.db", PROJECT_ROOT / "pages") == []
    for page in sorted((PROJECT_ROOT / "pages").glob("*.py")):
        assert "_session(" not in page.read_text(encoding="utf-8"), page.name


def test_ui_holds_the_one_action_path() -> None:
    actions = (PROJECT_ROOT / "ui" / "actions.py").read_text(encoding="utf-8")
    for name in ("def read(", "def write(", "def run(", "def say(", "def show("):
        assert name in actions
    helpers = [
        path.name
        for path in sorted((PROJECT_ROOT / "ui").glob("*.py"))
        if re.search(r"^def (act|flash|show_flash)\(", path.read_text(encoding="utf-8"), re.M)
        and "actions." not in path.read_text(encoding="utf-8")
    ]
    assert helpers == [], f"message helpers outside ui/actions.py: {helpers}"


def test_only_ui_actions_opens_a_session() -> None:
    """Every read and write of the pages and their helpers goes through `ui/actions.py` (the
    engine itself is made in `ui/engine.py`)."""
    opening = [
        str(path.relative_to(PROJECT_ROOT))
        for path in sorted((PROJECT_ROOT / "ui").rglob("*.py"))
        if re.search(r"\b(read|write|snapshot)_session\b", path.read_text(encoding="utf-8"))
        and path.name != "actions.py"
    ]
    assert opening == []


# --- The measuring tools (measure/): one home, beside the app, without circles ---------------------


def _python_files(root: Path) -> list[Path]:
    """The project's own Python files under `root` (no virtualenv, no node_modules, no caches)."""
    skipped = {".venv", "node_modules", "__pycache__", ".git"}
    return sorted(
        path for path in root.rglob("*.py") if not skipped.intersection(path.relative_to(PROJECT_ROOT).parts)
    )


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(path: Path, known: set[str]) -> set[str]:
    """The modules `path` imports, at its top or inside a function; `from pkg import name` counts
    as `pkg.name` when that is a module of `known`, else as `pkg`."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return found


def _import_graph(root: Path) -> dict[str, set[str]]:
    """Module → the modules of the same tree it imports."""
    files = _python_files(root)
    known = {_module_name(path) for path in files}
    return {_module_name(path): _imported_modules(path, known) & known for path in files}


def _a_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle of `graph` (its modules in order, the first repeated last), or []."""
    state: dict[str, str] = {}
    trail: list[str] = []

    def visit(module: str) -> list[str]:
        state[module] = "open"
        trail.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                return [*trail[trail.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[module] = "done"
        trail.pop()
        return []

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return []


def test_the_cycle_finder_finds_a_circle() -> None:
    assert _a_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert _a_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_measuring_tools_have_no_import_circle() -> None:
    """Every module of `measure/` (load driver, benchmarks, harness, scripts) imports the others
    without a circle, function-level imports included."""
    graph = _import_graph(PROJECT_ROOT / "measure")
    assert "measure.harness.streamlit_server" in graph["measure.benchmarks.run"]  # the graph is read
    assert _a_cycle(graph) == []


def test_measuring_tools_never_import_the_tests() -> None:
    """`measure/` is what the tests use, never the other way round."""
    graph = _import_graph(PROJECT_ROOT)
    importing_tests = sorted(
        module
        for module, targets in graph.items()
        if module.startswith("measure") and any(t == "tests" or t.startswith("tests.") for t in targets)
    )
    assert importing_tests == []


def test_the_app_never_imports_the_measuring_tools() -> None:
    """The app (app.py, serve.py, pages, ui, ctg_workshop) runs without `measure/`."""
    app_modules = ("app", "serve", "pages", "ui", "ctg_workshop")
    graph = _import_graph(PROJECT_ROOT)
    importing_measure = sorted(
        module
        for module, targets in graph.items()
        if module.split(".")[0] in app_modules and any(t.split(".")[0] == "measure" for t in targets)
    )
    assert importing_measure == []


def _uses_sys_path(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return any(
        isinstance(node, ast.Attribute)
        and node.attr == "path"
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
        for node in ast.walk(tree)
    )


def test_nothing_patches_sys_path(tmp_path: Path) -> None:
    """Every command runs from the project root as `python -m package.module`: no module reaches
    another one by editing the import path."""
    patched = tmp_path / "patched.py"
    patched.write_text("import sys\nsys.path.insert(0, 'tests')\n", encoding="utf-8")
    assert _uses_sys_path(patched)
    patching = [
        str(path.relative_to(PROJECT_ROOT)) for path in _python_files(PROJECT_ROOT) if _uses_sys_path(path)
    ]
    assert patching == []


# --- The app: no circle, files a newcomer can read -----------------------------------------------

APP_PACKAGES = ("app", "serve", "pages", "ui", "server", "ctg_workshop")
MAX_LINES = 400


def _app_files() -> list[Path]:
    return [
        path
        for path in _python_files(PROJECT_ROOT)
        if path.relative_to(PROJECT_ROOT).parts[0].removesuffix(".py") in APP_PACKAGES
    ]


def test_the_app_has_no_import_circle() -> None:
    """The domain, the pages' helpers and the server's patches import one another without a
    circle (function-level imports included)."""
    graph = _import_graph(PROJECT_ROOT)
    app = {module: targets for module, targets in graph.items() if module.split(".")[0] in APP_PACKAGES}
    assert "ctg_workshop.day.voting" in app  # the graph is read
    assert _a_cycle(app) == []


def test_no_file_of_the_app_is_over_400_lines() -> None:
    lengths = {
        str(path.relative_to(PROJECT_ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in _app_files()
    }
    too_long = {name: lines for name, lines in lengths.items() if lines > MAX_LINES}
    assert too_long == {}


def test_the_readme_table_names_every_folder_and_stage() -> None:
    """README « Organisation du code »: every top-level folder of the project, every stage of
    the domain and every module of `server/` is named there."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Organisation du code", 1)[1].split("\n## ", 1)[0]
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    folders = {name.split("/")[0] for name in tracked if "/" in name and not name.startswith(".")}
    stages = {
        path.name for path in (PROJECT_ROOT / "ctg_workshop").iterdir() if (path / "__init__.py").is_file()
    }
    servers = {path.name for path in (PROJECT_ROOT / "server").glob("*.py") if path.name != "__init__.py"}
    assert {"ctg_workshop", "pages", "ui", "server"} <= folders and "day" in stages  # read
    missing = sorted(
        [f"`{folder}/`" for folder in folders if f"`{folder}/`" not in table]
        + [f"`{stage}/`" for stage in stages if f"`{stage}/`" not in table]
        + [f"`{module}`" for module in servers if f"`{module}`" not in table]
    )
    assert missing == []
