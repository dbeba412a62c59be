"""Browser fixtures: Debian's Chromium driven by Playwright, axe-core read from node_modules.

Without /usr/bin/chromium (or without axe-core for the accessibility audits) the tests skip
and say why: `make test` installs both (Chromium through scripts/install-system-deps.sh when
run as root, axe-core through npm).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Playwright, expect, sync_playwright

from tests.e2e.browser import (
    AXE_PATH,
    CHROMIUM,
    CHROMIUM_ARGS,
    PLAYWRIGHT_EXPECT_TIMEOUT_MS,
    RUN_TIMEOUT_MS,
    AxeReport,
    write_axe_summary,
)


@pytest.fixture(autouse=True)
def _patient_assertions() -> Iterator[None]:
    """`expect(...)` waits as long as a run may take here, in the browser tests only."""
    expect.set_options(timeout=RUN_TIMEOUT_MS)
    yield
    expect.set_options(timeout=PLAYWRIGHT_EXPECT_TIMEOUT_MS)


# Module scope, not session: Playwright's synchronous driver keeps an asyncio loop running in
# the main thread while it is started, and the tests after the browser tests call asyncio.run().
@pytest.fixture(scope="module")
def playwright_driver() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"Chromium absent ({CHROMIUM}) : installez le paquet Debian chromium "
            "(make test le fait quand il tourne en root)."
        )
    driver = sync_playwright().start()
    yield driver
    driver.stop()


@pytest.fixture(scope="module")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    chromium = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_PATH.exists():
        pytest.skip(
            "axe-core absent (node_modules/axe-core) : lancez « make test », qui l'installe avec "
            "npm ci, ou « npm ci » à la racine du projet."
        )
    return AXE_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def optional_axe_source() -> str | None:
    """axe-core for the audits made along a story; the story itself runs without it."""
    return AXE_PATH.read_text(encoding="utf-8") if AXE_PATH.exists() else None


@pytest.fixture(scope="session")
def axe_reports() -> Iterator[list[AxeReport]]:
    """Every audit of the session, written to test-artifacts/axe.json at the end."""
    reports: list[AxeReport] = []
    yield reports
    if reports:
        write_axe_summary(reports)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """In a module whose steps run in order (`STEPS_IN_ORDER = True`), remember the failed step."""
    report = yield
    module = getattr(item, "module", None)
    if report.failed and getattr(module, "STEPS_IN_ORDER", False):
        module._failed_step = item.name
    return report
