"""Benchmark 1: a partner's action (add an item, place a dot) through the real server.

One browser tab (the load driver's `AppSession`) on `/participer`, acting as the generated
workshop's first participant, and one tab on the floor page drawn to the shape the partner's
action had (same widgets on the page, same elements, containers and characters redrawn, in a
fragment when the action runs one). Subject and floor alternate, so the machine's noise falls
on both. Widgets are found by the keys `ui/partner/` gives them (`new_<topic>_<quadrant>`
text areas in forms, the vote cards' component `participer_cards_<topic>` read and tapped by
`measure.loadtest.vote_cards`, `refresh`), never by position. The floor page copies the shape of
what a tap draws from its text elements and the cards' JSON data (as text). Each item
added is one more card (and two buttons) in the partner's quadrant, so the floor of « add an
item » is drawn again, untimed, to the shape of the last add before it is timed.
What the server acknowledged is checked in the database afterwards: nothing is lost.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import func, select

from ctg_workshop.storage.db import open_database, read_session
from ctg_workshop.storage.models import Item, Phase, Vote
from measure.benchmarks.driver import BenchSession, PageShape, shape_after
from measure.benchmarks.results import Figure, Goal, Target
from measure.benchmarks.stats import Samples
from measure.benchmarks.workshop import BenchWorkshop
from measure.harness.demo import set_phase
from measure.loadtest import RunResult, RunStatus, Widget
from measure.loadtest.vote_cards import tap_vote, vote_cards

PAGE = "/participer"
ACTION_TIMEOUT_S = 300.0
TARGET = Target(Goal.RATIO_AT_MOST, 2.0)
NEW_ITEM_PREFIX = "new_"
REFRESH_KEY = "refresh"


class PartnerBenchError(RuntimeError):
    """The partner page did not show or do what the benchmark expected."""


@dataclass
class Pair:
    """A subject tab and its floor tab, timed alternately."""

    subject: list[float]
    floor: list[float]


def _check(result: RunResult, what: str) -> float:
    if not result.ok:
        raise PartnerBenchError(f"{what} : exécution en erreur ({'; '.join(result.exceptions)}).")
    return result.seconds


def _by_prefix(tab: BenchSession, prefix: str, kind: str | None = None) -> list[Widget]:
    return [
        w
        for w in tab.widgets()
        if (w.key or "").startswith(prefix) and (kind is None or w.kind == kind) and not w.disabled
    ]


async def _open_partner(tab: BenchSession, workshop: BenchWorkshop) -> None:
    query = f"atelier={workshop.code}&jeton={workshop.participant_token}"
    _check(await tab.open(PAGE, query=query, action="ouvrir"), "Ouverture de la page Participer")


async def _add_item(tab: BenchSession, text: str) -> RunResult:
    """Type `text` in the first quadrant's form and submit it."""
    areas = _by_prefix(tab, NEW_ITEM_PREFIX, "text_area")
    if not areas:
        raise PartnerBenchError("Aucun champ « nouvelle contribution » (clé new_…) sur la page Participer.")
    area = areas[0]
    submit = next((w for w in tab.widgets() if w.form_id == area.form_id and w.is_form_submitter), None)
    if submit is None:
        raise PartnerBenchError(f"Pas de bouton d'envoi dans le formulaire de {area.describe()}.")
    await tab.set_value(area, text)
    return await tab.click(submit, action="ajouter")


async def _open_floor(floor: BenchSession, shape: PageShape) -> Widget:
    _check(await floor.open("/", query=shape.query(), action="ouvrir_plancher"), "Ouverture du plancher")
    return floor.find_widget(key="floor_click")


async def _alternate(
    count: int, subject: Callable[[int], Awaitable[float]], floor: Callable[[], Awaitable[float]]
) -> Pair:
    pair = Pair([], [])
    for index in range(count):
        if index % 2 == 0:
            pair.subject.append(await subject(index))
            pair.floor.append(await floor())
        else:
            pair.floor.append(await floor())
            pair.subject.append(await subject(index))
    return pair


def _figure(
    key: str, title: str, workshop: BenchWorkshop, pair: Pair, shape: PageShape, last: PageShape | None = None
) -> Figure:
    """`shape`: the floor's; `last`: the floor's last one, when it followed a growing page."""
    described = shape.describe()
    if last is not None and last != shape:
        described = f"de {described} au premier ajout à {last.describe()} au dernier, suivie à chaque ajout"
    return Figure(
        key=key,
        title=title,
        scale=workshop.size.scale,
        subject=Samples.of(pair.subject),
        floor=Samples.of(pair.floor),
        floor_title=f"page nue, même forme : {described}",
        targets=(TARGET,),
    )


