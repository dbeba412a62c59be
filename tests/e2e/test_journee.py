"""The whole day in a real browser, as the people in the room live it.

One server, one fresh database, several browser profiles (one per person and device):
the facilitator creates the workshop from the template, three partners join by the link (one
on a 360×740 phone) and write, one reloads half-way, the facilitator merges two duplicates and
opens the vote, the partners spend their dots (one tries to overspend), the projection follows
live then shows the ranking, and the coordinator drafts a fiche action and downloads the
convention, reopened here with python-docx.

The steps run in order and share the day (`Day`); a failed step skips the ones after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from ctg_workshop.documents.typography import french_typography
from ctg_workshop.storage.models import Phase
from ctg_workshop.wording import PHASE_LABELS
from measure.harness.streamlit_server import StreamlitServer, start_streamlit
from tests.e2e.browser import (
    DESKTOP,
    LIVE_TIMEOUT_MS,
    PHONE,
    PROJECTOR,
    STREAMLIT_EXCLUSIONS,
    AxeReport,
    act,
    click,
    navigate,
    new_context,
    open_page,
    run_axe,
    screenshot,
    wait_idle,
)

pytestmark = pytest.mark.browser
STEPS_IN_ORDER = True  # tests/e2e/conftest.py notes a failed step; the next ones skip

ADMIN_PASSWORD = "mot-de-passe-admin-e2e"
PASSPHRASE = "phrase-animation-e2e"
TOPIC = "Animation de la Vie Sociale"
TOPIC_KEY = "avs"


@dataclass(frozen=True, eq=False)  # one partner is one person: compared by identity
class Partner:
    organisation: str
    name: str
    viewport: dict[str, int]
    phone: bool = False

    @property
    def who(self) -> str:
        return self.organisation + (f" ({self.name})" if self.name else "")


PHONE_PARTNER = Partner("Centre social Nord", "Camille Testeuse", PHONE, phone=True)
LIBRARY = Partner("Médiathèque municipale", "Dominique Exemple", {"width": 412, "height": 915}, phone=True)
NURSERY = Partner("Relais petite enfance", "", DESKTOP)
PARTNERS = (PHONE_PARTNER, LIBRARY, NURSERY)
PERSON_NAMES = ("Camille Testeuse", "Dominique Exemple")

# Two near-identical strengths (the duplicate the facilitator merges), and items in every quadrant.
DUPLICATE_KEPT = "Un tissu associatif dense et engagé"
DUPLICATE_MERGED = "Un tissu associatif très dense et engagé"
ITEMS = {
    PHONE_PARTNER: [
        ("Forces", DUPLICATE_KEPT),
        ("Faiblesses", "Manque de places en crèche le mercredi"),
        # written after the reload
        ("Opportunités", "Le futur pôle petite enfance du quartier gare"),
    ],
    LIBRARY: [
        ("Forces", DUPLICATE_MERGED),
        ("Menaces", "Baisse annoncée des subventions de fonctionnement"),
    ],
    NURSERY: [
        ("Faiblesses", "Peu de transports en soirée vers les équipements"),
        ("Opportunités", "Des habitants prêts à s'engager comme bénévoles"),
    ],
}
ADD_BUTTONS = {
    "Forces": "Ajouter cette force",
    "Faiblesses": "Ajouter cette faiblesse",
    "Opportunités": "Ajouter cette opportunité",
    "Menaces": "Ajouter cette menace",
}
NEW_LABELS = {
    "Forces": "Nouvelle force",
    "Faiblesses": "Nouvelle faiblesse",
    "Opportunités": "Nouvelle opportunité",
    "Menaces": "Nouvelle menace",
}
ITEM_COUNT = sum(len(items) for items in ITEMS.values())


@dataclass
class Day:
    server: StreamlitServer
    browser: Browser
    tmp: Path
    contexts: list[BrowserContext] = field(default_factory=list)
    facilitator: Page | None = None
    projection: Page | None = None
    partners: dict[Partner, Page] = field(default_factory=dict)
    code: str = ""
    partner_link: str = ""
    projection_link: str = ""
    axe: str | None = None
    reports: list[AxeReport] = field(default_factory=list)

    def audit(self, page: Page, name: str) -> None:
        """An axe-core audit of a state only the story reaches (a message, a confirmation)."""
        if self.axe is None:
            return
        report = run_axe(page, self.axe, f"journée : {name}", STREAMLIT_EXCLUSIONS)
        self.reports.append(report)
        assert not report.blocking(), f"{name} :\n{report.describe(report.blocking())}"

    def open_pages(self) -> list[Page]:
        return [page for context in self.contexts for page in context.pages]

    def page(self, viewport: dict[str, int], *, phone: bool = False) -> Page:
        context = new_context(self.browser, viewport, phone=phone)
        self.contexts.append(context)
        return context.new_page()


@pytest.fixture(scope="module")
def day(
    browser: Browser,
    tmp_path_factory: pytest.TempPathFactory,
    optional_axe_source: str | None,
    axe_reports: list[AxeReport],
) -> Iterator[Day]:
    tmp = tmp_path_factory.mktemp("journee")
    database = f"sqlite:///{tmp / 'ctg.sqlite3'}"
    with start_streamlit(database, env={"CTG_ADMIN_PASSWORD": ADMIN_PASSWORD}) as server:
        state = Day(server=server, browser=browser, tmp=tmp, axe=optional_axe_source, reports=axe_reports)
        yield state
        for context in state.contexts:
            context.close()


@pytest.fixture(autouse=True)
def _in_order(request: pytest.FixtureRequest, day: Day) -> Iterator[None]:
    """Skip when a previous step failed; when this one fails, keep what every screen showed."""
    failed = getattr(request.module, "_failed_step", None)
    if failed:
        pytest.skip(f"l'étape précédente a échoué ({failed}) : la journée ne peut pas continuer")
    yield
    if getattr(request.module, "_failed_step", None) == request.node.name:
        for page in day.open_pages():
            screenshot(page, f"echec-{request.node.name}-{page.url.rsplit('/', 1)[-1][:40]}")


def metric(page: Page, label: str) -> Locator:
    """The value of an `st.metric` by its label."""
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def card(page: Page, text: str) -> Locator:
    """A vote card: an <article> of the topic's cards component (in its shadow root, which
    Playwright's locators pierce), found by its item's text, then its organisation."""
    item = page.locator("p.text").filter(has_text=re.compile(rf"^{re.escape(text)}(\s+— .*)?$", re.S))
    return page.locator("article.card").filter(has=item)


def quadrant(page: Page, title: str) -> Locator:
    """The bordered block of one SWOT quadrant on the partner's page."""
    return (
        page.get_by_test_id("stVerticalBlock")
        .filter(has=page.get_by_role("heading", name=title, exact=True))
        .filter(has=page.get_by_role("textbox"))
        .last
    )


