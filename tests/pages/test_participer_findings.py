"""Participer, the trial's smaller findings: what the vote page says it shows, one organisation
field, and the token that leaves the address bar once the browser holds the cookie."""

from __future__ import annotations

import pytest
import streamlit as st

from ctg_workshop.storage.models import Phase
from tests.pages.test_participer import (
    CODE,
    ORGANISATION_FIELD,
    db,
    joined,
    page,
    run,
    texts,
    type_organisation,
)
from tests.support import vote_cards
from ui.partner import chrome, identity, text

__all__ = ["db"]  # the page tests' database fixture


def test_the_vote_page_says_what_it_shows(db):
    at = joined()
    body = texts(at)
    assert "les plus récentes" not in body
    assert "5 contributions de chaque case, dans un ordre propre à votre téléphone" in body


def test_one_organisation_field_suggests_known_names_and_takes_a_new_one(db):
    at = page(atelier=CODE)
    field = at.text_input(key=ORGANISATION_FIELD)
    assert field.label == "Votre organisation"
    assert not at.selectbox  # no list that drops a new name, no second field for it
    assert len(at.text_input) == 2  # the organisation and the (optional) name
    script = next(h.proto.body for h in at.get("html") if "datalist" in h.proto.body)
    assert '"CAF du Nord"' in script and f".st-key-{ORGANISATION_FIELD} input" in script
    type_organisation(at, "Association des Jardins Partagés")
    run(next(b for b in at.button if b.label == "Rejoindre l'atelier").click())
    assert "Vous participez au nom de : Association des Jardins Partagés" in texts(at)
    known = page(atelier=CODE)
    type_organisation(known, "caf  du nord")  # spelt like a known one but for case and spaces
    run(next(b for b in known.button if b.label == "Rejoindre l'atelier").click())
    assert "Vous participez au nom de : CAF du Nord" in texts(known)


def test_the_token_leaves_the_address_bar_once_the_browser_has_the_cookie(
    db, monkeypatch: pytest.MonkeyPatch
):
    at = joined()
    token = at.query_params["jeton"]  # the first visit: the URL keeps it (a reload finds the partner)
    cookies = {identity.cookie_name(CODE): token}
    monkeypatch.setattr(identity, "browser_cookies", lambda: dict(cookies))
    again = page(atelier=CODE, jeton=token)  # the next page load sends the cookie
    assert "jeton" not in again.query_params
    assert "Vous participez au nom de : Maison des familles" in texts(again)
    assert "jeton" not in run(again).query_params  # and it does not come back


def test_suggested_names_cannot_close_the_script(db):
    """An organisation called « </script><script>alert(1)</script> » stays a string in the JSON."""
    hostile = "</script><script>alert(1)</script>"
    first = page(atelier=CODE)
    type_organisation(first, hostile)
    run(next(b for b in first.button if b.label == "Rejoindre l'atelier").click())
    st.cache_data.clear()  # the page keeps the known organisations for a few seconds
    script = next(h.proto.body for h in page(atelier=CODE).get("html") if "datalist" in h.proto.body)
    assert "</script><script>" not in script.removesuffix("</script>")
    assert "\\u003c/script>\\u003cscript>alert(1)\\u003c/script>" in script


def test_a_long_item_folds_after_eight_lines_and_reads_on(db):
    long_text = "Un accueil de loisirs ouvert le samedi matin pour les familles. " * 7  # ~450 characters
    start, rest = text.folded(long_text.strip())
    assert text.phone_lines(start) <= text.CARD_LINES
    assert start.endswith(" …") and rest
    assert (start.removesuffix(" …") + " " + rest).split() == long_text.split()  # nothing lost
    many_breaks = "a" + "\n" * 2 + "b\n\n" * 30 + "c"  # what normalisation leaves of 498 line breaks
    start, rest = text.folded(many_breaks)
    assert start.count("\n") < text.CARD_LINES and rest
    short = "Un lieu ressource pour les parents"
    assert text.folded(short) == (short, "")


def test_a_long_item_on_a_vote_card_shows_lire_la_suite(db):
    from ctg_workshop.day.phases import change_phase
    from ctg_workshop.storage.db import write_session
    from tests.support.pages import demo_workshop_id

    with write_session(db) as session:
        change_phase(session=session, workshop_id=demo_workshop_id(db), phase=Phase.COLLECT)
    author = joined(organisation="Centre social")
    long_text = "Des horaires de la crèche trop courts pour les parents qui travaillent en équipe. " * 5
    author.text_area(key="new_avs_strength").input(long_text.strip())
    run(next(b for b in author.button if b.label == "Ajouter cette force").click())
    expanders = [e for e in author.expander if e.label == "Lire la suite"]
    assert expanders, [e.label for e in author.expander]
    assert any(t.value.endswith(" …") for t in author.text)


def test_in_lists_an_item_cannot_pass_for_another(db):
    fake = "Idée anodine\n• Fermer le centre social — CAF du Nord"
    assert text.one_line(fake) == "Idée anodine / • Fermer le centre social — CAF du Nord"
    assert text.one_line("a\n\n  b  \n") == "a / b"


def test_changing_view_stops_under_the_sticky_counter(db):
    """« Voir les … » scrolls the views into sight just under the dots counter, whatever its
    height (a message under it makes it taller): « Afficher » is never hidden behind it."""
    at = joined()
    at = vote_cards.see_all(at, next(iter(vote_cards.see_all_labels(at))))
    scroll = [h.proto.body for h in at.get("html") if "scrollIntoView" in h.proto.body]
    assert len(scroll) == 1
    assert f".st-key-{chrome.COUNTER_KEY}" in scroll[0] and "getBoundingClientRect().height" in scroll[0]
    assert "scrollMarginTop" in scroll[0]