async def bench_add_item(app_url: str, floor_url: str, workshop: BenchWorkshop, count: int) -> Figure:
    """Submit `count` items through the partner's form (collect phase), against the floor."""
    already = _bench_items(workshop)  # an earlier measurement (or the profile) may have added some
    # Texts of this call only: the same partner sending the same text again is one item (a
    # double tap is not a second contribution), so a repeated text would not be counted.
    run = secrets.token_hex(3)
    async with (
        BenchSession(app_url, action_timeout=ACTION_TIMEOUT_S) as tab,
        BenchSession(floor_url, action_timeout=ACTION_TIMEOUT_S) as floor_tab,
    ):
        await _open_partner(tab, workshop)
        before = tab.run_ids()
        first = await _add_item(tab, f"Contribution d'échauffement du banc d'essai ({run})")
        _check(first, "Ajout d'une contribution")
        shapes = [shape_after(tab, before, fragment=first.status is RunStatus.FRAGMENT_SUCCESS)]
        floor_shape = shapes[0]
        button = await _open_floor(floor_tab, floor_shape)

        async def subject(index: int) -> float:
            text = f"Contribution n°{index} du banc d'essai ({workshop.size.label}, {run})"
            before = tab.run_ids()
            result = await _add_item(tab, text)
            elapsed = _check(result, "Ajout d'une contribution")
            shapes.append(shape_after(tab, before, fragment=result.status is RunStatus.FRAGMENT_SUCCESS))
            return elapsed

        async def floor() -> float:
            nonlocal button, floor_shape
            if shapes[-1] != floor_shape:  # one card more in the quadrant: so in the floor (untimed)
                floor_shape = shapes[-1]
                button = await _open_floor(floor_tab, floor_shape)
            return _check(await floor_tab.click(button, action="plancher"), "Clic sur le plancher")

        pair = await _alternate(count, subject, floor)
    _expect_items(workshop, already + count + 1)
    return _figure("partner.add_item", "Ajouter une contribution", workshop, pair, shapes[0], floor_shape)


def _bench_items(workshop: BenchWorkshop) -> int:
    """The items the benchmark's partner has written so far."""
    engine = open_database(workshop.database_url)
    try:
        with read_session(engine) as session:
            return session.scalar(
                select(func.count())
                .select_from(Item)
                .where(Item.author_id == workshop.participant_id, Item.text.like("%banc d'essai%"))
            )
    finally:
        engine.dispose()


def _expect_items(workshop: BenchWorkshop, expected: int) -> None:
    """Every item acknowledged by the page is in the database, once."""
    found = _bench_items(workshop)
    if found != expected:
        raise PartnerBenchError(f"{expected} contributions attendues en base, {found} trouvées.")


async def bench_dot(
    app_url: str, floor_url: str, workshop: BenchWorkshop, count: int, page_count: int
) -> list[Figure]:
    """Place then take back a dot `count` times (vote phase), and refresh the whole page
    `page_count` times (none: no such figure), each against its floor."""
    set_phase(workshop.database_url, workshop.code, Phase.VOTE)
    async with (
        BenchSession(app_url, action_timeout=ACTION_TIMEOUT_S) as tab,
        BenchSession(floor_url, action_timeout=ACTION_TIMEOUT_S) as floor_tab,
    ):
        await _open_partner(tab, workshop)
        cards = [card for card in vote_cards(tab) if card.can_add]
        if not cards:
            raise PartnerBenchError("Aucune carte où placer un point sur la page Participer (vote).")
        item_id = cards[0].item_id
        before = tab.run_ids()
        first = await tap_vote(tab, item_id, more=True)
        _check(first, "Placer un point")
        if _dots_of(workshop) != 1:
            raise PartnerBenchError("Le point placé par « Ajouter un point » n'est pas en base.")
        shape = shape_after(tab, before, fragment=first.status is RunStatus.FRAGMENT_SUCCESS)
        _check(await tap_vote(tab, item_id, more=False), "Retirer un point")
        button = await _open_floor(floor_tab, shape)

        async def subject(index: int) -> float:
            return _check(await tap_vote(tab, item_id, more=index % 2 == 0), "Point")

        async def floor() -> float:
            return _check(await floor_tab.click(button, action="plancher"), "Clic sur le plancher")

        dots = await _alternate(2 * (count // 2) or 2, subject, floor)
        refresh = await _bench_refresh(tab, floor_tab, page_count) if page_count else None
    _expect_no_dot(workshop)
    figures = [_figure("partner.dot", "Placer ou retirer un point", workshop, dots, shape)]
    if refresh is not None:
        figures.append(
            _figure("partner.refresh", "Actualiser la page (vote, page entière)", workshop, *refresh)
        )
    return figures


async def _bench_refresh(tab: BenchSession, floor_tab: BenchSession, count: int) -> tuple[Pair, PageShape]:
    """The « Actualiser » button: a run of the whole page, against a floor of the whole page."""
    before = tab.run_ids()
    _check(await tab.click(tab.find_widget(key=REFRESH_KEY), action="actualiser"), "Actualiser")
    shape = shape_after(tab, before, fragment=False)
    button = await _open_floor(floor_tab, shape)

    async def subject(_index: int) -> float:
        return _check(await tab.click(tab.find_widget(key=REFRESH_KEY), action="actualiser"), "Actualiser")

    async def floor() -> float:
        return _check(await floor_tab.click(button, action="plancher"), "Clic sur le plancher")

    return await _alternate(count, subject, floor), shape


def _dots_of(workshop: BenchWorkshop) -> int:
    """The dots the benchmark's participant has placed, as the database holds them."""
    engine = open_database(workshop.database_url)
    try:
        with read_session(engine) as session:
            dots = session.scalar(
                select(func.coalesce(func.sum(Vote.dots), 0)).where(
                    Vote.participant_id == workshop.participant_id
                )
            )
    finally:
        engine.dispose()
    return int(dots)


def _expect_no_dot(workshop: BenchWorkshop) -> None:
    """Every dot placed was taken back: the participant's votes are gone, none is left over."""
    left = _dots_of(workshop)
    if left:
        raise PartnerBenchError(f"{left} point(s) restent alors que chaque point placé a été retiré.")