def shown_text(scope: Page | Locator, text: str) -> Locator:
    """A partner's text shown as text (`st.text`), not the same words still in a field."""
    return scope.get_by_test_id("stText").filter(has_text=re.compile(f"^{re.escape(text)}$"))


def write_item(page: Page, section: str, text: str) -> None:
    block = quadrant(page, section)
    block.get_by_role("textbox", name=NEW_LABELS[section]).fill(text)
    click(page, block.get_by_role("button", name=ADD_BUTTONS[section]), shows=shown_text(block, text))
    expect(block.get_by_text("Contribution ajoutée.")).to_be_visible()
    expect(block.get_by_role("textbox", name=NEW_LABELS[section])).to_have_value("")


def change_phase(page: Page, button: str, phase: Phase) -> None:
    """On Animer: ask for a phase, confirm it, see it open."""
    label = PHASE_LABELS[phase]
    confirm = page.get_by_role("button", name=f"Confirmer : passer à « {label} »")
    click(page, page.get_by_role("button", name=re.compile(rf"^\d\. {button}$")), shows=confirm)
    click(page, confirm, shows=page.get_by_text(f"Phase « {label} » ouverte."))


def add_dot(page: Page, text: str, *, shows: str) -> None:
    """Tap « Ajouter un point » on an item's card; `shows` is what the card says next."""
    target = card(page, text)
    click(
        page,
        target.get_by_role("button", name="Ajouter un point"),
        shows=target.get_by_text(re.compile(shows)),
    )


