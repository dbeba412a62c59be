"""Participer, as a partner lives it: join with the code, write, come back, vote, read the results."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update
from streamlit.testing.v1 import AppTest

from ctg_workshop.storage.db import open_database, read_session, write_session
from ctg_workshop.storage.models import Item, ItemRevision, Participant, Phase, Topic, Workshop
from tests.support import vote_cards
from tests.support.app import APP_PATH
from tests.support.pages import open_expander
from tests.support.pages import shown as read_as_shown
from ui.partner.screen import IDENTITY_FOOTER, IDENTITY_FOOTER_LABEL
from ui.partner.text import one_line
from ui.safe import plain

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "participer.py")
CODE = "ARMDEMO"

AWKWARD_TEXTS = [
    "<img src=x onerror=alert(1)>",
    "**gras**",
    "[lien](https://exemple.fr)",
    "![img](https://x/y.png)",
    "# Titre",
    ":red[rouge]",
    "$x^2$",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "https://exemple.fr www.exemple.fr contact@exemple.fr",
    "Première ligne\nseconde ligne",
]
ORGANISATION = "<b>Asso</b> **grasse**"
# A typed text reaching Markdown unescaped: found without the backslash that escapes its first character.
UNESCAPED = [re.compile(r"(?<!\\)" + re.escape(text)) for text in [*AWKWARD_TEXTS, ORGANISATION]]
RAW_TAG = re.compile(r"(?<!\\)<")
AUTOLINK = re.compile(r"https?:|www\.|@\w")


@pytest.fixture
def db(app_demo_database: str) -> Iterator[Engine]:
    """The app's database (demo workshop ARMDEMO), opened for the test's own checks."""
    engine = open_database(app_demo_database)
    yield engine
    engine.dispose()


def set_phase(engine: Engine, phase: Phase) -> None:
    with write_session(engine) as session:
        session.execute(update(Workshop).values(phase=phase.value))


def participants(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(Participant))


def page(**query: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params.update(query)
    return run(at)


def run(target) -> AppTest:
    """Run the page (an AppTest, or a widget just set or clicked); no uncaught exception."""
    at = target.run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, label: str, index: int = 0):
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button « {label} » in {[b.label for b in at.button]}"
    return matches[index]


def texts(at: AppTest) -> str:
    """Everything the page wrote: Markdown and plain text elements."""
    return "\n".join(e.value for e in [*at.markdown, *at.text])


ORGANISATION_FIELD = "participer_join_typed"


def type_organisation(at: AppTest, name: str) -> None:
    """Type a known or a new organisation in the one organisation field."""
    at.text_input(key=ORGANISATION_FIELD).input(name)


def joined(organisation: str = "Maison des familles", name: str = "") -> AppTest:
    at = page(atelier=CODE)
    type_organisation(at, organisation)
    at.text_input(key="participer_join_name").input(name)
    return run(button(at, "Rejoindre l'atelier").click())


# --- Joining ------------------------------------------------------------------------------------


def test_join_by_typed_code_then_write_an_item(db):
    set_phase(db, Phase.COLLECT)
    at = page()
    at.text_input[0].input("  arm demo ")
    run(button(at, "Continuer").click())
    assert at.query_params["atelier"] == CODE
    assert "Vos données" in texts(at)
    type_organisation(at, "Maison des familles")
    run(button(at, "Rejoindre l'atelier").click())
    token = at.query_params["jeton"]
    assert len(token) == 22
    assert "Vous participez au nom de : Maison des familles" in texts(at)

    at.text_area(key="new_avs_strength").input("Un lieu ressource pour les parents")
    run(button(at, "Ajouter cette force").click())
    assert plain("Contribution ajoutée.") in [s.value for s in at.success]
    assert at.text_area(key="new_avs_strength").value == ""
    assert "Un lieu ressource pour les parents" in texts(at)


def test_reload_keeps_the_same_participant_and_items(db):
    set_phase(db, Phase.COLLECT)
    at = joined(name="Zoé")
    at.text_area(key="new_avs_threat").input("La fermeture d'une structure")
    run(button(at, "Ajouter cette menace").click())
    count = participants(db)
    query = dict(at.query_params)

    again = page(**query)
    assert "Vous participez au nom de : Maison des familles (Zoé)" in texts(again)
    assert "La fermeture d'une structure" in texts(again)
    assert participants(db) == count

    # Typing the code again (the QR code has no token) in the same session finds them back.
    same_session = run(at)
    same_session.query_params.pop("jeton")
    run(same_session)
    assert same_session.query_params["jeton"] == query["jeton"]
    assert participants(db) == count


def test_known_organisation_picked_from_the_list(db):
    at = page(atelier="armdemo")
    type_organisation(at, "CAF du Nord")
    run(button(at, "Rejoindre l'atelier").click())
    assert "Vous participez au nom de : CAF du Nord" in texts(at)


def test_join_without_organisation_is_explained_and_keeps_the_name(db):
    at = page(atelier=CODE)
    at.text_input(key="participer_join_name").input("Camille")
    run(button(at, "Rejoindre l'atelier").click())
    assert "choisissez\\-la dans la liste" in at.error[0].value
    assert at.text_input(key="participer_join_name").value == "Camille"
    assert "jeton" not in at.query_params


def test_unknown_code_and_stale_link(db):
    at = page(atelier="nope42")
    assert "Aucun atelier ne porte le code « NOPE42 »" in at.error[0].value.replace("\\", "")
    assert_no_markup(page(atelier="www.exemple.fr"))
    stale = page(atelier=CODE, jeton="A" * 22)
    assert "n'est plus valable" in stale.warning[0].value
    assert "jeton" not in stale.query_params
    assert button(stale, "Rejoindre l'atelier")


def test_the_page_is_reachable_from_the_app(db):
    at = AppTest.from_file(APP_PATH, default_timeout=30)
    run(at)
    at.switch_page("pages/participer.py")
    at.query_params["atelier"] = CODE
    run(at)
    assert button(at, "Rejoindre l'atelier")


def test_the_personal_link_and_data_are_drawn_only_once_the_footer_is_opened(db):
    at = joined()
    labels = [e.label for e in at.expander]
    assert IDENTITY_FOOTER_LABEL in labels
    assert not [b for b in at.button if b.label.startswith("Ce n'est pas moi")]
    assert not [c for c in at.code if "jeton=" in c.value]
    open_expander(at, IDENTITY_FOOTER)
    assert button(at, "Ce n'est pas moi : quitter l'atelier sur cet appareil")
    assert [m for m in at.markdown if "Ce qui est enregistré" in m.value]
    run(button(at, "Actualiser").click())  # it stays open from one run to the next
    assert button(at, "Ce n'est pas moi : quitter l'atelier sur cet appareil")


def test_the_topic_in_brief_is_open_while_collecting_and_closed_for_the_vote(db):
    set_phase(db, Phase.COLLECT)
    at = joined()
    assert [m for m in at.markdown if m.value.startswith("Objectifs")]
    set_phase(db, Phase.VOTE)
    run(button(at, "Actualiser").click())
    assert "Le sujet en bref" in [e.label for e in at.expander]
    assert not [m for m in at.markdown if m.value.startswith("Objectifs")]


def cookie_scripts(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html") if "document.cookie" in h.proto.body]


def test_the_identity_cookie_is_written_once_a_session_and_expired_on_forget(db):
    """The browser reports its cookies when the page loads only: the page writes the cookie in
    its first run, not again at every run of the session; « Ce n'est pas moi » expires it."""
    at = joined()
    written = cookie_scripts(at)
    assert len(written) == 1 and "max-age=15552000" in written[0]
    assert cookie_scripts(run(button(at, "Actualiser").click())) == []
    open_expander(at, IDENTITY_FOOTER)
    run(button(at, "Ce n'est pas moi : quitter l'atelier sur cet appareil").click())
    expired = cookie_scripts(at)
    assert len(expired) == 1 and "max-age=0" in expired[0]


