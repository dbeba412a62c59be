"""Security of the partner's side: tokens, workshops kept apart, shipped settings, text never markup.

- A participant token is 128 random bits (the only credential a phone has).
- A participant writes and votes in their own workshop, as themselves only: in the domain, in the
  database (composite keys), and through the real page with a forged or foreign `jeton` and
  forged widget ids.
- `.streamlit/config.toml` is hardened (XSRF, no error details, upload limit, no usage stats).
- Text typed by partners is shown as typed, never as HTML or Markdown: a corpus of injection
  strings written as items through the real server, then read from the element tree the server
  sends (st.text carries the raw text, Markdown only the escaped form) and, when Chromium is
  there, from the DOM a real browser builds.
"""

from __future__ import annotations

import base64
import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from streamlit.proto.WidgetStates_pb2 import WidgetState

from ctg_workshop.archive.load import import_archive
from ctg_workshop.day.contributions import add_item, delete_own_item, edit_own_item
from ctg_workshop.day.joining import is_valid_token, join_workshop, participant_by_token
from ctg_workshop.day.voting import add_dot, set_dots
from ctg_workshop.errors import NotFoundError
from ctg_workshop.identifiers import new_token, utc_now
from ctg_workshop.storage.db import make_engine, read_session, write_session
from ctg_workshop.storage.models import Item, Participant, Phase, Topic, Vote, Workshop
from ctg_workshop.text import clean_item_text
from measure import PROJECT_ROOT
from measure.harness.demo import DemoWorkshop, load_demo, set_phase
from measure.harness.streamlit_server import StreamlitServer, start_streamlit
from measure.loadtest import AppSession, RunStatus
from measure.loadtest.scenarios import NEW_ORGANISATION_LABEL, card_dots, error_texts, remaining_dots
from measure.loadtest.vote_cards import tap_vote, vote_card, vote_cards, vote_component
from measure.loadtest.widgets import component_data
from tests.support.partners import (
    join,
    options_for,
    own_organisation,
    participants_named,
    refresh,
    run,
    type_item,
)
from tests.test_safe import CORPUS
from ui.partner.screen import IDENTITY_FOOTER_LABEL
from ui.partner.text import one_line
from ui.safe import plain

OTHER_CODE = "AUTRE1"


# --- Tokens ---------------------------------------------------------------------------------------


def _bits(token: str) -> bytes:
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert len(raw) == 16 and base64.urlsafe_b64encode(raw).decode().rstrip("=") == token
    return raw