# --------------------------------------------------------------------------- the day


def test_01_facilitator_creates_the_workshop_from_the_template(day: Day) -> None:
    page = day.facilitator = day.page(DESKTOP)
    open_page(
        page, f"{day.server.url}/preparer", shows=page.get_by_role("heading", name="Préparer un atelier")
    )
    page.get_by_text("Créer un atelier (administrateur)").click()
    page.get_by_label("Mot de passe administrateur").fill(ADMIN_PASSWORD)
    template = page.get_by_role("radio", name=re.compile("^Modèle Armentières"))
    click(page, "Valider", shows=template)
    expect(template).to_be_checked()
    page.get_by_label("Phrase secrète d'animation (8 caractères au moins)").fill(PASSPHRASE)
    page.get_by_label("La même, une seconde fois").fill(PASSPHRASE)
    created = page.get_by_text(re.compile(r"Atelier créé\. Son code est \w+"))
    click(page, "Créer l'atelier", shows=created)
    day.code = re.search(r"Son code est (\w+)", created.inner_text()).group(1)
    expect(page.get_by_role("tab", name="Sujets d'étude")).to_be_visible()
    screenshot(page, "journee-01-preparer-atelier-cree")

    navigate(page, "Animer", heading=f"Animer l'atelier {day.code}")
    links = page.get_by_test_id("stSidebar").locator("code")
    day.partner_link = links.filter(has_text="/participer?atelier=").inner_text().strip()
    day.projection_link = links.filter(has_text="/projection?vue=").inner_text().strip()
    assert day.partner_link == f"{day.server.url}/participer?atelier={day.code}"
    assert day.projection_link.startswith(f"{day.server.url}/projection?vue=")


def test_02_the_projection_shows_how_to_join(day: Day) -> None:
    page = day.projection = day.page(PROJECTOR)
    code = page.get_by_test_id("stMarkdownContainer").filter(has_text=re.compile(f"^{day.code}$"))
    open_page(page, day.projection_link, shows=code)
    expect(page.get_by_role("img").first).to_be_visible()  # the QR code
    expect(metric(page, "Participants")).to_have_text("0")
    # The facilitator shows the topic of the morning rather than the rotation.
    matrix = page.get_by_role("heading", name=TOPIC, exact=True)
    act(page, page.get_by_role("radio", name=TOPIC, exact=True).click, matrix)
    expect(page.get_by_role("heading", name="Forces (0)")).to_be_visible()
    screenshot(page, "journee-02-projection-recueil-vide")


def test_03_three_partners_join_by_the_link_and_write(day: Day) -> None:
    for partner in PARTNERS:
        page = day.partners[partner] = day.page(partner.viewport, phone=partner.phone)
        open_page(page, day.partner_link, shows=page.get_by_role("heading", name="Rejoindre l'atelier"))
        # One field: the browser suggests the organisations already there; each partner types.
        page.get_by_label("Votre organisation", exact=True).fill(partner.organisation)
        if partner.name:
            page.get_by_label("Votre nom (facultatif)").fill(partner.name)
        # A text input sends its value on blur: commit it before the click, or a loaded
        # server may handle the click first and see an empty organisation.
        page.keyboard.press("Tab")
        wait_idle(page)
        click(
            page, "Rejoindre l'atelier", shows=page.get_by_text(f"Vous participez au nom de : {partner.who}")
        )
        assert "jeton=" in page.url
        # Everyone writes the first items; the phone partner keeps one for after the reload.
        items = ITEMS[partner][:-1] if partner is PHONE_PARTNER else ITEMS[partner]
        for section, text in items:
            write_item(page, section, text)
    screenshot(day.partners[PHONE_PARTNER], "journee-03-participer-recueil")
    day.audit(day.partners[PHONE_PARTNER], "contribution ajoutée (téléphone)")


