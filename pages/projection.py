"""Projection: the room's screen, opened on the room's PC with `?vue=VIEW_TOKEN` (read-only).

How to join (QR code and code), live counters, the SWOT matrix of a chosen topic; during the
vote, how many have voted, never the totals; once closed, the ranking per topic. It refreshes
itself (`st.fragment(run_every=…)`) over cached aggregates shared by every open tab. Laid out
for one 1920×1080 screen: the topic on the left, how to join and the counters on the right.
"""

import textwrap
import time

import streamlit as st

from ctg_workshop.day.phases import countdown_from
from ctg_workshop.day.projection import ProjectionSnapshot, TopicResult
from ctg_workshop.day.ranks import display_ranks
from ctg_workshop.errors import CtgError
from ctg_workshop.storage.models import Phase, Quadrant
from ctg_workshop.wording import PHASE_LABELS, QUADRANT_LABELS
from ui.auth import authorised_workshop_id
from ui.countdown import announce
from ui.projection import (
    PROJECTION_CSS,
    REFRESH_SECONDS,
    VIEW_PARAM,
    base_url,
    cached_matrix,
    cached_snapshot,
    partner_url,
    qr_png,
    quadrant_counts_spec,
    ranking_spec,
    workshop_id_for_token,
)
from ui.safe import plain

CARDS_PER_QUADRANT = 6
CARD_CHARS = 130
ROTATION_SECONDS = 20
OVERVIEW = -1
ROTATE = -2

st.html(PROJECTION_CSS)

token = st.query_params.get(VIEW_PARAM, "")
workshop_id = workshop_id_for_token(token) if token else authorised_workshop_id()
if workshop_id is None:
    st.title("Projection")
    if token:
        st.error(
            "Ce lien de projection est inconnu ou a été renouvelé : demandez le nouveau lien à l'animateur."
        )
    else:
        st.info(
            "Cette page s'affiche sur l'écran de la salle. Ouvrez le lien de projection donné sur la "
            "page « Animer » (il se termine par `?vue=…`)."
        )
    st.stop()

try:
    first = cached_snapshot(workshop_id)
except CtgError as error:
    st.error(plain(error.message))
    st.stop()


def _short(text: str, width: int = CARD_CHARS) -> str:
    return textwrap.shorten(" ".join(text.split()), width, placeholder=" …")


# --------------------------------------------------------------------------- topic choice


def _topic_choice(snapshot: ProjectionSnapshot) -> int:
    """The topic selector (a topic id, ROTATE or OVERVIEW); the facilitator clicks it on the room's PC."""
    titles = {t.id: t.title for t in snapshot.topics}
    extra = {ROTATE: "Défilement automatique"}
    if snapshot.phase == Phase.CLOSED:
        extra = {OVERVIEW: "Vue d'ensemble", **extra}
    labels = {**extra, **titles}
    chosen = st.segmented_control(
        "Sujet affiché",
        list(labels),
        default=next(iter(extra)),
        format_func=lambda key: plain(labels[key]),
        key="projection_topic",
        label_visibility="collapsed",
        wrap=True,
    )
    return chosen if chosen is not None else next(iter(extra))