def test_participant_tokens_carry_128_random_bits(demo_engine: Engine) -> None:
    tokens = [new_token() for _ in range(2000)]
    assert len(set(tokens)) == len(tokens)
    assert all(len(token) == 22 and is_valid_token(token) for token in tokens)
    raws = [_bits(token) for token in tokens]
    # Each of the 128 bits is set in about half of the tokens (9 standard deviations of margin).
    for bit in range(128):
        ones = sum((raw[bit // 8] >> (bit % 8)) & 1 for raw in raws)
        assert 0.4 < ones / len(raws) < 0.6, bit
    with write_session(demo_engine) as session:
        given = join_workshop(session=session, code="ARMDEMO", organisation="Mairie")
        # A token that is not one of ours (too short, other characters) is never taken as is.
        chosen = join_workshop(session=session, code="ARMDEMO", organisation="CCAS", token="abc")
    _bits(given.token)
    _bits(chosen.token)


# --- Workshops and participants kept apart: domain and database -----------------------------------


@pytest.fixture
def two_workshops(engine: Engine, demo_archive: bytes) -> Engine:
    """ARMDEMO and AUTRE1 (the same topics and keys), both in collect, on SQLite and PostgreSQL."""
    with write_session(engine) as session:
        import_archive(session=session, data=demo_archive)
        import_archive(session=session, data=demo_archive, as_code=OTHER_CODE)
        session.execute(Workshop.__table__.update().values(phase=Phase.COLLECT.value))
    return engine


def test_a_participant_acts_only_in_their_workshop_and_as_themselves(two_workshops: Engine) -> None:
    engine = two_workshops
    with write_session(engine) as session:
        here = join_workshop(session=session, code="ARMDEMO", organisation="Ici")
        there = join_workshop(session=session, code=OTHER_CODE, organisation="Là-bas")
        mine = add_item(
            session=session,
            participant_id=here.participant_id,
            topic_key="avs",
            quadrant="strength",
            text="À moi",
        )
        theirs = add_item(
            session=session,
            participant_id=there.participant_id,
            topic_key="avs",
            quadrant="strength",
            text="À eux",
        )
    with read_session(engine) as session:
        # The same topic key names the participant's own workshop's topic, never the other's.
        assert session.get_one(Item, mine.id).workshop_id == here.workshop_id != there.workshop_id
        assert participant_by_token(session=session, token=here.token, code=OTHER_CODE) is None
        assert participant_by_token(session=session, token="A" * 22, code="ARMDEMO") is None
    for action in (
        lambda s: edit_own_item(
            session=s, participant_id=here.participant_id, item_id=theirs.id, text="Piraté"
        ),
        lambda s: delete_own_item(session=s, participant_id=here.participant_id, item_id=theirs.id),
    ):
        with write_session(engine) as session, pytest.raises(NotFoundError):
            action(session)
    with write_session(engine) as session:
        session.execute(Workshop.__table__.update().values(phase=Phase.VOTE.value))
    for action in (
        lambda s: add_dot(session=s, participant_id=here.participant_id, item_id=theirs.id),
        lambda s: set_dots(session=s, participant_id=here.participant_id, item_id=theirs.id, dots=1),
    ):
        with write_session(engine) as session, pytest.raises(NotFoundError):
            action(session)
    with write_session(engine) as session:
        # The other workshop's token does not make its holder a participant here.
        rejoined = join_workshop(session=session, code="ARMDEMO", organisation="Là-bas", token=there.token)
    assert rejoined.participant_id != there.participant_id and rejoined.token != there.token
    with read_session(engine) as session:
        assert session.get_one(Item, theirs.id).text == "À eux"
        assert session.scalar(select(func.count()).select_from(Vote).where(Vote.item_id == theirs.id)) == 0


def test_the_database_refuses_rows_that_cross_workshops(two_workshops: Engine) -> None:
    engine = two_workshops
    with write_session(engine) as session:
        here = join_workshop(session=session, code="ARMDEMO", organisation="Ici")
        session.execute(Workshop.__table__.update().values(phase=Phase.VOTE.value))
    with read_session(engine) as session:
        other = session.scalar(select(Workshop.id).where(Workshop.code == OTHER_CODE))
        foreign_item = session.scalar(
            select(Item.id).where(
                Item.workshop_id == other, Item.merged_into_id.is_(None), Item.hidden.is_(False)
            )
        )
        foreign_topic = session.scalar(select(Topic.id).where(Topic.workshop_id == other))
    rows = [
        Vote(workshop_id=here.workshop_id, participant_id=here.participant_id, item_id=foreign_item, dots=1),
        Vote(workshop_id=other, participant_id=here.participant_id, item_id=foreign_item, dots=1),
        Item(
            workshop_id=here.workshop_id,
            key="ifaux",
            topic_id=foreign_topic,
            quadrant="strength",
            text="Ailleurs",
            author_id=here.participant_id,
            created_at=utc_now(),
        ),
    ]
    for row in rows:
        with pytest.raises(IntegrityError), write_session(engine) as session:
            session.add(row)


# --- Shipped settings ------------------------------------------------------------------------------


def test_streamlit_settings_are_hardened() -> None:
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    server = config["server"]
    assert server["enableXsrfProtection"] is True
    assert server["enableCORS"] is True
    assert 1 <= server["maxUploadSize"] <= 10  # megabytes: imports are small CSV and JSON files
    assert server.get("runOnSave", False) is False
    assert "cookieSecret" not in server  # a secret comes from the environment, never from git
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "minimal"
    assert config["browser"]["gatherUsageStats"] is False


# --- Through the real page -------------------------------------------------------------------------


@pytest.fixture
def demo(sqlite_url: str, demo_archive: bytes) -> DemoWorkshop:
    """ARMDEMO in collect (with its projection token) and AUTRE1, on one SQLite file."""
    workshop = load_demo(sqlite_url, Phase.COLLECT)
    engine = make_engine(workshop.database_url)
    try:
        with write_session(engine) as session:
            import_archive(session=session, data=demo_archive, as_code=OTHER_CODE)
    finally:
        engine.dispose()
    return workshop


@pytest.fixture
def server(demo: DemoWorkshop) -> Iterator[StreamlitServer]:
    with start_streamlit(demo.database_url) as running:
        yield running


async def join_workshop_page(tab: AppSession, code: str, organisation: str, name: str = "") -> str:
    """Join `code` through the page with a typed organisation (and name); returns the token."""
    await tab.open("/participer", query=f"atelier={code}")
    await tab.set_value(tab.find_widget(label=NEW_ORGANISATION_LABEL, kind="text_input"), organisation)
    if name:
        await tab.set_value(tab.find_widget(label="Votre nom (facultatif)", kind="text_input"), name)
    await tab.click(tab.find_widget(label="Rejoindre l'atelier"))
    return parse_qs(tab.query_string)["jeton"][0]


def _other_topic_item(workshop: DemoWorkshop, item_id: int) -> int:
    """An item of the workshop open to dots, in another topic than the item `item_id`."""
    engine = make_engine(workshop.database_url)
    try:
        with read_session(engine) as session:
            topic_id = session.scalar(select(Item.topic_id).where(Item.id == item_id))
            return session.scalar(
                select(Item.id)
                .join(Workshop, Workshop.id == Item.workshop_id)
                .where(
                    Workshop.code == workshop.code,
                    Item.topic_id != topic_id,
                    Item.merged_into_id.is_(None),
                    Item.hidden.is_(False),
                )
                .limit(1)
            )
    finally:
        engine.dispose()


async def _forgeries(url: str, workshop: DemoWorkshop) -> dict[str, object]:
    options = options_for(workshop, "faux")
    seen: dict[str, object] = {}
    async with AppSession(url) as tab:
        # A token of the right shape that nobody holds.
        await tab.open("/participer", query=f"atelier={workshop.code}&jeton={new_token()}")
        seen["unknown_token"] = ([text for _kind, text in tab.alerts()], "jeton=" in tab.query_string)
        seen["unknown_token_join_form"] = bool(tab.find_widgets(label="Rejoindre l'atelier"))
    async with AppSession(url) as foreigner:
        # A partner of the other workshop opens this workshop's page with their own token.
        other = options_for(workshop, "ailleurs")
        token = await join_workshop_page(foreigner, OTHER_CODE, "Ailleurs")
        await foreigner.open("/participer", query=f"atelier={workshop.code}&jeton={token}")
        seen["foreign_token_join_form"] = bool(foreigner.find_widgets(label="Rejoindre l'atelier"))
        seen["foreign_token_refused"] = any("plus valable" in text for _k, text in foreigner.alerts())
        del other
    async with AppSession(url) as tab:
        await join(tab, options, 1)
        first, other = [card.item_id for card in vote_cards(tab)][:2]
        for _ in range(3):  # up to the cap: « Ajouter un point » is disabled on that card
            await tap_vote(tab, first, more=True)
        seen["more_disabled"] = not vote_card(tab, first).can_add
        seen["less_drawn_without_dots"] = vote_card(tab, other).can_remove
        # Forged taps on the cards' component: « Ajouter » on the capped card, « Retirer » on a
        # card without dots, an item the page never drew (another topic's, an unknown one),
        # values of the wrong shape; and buttons the page never drew (the former widget ids).
        component = vote_component(tab)
        elsewhere = _other_topic_item(workshop, first)
        forged_taps = [
            {"item": first, "action": "add"},
            {"item": other, "action": "remove"},
            {"item": elsewhere, "action": "add"},
            {"item": 10**9, "action": "add"},
            {"item": str(other), "action": "add"},
            {"item": True, "action": "add"},
            {"item": other, "action": "vote"},
            [other, "add"],
        ]
        forged = [
            WidgetState(id=f"$$ID-{'e' * 32}-less_{other}", trigger_value=True),
            WidgetState(id=f"$$ID-{'f' * 32}-more_{other}", trigger_value=True),
        ]
        refusals = []
        for value in forged_taps:
            result = await tab.tap_component(component, "tap", value, action="forged")
            assert result.status in (RunStatus.SUCCESS, RunStatus.FRAGMENT_SUCCESS)
            refusals.append(error_texts(tab))
        for state in forged:
            result = await tab.send_states([state])
            assert result.status in (RunStatus.SUCCESS, RunStatus.FRAGMENT_SUCCESS)
        seen["refusals"] = refusals
        seen["after_forgeries"] = (remaining_dots(tab), card_dots(tab, first), card_dots(tab, other))
        seen["forgery_messages"] = error_texts(tab)
        seen["exceptions"] = tab.exceptions()
    return seen


def test_forged_tokens_and_widget_ids_do_not_act_for_anyone(
    demo: DemoWorkshop, server: StreamlitServer
) -> None:
    set_phase(demo.database_url, demo.code, Phase.VOTE)
    seen = run(_forgeries(server.url, demo))
    alerts, token_kept = seen["unknown_token"]
    assert any("plus valable" in text for text in alerts) and not token_kept
    assert seen["unknown_token_join_form"]
    assert seen["foreign_token_join_form"] and seen["foreign_token_refused"]
    assert seen["more_disabled"] and not seen["less_drawn_without_dots"]
    assert seen["after_forgeries"] == (2, (3, 3), (0, 3))  # the three real dots, nothing more or less
    # Each forged tap is refused in words (the domain's own message, or the page's).
    assert all(seen["refusals"]), seen["refusals"]
    assert "3 points au plus" in seen["refusals"][0][0]
    assert "rien à retirer" in seen["refusals"][1][0]
    assert all("pas affichée dans ce sujet" in r[0] for r in seen["refusals"][2:4]), seen["refusals"]
    assert all("Geste non reconnu" in r[0] for r in seen["refusals"][4:]), seen["refusals"]
    assert not seen["exceptions"]
    assert participants_named(demo, "Ailleurs") == 0  # not a participant of this workshop
    engine = make_engine(demo.database_url)
    try:
        with read_session(engine) as session:
            organisation = own_organisation(options_for(demo, "faux"), 1)
            here = session.scalar(select(Participant.id).where(Participant.organisation == organisation))
            assert session.scalar(select(func.sum(Vote.dots)).where(Vote.participant_id == here)) == 3
            assert session.scalar(select(func.count()).where(Participant.organisation == "Ailleurs")) == 1
    finally:
        engine.dispose()


async def _my_data(url: str, workshop: DemoWorkshop) -> dict[str, object]:
    options = options_for(workshop, "rgpd")
    async with AppSession(url) as me, AppSession(url) as someone:
        await join(someone, options, 2)
        await type_item(someone, "threat", "Pas à moi")
        await join(me, options, 1)
        await type_item(me, "strength", "À moi")
        await me.set_value(me.find_widget(label=IDENTITY_FOOTER_LABEL, kind="expander"), True)
        button = me.find_widget(label="Télécharger mes données", kind="download_button")
        data = json.loads(await me.download(button))
    return data


def test_my_data_download_gives_my_data_only(demo: DemoWorkshop, server: StreamlitServer) -> None:
    data = run(_my_data(server.url, demo))
    assert data["participant"]["organisation"] == own_organisation(options_for(demo, "rgpd"), 1)
    assert [item["texte"] for item in data["contributions"]] == ["À moi"]
    assert data["votes"] == []


# --- Participant text is never markup ---------------------------------------------------------------

ORGANISATION = "<b>Asso</b> **grasse** [lien](https://exemple.fr)"
QUADRANTS = ["strength", "weakness", "opportunity", "threat"]
RAW_TAG = re.compile(r"(?<!\\)<")


def _markdown_bodies(tab: AppSession) -> list[str]:
    """Every Markdown the page sent (markdown, headings, alerts, captions), raw."""
    bodies = [e.markdown.body for e in tab.tree.of_kind("markdown")]
    bodies += [e.heading.body for e in tab.tree.of_kind("heading")]
    bodies += [e.alert.body for e in tab.tree.of_kind("alert")]
    return bodies


def _text_bodies(tab: AppSession) -> list[str]:
    return [e.text.body for e in tab.tree.of_kind("text")]


def _no_raw_markup(tab: AppSession) -> list[str]:
    """Markdown bodies holding a typed text unescaped, a raw tag or a link (none expected)."""
    bad = []
    for body in _markdown_bodies(tab):
        if RAW_TAG.search(body) or re.search(r"https?:|www\.|\]\(", body):
            bad.append(body)
        bad += [body for text in [*CORPUS, ORGANISATION] if text in body]
    return bad


def _card_texts(tab: AppSession) -> list[str]:
    """The vote cards' texts as the component's script shows them (textContent): the item, then
    its organisation on a line of its own."""
    component = vote_component(tab)
    if component is None:
        return []
    data = component_data(component)
    return [
        f"{card['text']}\n— {card['org']}" if card["org"] else card["text"]
        for section in data["sections"]
        for card in section["cards"]
    ]


async def _every_vote_card(tab: AppSession) -> tuple[list[str], list[str]]:
    """The texts of every vote card of the topic (each quadrant, page after page: each partner
    sees the choices in an order of their own), and any raw markup met on the way."""
    texts, bad = _card_texts(tab), _no_raw_markup(tab)
    views = next(w for w in tab.widgets() if (w.key or "").startswith("participer_vote_view_"))
    for option in views.options[1:-1]:  # the quadrants, between « Toutes les cases » and « Mes points »
        await tab.set_value(tab.find_widget(key=views.key), option)
        while True:
            texts, bad = texts + _card_texts(tab), bad + _no_raw_markup(tab)
            turn = [w for w in tab.find_widgets(key="page_next") if not w.disabled]
            if not turn:
                break
            await tab.click(turn[0])
    return texts, bad


async def _corpus_through_the_server(url: str, workshop: DemoWorkshop) -> dict[str, object]:
    options = options_for(workshop, "corpus")
    seen: dict[str, object] = {}
    async with AppSession(url) as author, AppSession(url) as reader, AppSession(url) as screen:
        await join_workshop_page(author, workshop.code, ORGANISATION, "[moi](https://x.fr)")
        for number, text in enumerate(CORPUS):
            result = await type_item(author, QUADRANTS[number % 4], text)
            assert result.ok and clean_item_text(text) in _text_bodies(author), text
        await join(reader, options, 1)
        await screen.open("/projection", query=f"vue={workshop.view_token}")
        topics = screen.find_widget(key="projection_topic")
        await screen.set_value(topics, next(o for o in topics.options if "Vie Sociale" in o))
        seen["author_texts"] = _text_bodies(author)
        seen["author_bad"] = _no_raw_markup(author)
        seen["reader_texts"] = "\n".join(_text_bodies(reader))
        seen["reader_bad"] = _no_raw_markup(reader)
        seen["projection_markdown"] = "\n".join(_markdown_bodies(screen))
        seen["projection_bad"] = [
            body
            for body in _markdown_bodies(screen)
            if RAW_TAG.search(body) or re.search(r"https?:|www\.", body)
        ]
        set_phase(workshop.database_url, workshop.code, Phase.VOTE)
        await refresh(reader)
        seen["vote_texts"], seen["vote_bad"] = await _every_vote_card(reader)
        set_phase(workshop.database_url, workshop.code, Phase.CLOSED)
        await refresh(reader)
        seen["closed_texts"] = "\n".join(_text_bodies(reader))
        seen["closed_bad"] = _no_raw_markup(reader)
        seen["reader_query"] = reader.query_string
        seen["author_query"] = author.query_string
    return seen


@pytest.fixture
def corpus_seen(demo: DemoWorkshop, server: StreamlitServer) -> dict[str, object]:
    return run(_corpus_through_the_server(server.url, demo), timeout=180)


def test_injection_strings_travel_as_text_never_as_markup(corpus_seen: dict[str, object]) -> None:
    seen = corpus_seen
    for text in map(clean_item_text, CORPUS):  # as stored: edge spaces trimmed
        assert text in seen["author_texts"]  # own items: one st.text each, exactly as typed
        # The others' list: st.text, an item's line breaks shown as « / » (see ui.partner.text.one_line).
        assert f"• {one_line(text)} — {ORGANISATION}" in seen["reader_texts"]
        assert f"{text}\n— {ORGANISATION}" in seen["vote_texts"]  # vote cards: the text, signed
        # Ranking: st.text, « N. » before the items that received points, none before the others.
        assert text in seen["closed_texts"]
        # The projection puts texts in Markdown: only ever escaped.
        assert plain(" ".join(text.split())) in seen["projection_markdown"], text
    assert f"Vous participez au nom de : {ORGANISATION} ([moi](https://x.fr))" in seen["author_texts"]
    assert plain(ORGANISATION) in seen["projection_markdown"]
    for key in ("author_bad", "reader_bad", "vote_bad", "closed_bad", "projection_bad"):
        assert seen[key] == [], key


@pytest.mark.browser
def test_chromium_builds_no_tag_no_link_no_script_from_partner_text(
    demo: DemoWorkshop, server: StreamlitServer, corpus_seen: dict[str, object]
) -> None:
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip(f"Chromium absent ({chromium}) : installez le paquet Debian chromium.")
    from playwright.sync_api import sync_playwright

    set_phase(demo.database_url, demo.code, Phase.COLLECT)
    dialogs: list[str] = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=str(chromium),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            page = browser.new_page(locale="fr-FR")
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            found = {}
            for name, path in (
                ("partenaire", f"/participer?{corpus_seen['reader_query']}"),
                ("projection", f"/projection?vue={demo.view_token}"),
            ):
                page.goto(f"{server.url}{path}")
                if name == "projection":  # show the topic the corpus was written in
                    page.get_by_role("radio", name="Animation de la Vie Sociale").first.click()
                # Wait for the corpus to be in the page (one of its texts), then read the DOM.
                corpus = page.get_by_text("javascript:alert(1)", exact=False).first
                corpus.wait_for(state="attached", timeout=30_000)
                found[name] = page.evaluate(
                    """() => ({
                        images: [...document.querySelectorAll('img')].map(i => i.getAttribute('src'))
                            .filter(src => src === 'x' || (src || '').includes('y.png')),
                        links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))
                            .filter(h => /exemple\\.fr|x\\.fr|^javascript:/i.test(h)),
                        scripts: [...document.querySelectorAll('script')]
                            .filter(s => (s.textContent || '').includes('alert(1)')).length,
                        bold: [...document.querySelectorAll('b, strong')].map(b => b.textContent)
                            .filter(t => /^(gras|Asso|grasse)$/.test(t)),
                        headings: [...document.querySelectorAll('h1, h2, h3')].map(h => h.textContent)
                            .filter(t => /^(Titre|Sous-titre)$/.test(t.trim())),
                        shown: document.body.textContent.includes('<img src=x onerror=alert(1)>'),
                    })"""
                )
        finally:
            browser.close()
    for name, dom in found.items():
        assert dom["images"] == [] and dom["links"] == [] and dom["scripts"] == 0, (name, dom)
        assert dom["bold"] == [] and dom["headings"] == [], (name, dom)
        assert dom["shown"], f"{name}: the typed tag is shown as text"
    assert dialogs == []