def test_04_a_partner_reloads_half_way_and_keeps_identity_and_items(day: Day) -> None:
    page = day.partners[PHONE_PARTNER]
    url_before = page.url
    page.reload()
    expect(page.get_by_text(f"Vous participez au nom de : {PHONE_PARTNER.who}")).to_be_visible()
    wait_idle(page)
    # The browser sent the identity cookie back: the token has left the address bar (sharing
    # the address no longer hands over one's identity), the rest of the address is the same.
    assert "jeton=" in url_before and "jeton=" not in page.url
    assert page.url == re.sub(r"&jeton=[^&]*", "", url_before)
    for section, text in ITEMS[PHONE_PARTNER][:-1]:
        expect(shown_text(quadrant(page, section), text)).to_be_visible()
    expect(page.get_by_role("heading", name="Rejoindre l'atelier")).to_have_count(0)
    section, text = ITEMS[PHONE_PARTNER][-1]
    write_item(page, section, text)
    # The others' items are there too, under « Contributions des autres partenaires ».
    others = quadrant(page, "Forces").get_by_text(re.compile(r"Contributions des autres partenaires \(1\)"))
    expect(others).to_be_visible()


def test_05_the_projection_follows_live(day: Day) -> None:
    page = day.projection
    expect(metric(page, "Participants")).to_have_text("3", timeout=LIVE_TIMEOUT_MS)
    expect(metric(page, "Contributions")).to_have_text(str(ITEM_COUNT), timeout=LIVE_TIMEOUT_MS)
    # The topic's SWOT shows the partners' words as they come.
    expect(page.get_by_role("heading", name="Forces (2)")).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(page.get_by_role("listitem").filter(has_text=ITEMS[NURSERY][1][1])).to_be_visible()
    screenshot(page, "journee-05-projection-recueil")


def test_06_facilitator_merges_two_duplicates_and_opens_the_vote(day: Day) -> None:
    page = day.facilitator
    change_phase(page, "Regroupement", Phase.GROUP)
    act(
        page,
        page.get_by_role("radio", name="Doublons (regrouper)").click,
        page.get_by_text("Doublons probables"),
    )
    suggestion = (
        page.get_by_test_id("stVerticalBlock")
        .filter(has_text=DUPLICATE_MERGED)
        .filter(has=page.get_by_role("button", name="Regrouper", exact=True))
        .last
    )
    expect(suggestion).to_contain_text(DUPLICATE_KEPT)
    screenshot(page, "journee-06-animer-doublons")
    day.audit(page, "doublons probables")
    click(
        page,
        suggestion.get_by_role("button", name="Regrouper", exact=True),
        shows=page.get_by_text("Contributions regroupées."),
    )
    expect(page.get_by_role("heading", name="Groupes (1)")).to_be_visible()
    change_phase(page, "Vote", Phase.VOTE)


def test_07_partners_spend_their_dots_and_overspending_is_refused(day: Day) -> None:
    for partner, page in day.partners.items():
        click(page, "Actualiser", shows=page.get_by_text(re.compile("^Le vote est ouvert")))
        expect(page.get_by_text("5 points restants sur 5", exact=True)).to_be_visible()
        # The merged duplicate is no longer votable on its own: it shows inside its group.
        expect(card(page, DUPLICATE_KEPT)).to_contain_text(DUPLICATE_MERGED)
        if partner is not PHONE_PARTNER:
            add_dot(page, DUPLICATE_KEPT, shows="^Vos points ici : 1 sur 3")

    page = day.partners[PHONE_PARTNER]
    crèche = ITEMS[PHONE_PARTNER][1][1]
    for spent in (1, 2, 3):
        add_dot(page, DUPLICATE_KEPT, shows=f"^Vos points ici : {spent} sur 3")
    for spent in (1, 2):
        add_dot(page, crèche, shows=f"^Vos points ici : {spent} sur 3")
    expect(page.get_by_text("0 point restant sur 5", exact=True)).to_be_visible()
    # No sixth dot: every card's « Ajouter un point » is disabled, the reason written under it.
    transport = ITEMS[NURSERY][0][1]
    expect(card(page, transport).get_by_role("button", name="Ajouter un point")).to_be_disabled()
    expect(card(page, transport)).to_contain_text("Plus de point à placer dans ce sujet")
    expect(card(page, DUPLICATE_KEPT)).to_contain_text("Plafond atteint")
    expect(card(page, transport)).to_contain_text("Vos points ici : 0 sur 3")
    expect(page.get_by_text("0 point restant sur 5", exact=True)).to_be_visible()
    screenshot(page, "journee-07-participer-vote-plus-de-point")
    day.audit(page, "vote refusé (téléphone)")

    projection = day.projection
    expect(metric(projection, "Ont déjà voté")).to_have_text("3", timeout=LIVE_TIMEOUT_MS)
    expect(projection.get_by_text("Placez vos points sur votre téléphone")).to_be_visible()
    screenshot(projection, "journee-07-projection-vote")