def _shown_topic(snapshot: ProjectionSnapshot, chosen: int) -> int:
    """The topic to show now: the chosen one, the current one of the rotation, or the overview."""
    topic_ids = [t.id for t in snapshot.topics]
    if chosen == ROTATE and topic_ids:
        return topic_ids[int(time.time() // ROTATION_SECONDS) % len(topic_ids)]
    if chosen == OVERVIEW and snapshot.phase != Phase.CLOSED:
        return topic_ids[0] if topic_ids else OVERVIEW
    return chosen


# --------------------------------------------------------------------------- left: the topic


def _matrix(snapshot: ProjectionSnapshot, topic_id: int) -> None:
    matrix = cached_matrix(snapshot.workshop_id, topic_id, CARDS_PER_QUADRANT)
    st.markdown(f"## {plain(matrix.title)}")
    for row in ((Quadrant.STRENGTH, Quadrant.WEAKNESS), (Quadrant.OPPORTUNITY, Quadrant.THREAT)):
        for column, quadrant in zip(st.columns(2), row, strict=True):
            cards, total = matrix.cards(quadrant), matrix.count(quadrant)
            with column, st.container(border=True, key=f"swot_{quadrant.value}", height=410):
                st.markdown(f"### {QUADRANT_LABELS[quadrant]} ({total})")
                newest = list(reversed(cards))[:CARDS_PER_QUADRANT]
                lines = []
                for card in newest:
                    line = f"- {plain(_short(card.text))}"
                    if card.organisation:
                        line += f" — *{plain(card.organisation)}*"
                    if card.similar:
                        line += f" (+{card.similar} similaire{'s' if card.similar > 1 else ''})"
                    lines.append(line)
                if lines:
                    st.markdown("\n".join(lines))
                else:
                    st.caption("Pas encore de contribution.")
                if total > CARDS_PER_QUADRANT:
                    st.caption(f"… et {total - CARDS_PER_QUADRANT} autres, à lire sur les téléphones.")


def _top3(result: TopicResult) -> None:
    if not result.top3:
        st.caption("Aucune contribution.")
        return
    # Tied items share a number; an item without points is not a priority.
    ranks = display_ranks(result.ranking)[: len(result.top3)]
    lines = [
        f"- {rank.label}\\. {plain(_short(item.text, 110))} — **{item.dots} point{'s' if item.dots > 1 else ''}**"
        for rank, item in zip(ranks, result.top3, strict=True)
        if rank.number is not None
    ]
    if not lines:
        st.caption("Aucun point placé dans ce sujet.")
        return
    # A list (read as one by screen readers); the rank written in each line, not Markdown's own
    # numbering, which would renumber tied items 1, 2, 3.
    st.markdown("\n".join(lines))


def _results(snapshot: ProjectionSnapshot, topic_id: int) -> None:
    results = snapshot.results or ()
    if topic_id == OVERVIEW:
        st.markdown("## Les trois priorités de chaque sujet")
        for pair in (results[i : i + 2] for i in range(0, len(results), 2)):
            for column, result in zip(st.columns(2), pair, strict=False):
                with column, st.container(border=True, height=340):
                    st.markdown(f"### {plain(result.title)}")
                    _top3(result)
        return
    result = next((r for r in results if r.topic_id == topic_id), None)
    if result is None:
        return
    if not result.ranking:
        st.markdown(f"## {plain(result.title)}")
        st.caption("Aucune contribution dans ce sujet.")
        return
    st.vega_lite_chart(ranking_spec(result), theme=None, key=f"ranking_{topic_id}")


@st.fragment(run_every=REFRESH_SECONDS)
def topic_panel(chosen: int) -> None:
    snapshot = cached_snapshot(workshop_id)
    if (snapshot.phase, snapshot.timer_ends_at) != (first.phase, first.timer_ends_at):
        st.rerun()  # the selector, the clock and the counters follow the new phase or countdown
    topic_id = _shown_topic(snapshot, chosen)
    if snapshot.phase == Phase.CLOSED:
        _results(snapshot, topic_id)
    elif topic_id in {t.id for t in snapshot.topics}:
        _matrix(snapshot, topic_id)


# --------------------------------------------------------------------------- right: join, counters


def _join(snapshot: ProjectionSnapshot) -> None:
    qr_column, code_column = st.columns([1.1, 1], vertical_alignment="center")
    qr_column.image(
        qr_png(partner_url(snapshot.code)),
        width=290,
        alt=f"QR code pour rejoindre l'atelier {snapshot.code} sur la page Participer",
    )
    with code_column:
        st.markdown("Pour participer, scannez le QR code ou tapez le code :")
        with st.container(key="projection_code"):
            st.markdown(snapshot.code)
        st.caption(f"sur {plain(base_url())}/participer")


def _clock() -> None:
    countdown = countdown_from(cached_snapshot(workshop_id).timer_ends_at)
    if countdown is not None:
        with st.container(key="projection_clock"):
            st.markdown("Temps écoulé" if countdown.finished else f":material/timer: {countdown.clock}")
            announce(countdown)  # for screen readers: once a minute, not every second


@st.fragment(run_every=REFRESH_SECONDS)
def counters_panel() -> None:
    snapshot = cached_snapshot(workshop_id)
    st.markdown(f"## {PHASE_LABELS[snapshot.phase]}")
    if snapshot.phase == Phase.VOTE:
        st.markdown("Placez vos points sur votre téléphone : les résultats s'afficheront à la clôture.")
    first_row, second_row = st.columns(2), st.columns(2)
    first_row[0].metric("Participants", snapshot.participants)
    first_row[1].metric("Contributions", snapshot.items)
    if snapshot.voters is not None:
        label = "Ont déjà voté" if snapshot.phase == Phase.VOTE else "Votants"
        second_row[0].metric(label, snapshot.voters)
    if snapshot.topics:
        st.vega_lite_chart(quadrant_counts_spec(snapshot.topics), theme=None, key="quadrant_counts")


# --------------------------------------------------------------------------- page

main, side = st.columns([2.15, 1], gap="large")
with main:
    # The page's one first-level heading; topics are h2, quadrants h3 (RGAA 9.1).
    st.markdown(f"# {plain(first.title)} · {plain(first.territory)}")
    chosen_topic = _topic_choice(first)
    topic_panel(chosen_topic)
with side:
    if first.phase == Phase.CLOSED:
        # Closed: no one can join any more, the room reads the results.
        st.markdown("**L'atelier est clos.** Merci pour vos contributions et vos votes !")
    else:
        _join(first)
    # The clock ticks every second only while a countdown runs (from the shared cache, no query).
    st.fragment(_clock, run_every=1 if first.timer_ends_at else None)()
    counters_panel()
