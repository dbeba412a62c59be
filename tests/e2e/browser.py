"""What the browser tests share: Debian's Chromium, Streamlit's run signals, screenshots, axe-core.

Waits never sleep. They follow what Streamlit itself publishes on its root element,
`[data-testid='stApp']`: `data-test-connection-state` (the websocket) and
`data-test-script-state` (`running` while the script or a fragment runs, `notRunning` once it
is done), and the element the test expects (`expect(...).to_be_visible()`, which retries).
Every action names what it must make appear (`act(page, action, shows)`): a fast fragment run
can start and end between two looks at the script state, so the idle state alone never proves
that the server handled the action; the new element does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium, never a browser downloaded by Playwright; no network of its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_PATH = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"

PHONE = {"width": 360, "height": 740}
PROJECTOR = {"width": 1920, "height": 1080}
DESKTOP = {"width": 1366, "height": 900}
SIZES = {"telephone": PHONE, "projecteur": PROJECTOR}

# A run on a 2-core machine, while other tests share it, can take seconds (a passphrase is
# hashed with scrypt): assertions wait up to this long for what they expect, then fail
# (tests/e2e/conftest.py sets it for the browser tests only).
RUN_TIMEOUT_MS = 30_000
PLAYWRIGHT_EXPECT_TIMEOUT_MS = 5_000  # Playwright's own default, given back after each test
# The projection page redraws itself every 5 s over aggregates cached 4 s: what partners do
# shows there within about ten seconds.
LIVE_TIMEOUT_MS = 25_000
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"


def new_context(browser: Browser, viewport: dict[str, int], *, phone: bool = False) -> BrowserContext:
    """A fresh browser profile (its own cookies): one person, one device."""
    context = browser.new_context(
        viewport=viewport,
        device_scale_factor=1,
        is_mobile=phone,
        has_touch=phone,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        accept_downloads=True,
    )
    context.set_default_timeout(RUN_TIMEOUT_MS)
    return context


def wait_idle(page: Page) -> None:
    """The websocket is up, no script run is under way, and every element is drawn (Streamlit
    shows a grey placeholder, `stSkeleton`, while an element's code is still loading)."""
    page.locator(CONNECTED).wait_for(state="attached", timeout=RUN_TIMEOUT_MS)
    page.locator(IDLE).wait_for(state="attached", timeout=RUN_TIMEOUT_MS)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)


def act(page: Page, action: Callable[[], object], shows: Locator) -> None:
    """Do something that makes the app run, wait for what it should show, then for the run's end.

    `shows` must be new on the page (not there before the action): it is the proof that the
    server handled the action. Waiting for the idle state alone is not enough: a run can start
    and end between two looks, and a script that calls `st.rerun()` runs twice, the second
    run drawing the result.
    """
    wait_idle(page)
    action()
    expect(shows).to_be_visible()
    wait_idle(page)


def open_page(page: Page, url: str, shows: Locator | None = None) -> None:
    """Load a page; wait for its title (or `shows`) and the end of its first run."""
    page.goto(url)
    expect(shows if shows is not None else page.locator("main h1").first).to_be_visible()
    wait_idle(page)


def click(page: Page, target: str | Locator, shows: Locator) -> None:
    """Click a button (its accessible name, or a locator); wait for what it shows."""
    button = page.get_by_role("button", name=target, exact=True) if isinstance(target, str) else target
    expect(button).to_be_enabled()
    act(page, button.click, shows)


def choose(page: Page, label: str, option: str, shows: Locator) -> None:
    """Pick an option of an `st.selectbox` by its label and the option's text."""
    page.get_by_role("combobox", name=label).click()
    act(page, page.get_by_role("option", name=option, exact=True).click, shows)


def navigate(page: Page, title: str, heading: str) -> None:
    """Switch page through the sidebar (the session, hence a facilitator's login, is kept)."""
    link = page.get_by_role("navigation").get_by_role("link", name=title, exact=True)
    act(page, link.click, page.get_by_role("heading", name=heading, level=1))