def test_08_closing_shows_the_ranking(day: Day) -> None:
    change_phase(day.facilitator, "Clôture", Phase.CLOSED)
    page = day.projection
    # The projection follows the phase by itself: the chosen topic's ranking, then the overview.
    chart = page.get_by_test_id("stVegaLiteChart").filter(has_text="points reçus")
    expect(chart).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    wait_idle(page)
    expect(chart.locator("canvas, svg").first).to_be_visible()
    screenshot(page, "journee-08-projection-classement")
    overview = page.get_by_role("radio", name="Vue d'ensemble")
    act(page, overview.click, page.get_by_text("Les trois priorités de chaque sujet"))
    # Rank 1 of the topic: the merged group, with the dots of the three partners.
    expect(page.get_by_role("listitem").first).to_have_text(f"1. {DUPLICATE_KEPT} — 5 points")
    screenshot(page, "journee-08-projection-vue-d-ensemble")

    partner = day.partners[NURSERY]
    click(partner, "Actualiser", shows=partner.get_by_text(re.compile("^L'atelier est clos")))
    expect(partner.get_by_text(f"1. {DUPLICATE_KEPT}", exact=True)).to_be_visible()
    expect(partner.get_by_text("Forces · 5 points · 3 votants")).to_be_visible()


def test_09_coordinator_drafts_a_fiche_and_downloads_the_convention(day: Day) -> None:
    page = day.facilitator
    navigate(page, "Rédiger", heading="Rédiger la convention")
    expect(page.get_by_role("combobox", name="Sujet d'étude")).to_have_value(TOPIC)
    title = page.get_by_role("textbox", name="Titre action")
    click(page, "Rédiger un premier jet à partir des résultats", shows=title)
    lead = page.get_by_role("textbox", name="Responsable de l'action")
    lead.fill("Direction de la cohésion sociale")
    act(page, lambda: lead.press("Tab"), page.get_by_test_id("stToast").filter(has_text="Enregistré."))
    sheet_title = title.input_value()
    assert sheet_title
    screenshot(page, "journee-09-rediger-fiche")

    page.get_by_role("tab", name="Documents et données").click()
    button = page.get_by_role("button", name="Télécharger le projet de convention (.docx)")
    expect(button).to_be_visible()
    with page.expect_download() as download:
        button.click()
    path = day.tmp / "convention.docx"
    download.value.save_as(path)
    assert download.value.suggested_filename == f"convention-ctg-{day.code.lower()}.docx"
    check_convention(path, sheet_title=sheet_title)


def check_convention(path: Path, *, sheet_title: str) -> None:
    document = Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for expected in (
        "La Convention Territoriale Globale",
        "Les sujets d'étude",
        TOPIC,
        "Axes de développement de la CTG - Armentières",
        f"Fiche action n°1 : {sheet_title}",
        "Annexes",
    ):
        expected = french_typography(expected)  # the documents' no-break spaces
        assert expected in headings, f"titre « {expected} » absent : {headings}"

    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    fiche = next(t for t in document.tables if t.rows[0].cells[0].text.startswith("Fiche action n°1"))
    fiche_text = "\n".join(cell.text for row in fiche.rows for cell in row.cells)
    assert sheet_title in fiche_text
    assert "Objectifs opérationnels" in fiche_text
    assert "Direction de la cohésion sociale" in fiche_text

    everything = "\n".join(
        [p.text for p in document.paragraphs]
        + cells
        + [p.text for section in document.sections for p in section.header.paragraphs]
        + [p.text for section in document.sections for p in section.footer.paragraphs]
    )
    assert DUPLICATE_KEPT in everything  # the partners' words are in the convention…
    assert "Médiathèque municipale" in everything  # …with their organisations…
    for name in PERSON_NAMES:  # …never their names.
        assert name not in everything