def test_forget_on_this_device(db):
    at = open_expander(joined(), IDENTITY_FOOTER)
    run(button(at, "Ce n'est pas moi : quitter l'atelier sur cet appareil").click())
    assert "jeton" not in at.query_params
    assert button(at, "Rejoindre l'atelier")


# --- Writing ------------------------------------------------------------------------------------


def test_too_long_or_empty_text_is_refused_and_stays_in_the_field(db):
    set_phase(db, Phase.COLLECT)
    at = joined()
    at.text_area(key="new_avs_weakness").input("   ")
    run(button(at, "Ajouter cette faiblesse").click())
    assert at.error[0].value == plain("Texte de la contribution : le texte est vide.")
    long_text = "Trop long\n" * 50 + "x"
    at.text_area(key="new_avs_weakness").input(long_text)
    run(button(at, "Ajouter cette faiblesse").click())
    assert "501 caractères, 500 au plus" in at.error[0].value.replace("\\", "")
    assert at.text_area(key="new_avs_weakness").value == long_text


def test_edit_then_delete_own_item(db):
    set_phase(db, Phase.COLLECT)
    at = joined()
    run(at.selectbox(key="participer_topic").select("enfant"))
    assert at.query_params["sujet"] == "enfant"
    assert page(**dict(at.query_params)).selectbox(key="participer_topic").value == "enfant"
    at.text_area(key="new_enfant_opportunity").input("Premier jet")
    run(button(at, "Ajouter cette opportunité").click())
    run(button(at, "Modifier").click())
    at.text_area(key=next(t.key for t in at.text_area if t.key.startswith("edit_text_"))).input(
        "Version corrigée"
    )
    run(button(at, "Enregistrer").click())
    assert plain("Correction enregistrée.") in [s.value for s in at.success]
    assert "Version corrigée" in texts(at)
    with read_session(db) as session:
        revision = session.scalar(select(ItemRevision))
        assert (revision.previous_text, revision.changed_by) == ("Premier jet", "participant")
    run(button(at, "Supprimer").click())
    run(button(at, "Oui, supprimer").click())
    assert plain("Contribution supprimée.") in [s.value for s in at.success]
    assert "Version corrigée" not in texts(at)


