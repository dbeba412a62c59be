"""The layers of the layout: the domain never imports streamlit, the pages never import
sqlalchemy (README, « Organisation du code »)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.support.streamlit_server import PROJECT_ROOT


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
