"""Python's cycle collector, set for a server that holds hundreds of phones' sessions.

Measured under load (300 partners, one process, `measure.capacity`, docs/capacity.md): with
Python's defaults the collector took about 15 % of the server's CPU, and each full collection
(every ~15 s) walked every object of the process — Streamlit, pandas, Altair, SQLAlchemy, the
app's modules, every session — holding the interpreter lock for about 350 ms, during which no
partner's tap could run: the slowest answers of a run.

`tune_collector` therefore:
- imports the domain and the libraries the pages use (what their first run would), collects once,
  then **freezes** everything alive (`gc.freeze`): modules, classes, functions and constants
  that live as long as the process are never walked again;
- collects the youngest objects less often (`YOUNG_THRESHOLD` allocations instead of 700):
  a script run allocates tens of thousands of short-lived objects, freed by reference
  counting anyway; cycles (rare) wait a little longer.
Memory freed by reference counting is unchanged; only the search for cycles is rarer.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
from collections.abc import Iterable

# Loaded before the freeze so that their modules are frozen too: the domain (which never
# imports Streamlit) and the libraries the pages use. Not `ui/`: its `st.cache_data` functions
# must be defined once Streamlit's runtime exists.
APP_PACKAGES = ("ctg_workshop",)
LIBRARIES = ("pandas", "altair", "streamlit.runtime.scriptrunner", "streamlit.elements.widgets.button")
YOUNG_THRESHOLD = 20_000


def import_app_packages(packages: Iterable[str] = APP_PACKAGES) -> int:
    """Import every module of `packages`; returns how many (a module that fails is skipped:
    the page that needs it will show the error, as without this)."""
    count = 0
    for name in packages:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            if module.name.endswith("__main__"):
                continue
            try:
                importlib.import_module(module.name)
            except Exception:  # see the docstring
                continue
            count += 1
    return count


def tune_collector(packages: Iterable[str] = APP_PACKAGES) -> None:
    """Import the app, freeze what is alive, and collect young objects less often."""
    for library in LIBRARIES:
        importlib.import_module(library)
    import_app_packages(packages)
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