def test_phase_change_while_typing_keeps_the_text(db):
    set_phase(db, Phase.COLLECT)
    at = joined()
    at.text_area(key="new_avs_strength").input("Écrit juste avant la fin")
    set_phase(db, Phase.GROUP)
    run(button(at, "Ajouter cette force").click())
    assert "Le recueil des contributions est terminé" in at.error[0].value
    assert [c.value for c in at.code] == ["Écrit juste avant la fin"]
    assert not [t for t in at.text_area if t.key.startswith("new_")]
    assert not [b for b in at.button if b.label == "Modifier"]
    run(button(at, "J'ai copié ce texte, l'effacer").click())
    assert not at.code


# --- Voting -------------------------------------------------------------------------------------


def vote_keys(at: AppTest) -> list[int]:
    """The items of the cards the page draws (one vote component, its cards as data)."""
    return vote_cards.ids(at)


def at_last_page(at: AppTest) -> bool:
    return not [b for b in at.button if b.key == "page_next" and not b.disabled]


def add_strengths(engine: Engine, count: int) -> None:
    """`count` more strengths in the topic avs, by the demo's first participant."""
    with write_session(engine) as session:
        avs = session.scalar(select(Topic.id).where(Topic.key == "avs"))
        first = session.scalars(
            select(Item).where(Item.topic_id == avs, Item.quadrant == "strength").order_by(Item.id)
        ).first()
        for number in range(count):
            session.add(
                Item(
                    workshop_id=first.workshop_id,
                    key=f"ibench{number:03d}",
                    topic_id=first.topic_id,
                    quadrant="strength",
                    text=f"Force ajoutée n°{number:03d}",
                    author_id=first.author_id,
                    created_at=first.created_at.replace(year=2030),
                )
            )