# --------------------------------------------------------------------------- screenshots


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def screenshot(page: Page, name: str) -> list[Path]:
    """Save what the screen shows, and the whole length of the page, under test-artifacts/screenshots.

    Streamlit scrolls inside `stMain`, not the document: the long shot makes the window as tall
    as that content for the time of the shot, then gives it back its size.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    viewport = page.viewport_size or DESKTOP
    size = f"{viewport['width']}x{viewport['height']}"
    screen = SCREENSHOTS / f"{_slug(name)}-{size}.png"
    page.screenshot(path=screen, animations="disabled", caret="initial")
    saved = [screen]
    content = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]'); "
        "return m ? m.scrollHeight : document.documentElement.scrollHeight; }"
    )
    if content > viewport["height"] + 8:
        page.set_viewport_size({"width": viewport["width"], "height": min(int(content), 12_000)})
        try:
            full = SCREENSHOTS / f"{_slug(name)}-{size}-entiere.png"
            page.screenshot(path=full, animations="disabled", caret="initial")
            saved.append(full)
        finally:
            page.set_viewport_size(viewport)
    return saved


# --------------------------------------------------------------------------- accessibility (axe-core)

# RGAA 4.1 rests on WCAG 2.1 level AA; axe's best practices are run too (they catch heading
# and landmark problems that WCAG rules leave to people).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING_IMPACTS = {"serious", "critical"}
# Every control and image has a name, whatever impact axe gives the miss: none may fail.
NAME_RULES = {
    "label",
    "button-name",
    "input-button-name",
    "select-name",
    "link-name",
    "image-alt",
    "svg-img-alt",
    "aria-input-field-name",
    "aria-toggle-field-name",
    "aria-command-name",
    "frame-title",
}


@dataclass(frozen=True)
class AxeExclusion:
    """One rule on one element that the app cannot change (Streamlit's own markup).

    `selector` is matched with `Element.matches()` against each node axe reports for `rule`:
    only that rule on those elements is set aside, every other rule still applies to them.
    """

    rule: str
    selector: str
    reason: str


@dataclass
class AxeReport:
    page: str
    violations: list[dict] = field(default_factory=list)
    excluded: list[dict] = field(default_factory=list)
    incomplete: list[dict] = field(default_factory=list)

    def blocking(self) -> list[dict]:
        return [v for v in self.violations if v.get("impact") in BLOCKING_IMPACTS or v["id"] in NAME_RULES]

    def describe(self, violations: list[dict] | None = None) -> str:
        lines = []
        for violation in self.violations if violations is None else violations:
            lines.append(f"[{violation['impact']}] {violation['id']} : {violation['help']}")
            lines.extend(
                f"    {' '.join(map(str, node['target']))}  {node['html'][:160]}"
                for node in violation["nodes"]
            )
        return "\n".join(lines)


# Streamlit's own markup that the app cannot change. Each entry names one axe rule and the
# elements it is set aside for; the rule still applies everywhere else. See docs/accessibilite.md.
STREAMLIT_EXCLUSIONS: tuple[AxeExclusion, ...] = (
    # st.navigation with sections: Streamlit puts each section's header and its <li> in a <div>
    # inside the <ul> (ul > div > header + li). Screen readers still read the links in order.
    AxeExclusion(
        "list",
        "[data-testid='stSidebarNavItems']",
        "Streamlit : en-tête de section de navigation dans un <div> au sein de la liste",
    ),
    AxeExclusion(
        "listitem",
        "[data-testid='stSidebarNavItems'] > div > li",
        "Streamlit : liens d'une section de navigation rangés dans un <div> au sein de la liste",
    ),
    # st.date_input draws the day, month and year as small spin buttons (react-aria): WCAG 2.2
    # target size (2.5.8), a criterion that RGAA 4.1 (WCAG 2.1) does not have yet.
    AxeExclusion(
        "target-size",
        "[data-testid='stDateInput'] [role='spinbutton']",
        "Streamlit : segments jour/mois/année du champ date (critère WCAG 2.2 hors RGAA 4.1)",
    ),
)


_AXE_RUN = """async ({tags, exclusions}) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations', 'incomplete']});
  const excluded = [];
  const violations = [];
  for (const violation of result.violations) {
    const kept = [];
    for (const node of violation.nodes) {
      const selector = node.target[node.target.length - 1];
      const element = typeof selector === 'string' ? document.querySelector(selector) : null;
      const rule = exclusions.find(e => e.rule === violation.id && element && element.matches(e.selector));
      (rule ? excluded : kept).push(rule ? {rule: violation.id, selector: rule.selector, target: node.target} : node);
    }
    if (kept.length) violations.push({id: violation.id, impact: violation.impact, help: violation.help,
      helpUrl: violation.helpUrl, nodes: kept.map(n => ({target: n.target, html: n.html, summary: n.failureSummary}))});
  }
  // What axe could not decide alone (text over an image, a gradient…): for a person to check.
  const incomplete = result.incomplete.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
    why: [...new Set(v.nodes.flatMap(n => [...n.any, ...n.all, ...n.none].map(c => c.message)))].slice(0, 5),
    examples: v.nodes.slice(0, 5).map(n => n.html.slice(0, 120))}));
  return {violations, excluded, incomplete};
}"""


def run_axe(page: Page, axe_source: str, name: str, exclusions: tuple[AxeExclusion, ...] = ()) -> AxeReport:
    """Inject axe-core into the page (once) and audit the page as it is now."""
    wait_idle(page)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    raw = page.evaluate(
        _AXE_RUN,
        {"tags": AXE_TAGS, "exclusions": [{"rule": e.rule, "selector": e.selector} for e in exclusions]},
    )
    return AxeReport(page=name, **raw)


def write_axe_summary(reports: list[AxeReport]) -> Path:
    """Every page's audit, for a person to read (test-artifacts/axe.json)."""
    path = PROJECT_ROOT / "test-artifacts" / "axe.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            [
                {
                    "page": r.page,
                    "violations": r.violations,
                    "excluded": r.excluded,
                    "incomplete": r.incomplete,
                }
                for r in reports
            ],
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    return path