def test_see_all_sits_under_its_quadrant_and_a_forged_view_changes_nothing(db):
    """« Voir les … » is drawn by the cards, under the quadrant it opens (not below every
    quadrant); a view the cards did not offer, sent by hand, leaves the page as it was."""
    add_strengths(db, 12)
    at = joined()
    sections = vote_cards.data(at)["sections"]
    for section in sections:  # its own quadrant, and only when it holds more than it shows
        count = int(re.search(r"\((\d+)\)", section["title"]).group(1))
        assert bool(section["more"]) == (count > len(section["cards"]))
        assert not section["more"] or section["more"]["view"] == section["key"]
    assert sections[0]["key"] == "strength" and sections[0]["more"]["label"].startswith("Voir les")
    assert not [b for b in at.button if b.key and b.key.startswith("see_")]
    shown = vote_keys(at)
    without = [s["key"] for s in sections if not s["more"]]
    for forged in (*without, "mine", "../strength", 3, {"view": "strength"}):
        at = vote_cards.send(at, forged, event="view")
        assert at.button_group(key="participer_vote_view_avs").value == "all"
        assert vote_keys(at) == shown
    at = vote_cards.see_all(at, "strength")
    assert at.button_group(key="participer_vote_view_avs").value == "strength"
    assert len(vote_keys(at)) == 10


def test_vote_page_stays_small_however_many_items(db):
    with read_session(db) as session:
        avs = session.scalar(select(Topic.id).where(Topic.key == "avs"))
        before = session.scalar(
            select(func.count()).where(
                Item.topic_id == avs, Item.quadrant == "strength", Item.merged_into_id.is_(None)
            )
        )
    add_strengths(db, 45)
    strengths = before + 45
    at = joined()
    # All quadrants: five cards each at most, and a way to see the others.
    assert len(vote_keys(at)) <= 4 * 5
    assert vote_cards.see_all_labels(at)["strength"] == f"Voir les {strengths} forces"
    at = vote_cards.see_all(at, "strength")
    assert at.button_group(key="participer_vote_view_avs").value == "strength"
    assert len(vote_keys(at)) == 10
    assert f"Contributions 1 à 10 sur {strengths}" in texts(at)
    assert at.button(key="page_previous").disabled
    pages = -(-strengths // 10)
    assert f"Page 1 sur {pages}" in texts(at)
    seen = set(vote_keys(at))
    while not at_last_page(at):
        run(at.button(key="page_next").click())
        assert len(vote_keys(at)) <= 10
        assert not seen & set(vote_keys(at))
        seen |= set(vote_keys(at))
    assert len(seen) == strengths
    assert f"Page {pages} sur {pages}" in texts(at)

    # A dot on the last page, then « Mes points » finds it back, whatever page it was on.
    last = vote_keys(at)[-1]
    vote_cards.tap(at, last)
    assert "4 points restants sur 5" in at.info[1].value
    run(at.button_group(key="participer_vote_view_avs").set_value("mine"))
    assert vote_keys(at) == [last]
    vote_cards.tap(at, last, more=False)
    assert "5 points restants sur 5" in at.info[1].value
    run(at)
    assert vote_keys(at) == []
    assert "Vous n'avez encore placé aucun point dans ce sujet." in texts(at)
    # Each topic keeps its own view.
    run(at.selectbox(key="participer_topic").select("enfant"))
    assert at.button_group(key="participer_vote_view_enfant").value == "all"


def test_countdown_shown_as_a_time_on_phones(db):
    with write_session(db) as session:
        session.execute(update(Workshop).values(timer_ends_at=dt.datetime(2099, 1, 15, 13, 5)))
    at = joined()
    assert "Temps prévu pour cette étape : jusqu'à 14:05." in texts(at)
    with write_session(db) as session:
        session.execute(update(Workshop).values(timer_ends_at=dt.datetime(2020, 7, 1, 8, 0)))
    run(at)
    assert "écoulé (fin à 10:00)." in texts(at)
    with write_session(db) as session:
        session.execute(update(Workshop).values(timer_ends_at=None))
    run(at)
    assert "Temps prévu" not in texts(at) and "écoulé" not in texts(at)


def test_organisations_hidden_when_the_workshop_says_so(db):
    set_phase(db, Phase.COLLECT)
    with write_session(db) as session:
        session.execute(update(Workshop).values(show_organisations=False))
    at = page(atelier=CODE)
    assert "sans votre organisation ni votre nom" in texts(at)
    type_organisation(at, "Maison des familles")
    run(button(at, "Rejoindre l'atelier").click())
    assert "sans votre organisation ni votre nom" in texts(open_expander(at, IDENTITY_FOOTER))
    assert not [t for t in at.text if t.value.startswith("• ") and " — " in t.value]
    set_phase(db, Phase.VOTE)
    run(at)
    assert not [t for t in at.text if t.value.startswith("— ") or "\n— " in t.value]
    assert vote_cards.cards(at) and not [card for card in vote_cards.cards(at) if card["org"]]
    set_phase(db, Phase.CLOSED)
    run(at)
    assert not [t for t in at.text if t.value.startswith("— ") or "\n— " in t.value]


def test_vote_add_and_remove_dots_with_the_counter(db):
    at = joined()
    assert "5 points restants sur 5" in at.info[1].value
    first = vote_keys(at)[0]
    vote_cards.tap(at, first)
    assert at.success[0].value == plain("Point ajouté : 4 points restants sur 5.")
    assert "4 points restants sur 5" in at.info[1].value
    assert vote_cards.card(at, first)["dots"] == 1  # « Retirer un point » drawn, usable
    # The cards' live region says it too (read by a screen reader, politely).
    assert vote_cards.data(at)["note"]["text"] == "Point ajouté : 4 points restants sur 5."
    vote_cards.tap(at, first, more=False)
    assert at.success[0].value == plain("Point retiré : 5 points restants sur 5.")
    # No dot left on the card: nothing to take back, no « Retirer un point ».
    assert vote_cards.card(at, first)["dots"] == 0
    assert "votant" not in texts(at) + str(vote_cards.data(at))


def test_overspending_is_refused_in_french_even_from_a_second_device(db):
    phone = joined()
    laptop = page(**dict(phone.query_params))
    first, second, third = vote_keys(phone)[:3]
    for _ in range(3):
        vote_cards.tap(phone, first)
    # At the cap, « Ajouter un point » is disabled and the card says why, in words.
    assert (
        vote_cards.card(phone, first)["why"]
        == "Plafond atteint : 3 points au plus sur une même contribution."
    )
    assert not vote_cards.card(phone, second)["why"]
    for _ in range(2):
        vote_cards.tap(phone, second)
    assert "0 point restant sur 5" in phone.info[1].value
    # No dot left: every card's « Ajouter un point » is disabled, with the reason.
    assert vote_cards.card(phone, third)["why"].startswith("Plus de point à placer dans ce sujet")
    assert vote_cards.card(phone, first)["dots"] == 3  # « Retirer un point » still usable
    # The laptop still shows 5 points: the database decides, and the page says why.
    vote_cards.tap(laptop, third)
    assert "déjà tous placés" in laptop.error[0].value
    assert "0 point restant sur 5" in laptop.info[1].value


def test_forged_taps_change_nothing_and_the_page_says_why(db):
    at = joined()
    first, second = vote_keys(at)[:2]
    refusals = {
        "Geste non reconnu": [{"item": str(first), "action": "add"}, {"item": first}, "add", None, True],
        "n'est pas affichée dans ce sujet": [{"item": 999_999, "action": "add"}],
        "rien à retirer": [{"item": second, "action": "remove"}],
    }
    for why, values in refusals.items():
        for value in values:
            vote_cards.send(at, value)
            assert why in read_as_shown(at.error[0].value), (value, at.error[0].value)
            assert "5 points restants sur 5" in at.info[1].value
    # An item of another topic, even one the partner could vote for there.
    run(at.selectbox(key="participer_topic").select("enfant"))
    elsewhere = vote_keys(at)[0]
    run(at.selectbox(key="participer_topic").select("avs"))
    vote_cards.send(at, {"item": elsewhere, "action": "add"})
    assert "n'est pas affichée dans ce sujet" in read_as_shown(at.error[0].value)
    # At the cap, a forged « Ajouter » (the button is aria-disabled): the domain refuses it.
    for _ in range(3):
        vote_cards.tap(at, first)
    vote_cards.send(at, {"item": first, "action": "add"})
    assert "3 points au plus" in read_as_shown(at.error[0].value)
    assert vote_cards.card(at, first)["dots"] == 3
    assert "2 points restants sur 5" in at.info[1].value


def test_closed_workshop_shows_the_ranking_without_joining(db):
    set_phase(db, Phase.CLOSED)
    at = page(atelier=CODE)
    body = texts(at)
    assert any(t.value.startswith("1. ") for t in at.text)
    assert "votants" in body and "points" in body
    assert not [b for b in at.button if b.label == "Rejoindre l'atelier"]


# --- Participant text is never markup -----------------------------------------------------------


def assert_no_markup(at: AppTest) -> None:
    for element in [*at.markdown, *at.success, *at.error, *at.info, *at.warning]:
        assert not RAW_TAG.search(element.value), element.value
        assert not AUTOLINK.search(element.value), element.value
        assert not any(raw.search(element.value) for raw in UNESCAPED), element.value


def test_awkward_texts_render_as_literal_text(db):
    set_phase(db, Phase.COLLECT)
    author = joined(organisation=ORGANISATION, name="[moi](https://x.fr)")
    for number, text in enumerate(AWKWARD_TEXTS):
        author.text_area(key="new_avs_strength").input(text)
        run(button(author, "Ajouter cette force").click())
        assert author.success, f"text #{number} not added"
    reader = joined(organisation="Mairie")
    for at in (author, reader):
        shown = [t.value for t in at.text]
        for text in AWKWARD_TEXTS:
            # Whole on the author's cards; in the others' list, its line breaks shown as « / ».
            assert text in "\n".join(shown) or one_line(text) in "\n".join(shown)
        assert_no_markup(at)
    assert f"• {AWKWARD_TEXTS[0]} — {ORGANISATION}" in "\n".join(t.value for t in reader.text)
    assert "moi" not in texts(reader)  # names are never shown to others

    set_phase(db, Phase.VOTE)
    voter = run(reader)
    assert_no_markup(voter)
    # The newest strengths are past the first cards: the strengths' own view, page by page.
    run(voter.button_group(key="participer_vote_view_avs").set_value("strength"))
    shown = vote_cards.cards(voter)
    while not at_last_page(voter):
        run(voter.button(key="page_next").click())
        assert_no_markup(voter)
        shown += vote_cards.cards(voter)
    # Each card: the text exactly as typed and its organisation, as data (the component's script
    # sets them with textContent: tests/e2e/test_vote_cards.py checks the browser's DOM).
    for text in AWKWARD_TEXTS:
        assert any(card["text"] == text and card["org"] == ORGANISATION for card in shown), text

    set_phase(db, Phase.CLOSED)
    results = run(reader)
    assert_no_markup(results)
    # Shown whole, behind its rank if it received points (an item without points has none).
    assert any(t.value == AWKWARD_TEXTS[1] or t.value.endswith(". " + AWKWARD_TEXTS[1]) for t in results.text)
    with read_session(db) as session:
        stored = set(session.scalars(select(Item.text)))
    assert set(AWKWARD_TEXTS) <= stored


def test_the_vote_cards_are_one_element_with_their_items_and_organisations(db):
    set_phase(db, Phase.VOTE)
    at = page(atelier=CODE)
    type_organisation(at, "Maison des familles")
    run(button(at, "Rejoindre l'atelier").click())
    assert len(vote_cards.components(at)) == 1
    assert [card for card in vote_cards.cards(at) if card["org"]], "aucune carte ne montre son organisation"
    assert not [t for t in at.text if t.value.startswith("— ") or "\n— " in t.value]  # no st.text per card
    assert not [b for b in at.button if b.label in ("Ajouter un point", "Retirer", "Retirer un point")]
