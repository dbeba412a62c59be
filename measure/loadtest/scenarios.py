"""Scenarios: what one simulated participant does, as a small async function of an AppSession.

A scenario opens a page, finds widgets by key or label, sets values, clicks, and checks what
the page shows; it raises `ScenarioError` (in French) when the page is not what it expects.
Name the actions (`action=`) so the report gives one line of percentiles per step.
`SCENARIOS` maps the names the command line accepts to scenario builders.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from measure.loadtest.first_visit import DownloadTally, download_first_visit
from measure.loadtest.ledger import ItemRecord, Ledger, Outcome
from measure.loadtest.limits import LoadTestError, check_count
from measure.loadtest.session import AppSession, RerunTimeoutError, RunResult, SessionClosedError
from measure.loadtest.tree import unescape_markdown
from measure.loadtest.vote_cards import on_vote_page, tap_vote, vote_card, vote_cards

Scenario = Callable[[AppSession], Awaitable[None]]

HOME_WORKSHOP_KEY = "home_workshop"
MAX_STEPS = 1000


class ScenarioError(LoadTestError):
    """The page did not show what the scenario expected."""


@dataclass(frozen=True)
class Pace:
    """Think time between two actions: uniform in [0, `think_s`] seconds (0: no pause)."""

    think_s: float = 0.0
    seed: int | None = None

    def rng(self, index: int) -> random.Random:
        return random.Random(None if self.seed is None else self.seed * 100_003 + index)

    async def think(self, rng: random.Random) -> None:
        if self.think_s > 0:
            await asyncio.sleep(rng.uniform(0, self.think_s))


async def open_home(session: AppSession, query: str = "") -> None:
    """Open the home page and check it shows a workshop's figures."""
    await session.open("/", query=query, action="open_home")
    if "Participants" not in session.metrics():
        shown = " / ".join(session.texts()[:3])
        raise ScenarioError(f"La page d'accueil n'affiche pas le nombre de participants ({shown}).")


async def switch_home_workshop(session: AppSession, rng: random.Random) -> str:
    """Choose another workshop in the home page's select box; returns the option chosen."""
    box = session.find_widget(key=HOME_WORKSHOP_KEY, kind="selectbox")
    current = session.value_of(box)
    choices = [option for option in box.options if option != current] or list(box.options)
    choice = rng.choice(choices)
    result = await session.set_value(box, choice, action="switch_workshop")
    if result is None or not result.ok:
        raise ScenarioError(f"Le changement d'atelier a échoué : {result}.")
    return choice


@dataclass(frozen=True)
class ScenarioOptions:
    """What the command line tunes in a scenario: its number of steps, its pace, its query;
    for the partner scenario, the workshop code and the ledger of what the server acknowledged."""

    steps: int = 3
    pace: Pace = Pace()
    query: str = ""
    code: str = "ARMDEMO"
    ledger: Ledger = field(default_factory=Ledger)
    tag: str = "charge"
    # The burst scenario: what a first visit downloads (deploy/first-visit-assets.txt), and the
    # tally of what every phone received.
    assets: tuple[str, ...] = ()
    tally: DownloadTally = field(default_factory=DownloadTally)


def browse_home(options: ScenarioOptions, index: int = 0) -> Scenario:
    """Open the home page, then switch its workshop select box `options.steps` times."""
    check_count("changements d'atelier", options.steps, MAX_STEPS)

    async def scenario(session: AppSession) -> None:
        rng = options.pace.rng(index)
        await open_home(session, options.query)
        for _ in range(options.steps):
            await options.pace.think(rng)
            await switch_home_workshop(session, rng)

    return scenario


def idle_home(seconds: float, query: str = "") -> Scenario:
    """Open the home page, then stay on it (reading, running fragment timers) for `seconds`."""

    async def scenario(session: AppSession) -> None:
        await open_home(session, query)
        await session.idle(seconds)

    return scenario


# --- The partner on a phone (pages/participer.py) --------------------------------------------------
#
# Labels and keys of the partner page (ui/partner/): the join form (`participer_join`), the topic picker
# (`participer_topic`), one form per quadrant with a text area `new_<topic>_<quadrant>`, the vote
# cards of a topic as one custom component (read and tapped by `measure.loadtest.vote_cards`).

PARTNER_PATH = "/participer"
JOIN_BUTTON = "Rejoindre l'atelier"
# One field for a known or a new organisation (the browser suggests the known ones).
NEW_ORGANISATION_LABEL = "Votre organisation"
ORGANISATION_LABEL = "Votre organisation"
TOPIC_KEY = "participer_topic"
REFRESH_KEY = "refresh"
TOKEN_PARAM = "jeton"
ITEM_ADDED = "Contribution ajoutée"
DOT_ADDED = "Point ajouté"
DOT_REMOVED = "Point retiré"
_REMAINING = re.compile(r"\*\*(\d+) points? restants? sur (\d+)\*\*")
_WORDS = (
    "accueil des familles",
    "horaires élargis",
    "lieu ressource",
    "transport des jeunes",
    "accès aux droits",
    "places en crèche",
    "soutien à la parentalité",
    "bénévoles associatifs",
    "numérique pour tous",
    "maison de quartier",
)


def organisation_name(options: ScenarioOptions, index: int) -> str:
    """A partner's organisation, unique in the run: the checks count participants by it."""
    return f"Partenaire {options.tag} n°{index:04d}"


def item_text(options: ScenarioOptions, index: int, step: int, rng: random.Random) -> str:
    return f"{rng.choice(_WORDS).capitalize()} : idée {step + 1} du partenaire {index:04d} ({options.tag})"


def token_of(session: AppSession) -> str:
    return parse_qs(session.query_string).get(TOKEN_PARAM, [""])[0]


def success_texts(session: AppSession) -> list[str]:
    return [unescape_markdown(body) for kind, body in session.alerts() if kind == "success"]


def error_texts(session: AppSession) -> list[str]:
    return [unescape_markdown(body) for kind, body in session.alerts() if kind in {"error", "warning"}]


def phase_of(session: AppSession) -> str:
    """What the partner's page offers now: `vote`, `collect` or `read` (group, closed)."""
    if on_vote_page(session):
        return "vote"
    keys = [w.key or "" for w in session.widgets()]
    if any(key.startswith("new_") for key in keys):
        return "collect"
    return "read"


async def _answered(ledger_action: Callable[[], None], call: Awaitable[RunResult]) -> RunResult | None:
    """Run an action; an unanswered one (timeout, connection lost) is noted in doubt, then re-raised."""
    try:
        return await call
    except (RerunTimeoutError, SessionClosedError):
        ledger_action()
        raise


async def open_partner_page(session: AppSession, options: ScenarioOptions) -> None:
    """Open the partner page with the workshop's code (its join form)."""
    await session.open(PARTNER_PATH, query=f"atelier={options.code}", action="ouvrir")


async def join_workshop(
    session: AppSession, options: ScenarioOptions, index: int, *, opened: bool = False
) -> str:
    """Open the partner page with the code (unless `opened`), join with a new organisation;
    returns the token."""
    user = organisation_name(options, index)
    organisation = organisation_name(options, index)
    ledger = options.ledger
    if not opened:
        await open_partner_page(session, options)
    field_ = session.find_widgets(label=NEW_ORGANISATION_LABEL, kind="text_input") or session.find_widgets(
        label=ORGANISATION_LABEL, kind="text_input"
    )
    if not field_:
        shown = " / ".join(session.texts()[:3])
        raise ScenarioError(f"Pas de formulaire pour rejoindre l'atelier ({shown}).")
    await session.set_value(field_[0], organisation)
    await _answered(
        lambda: ledger.joined(user, organisation, None, Outcome.IN_DOUBT),
        session.click(session.find_widget(label=JOIN_BUTTON, kind="button"), action="rejoindre"),
    )
    token = token_of(session)
    if not token or organisation not in " ".join(session.texts()):
        ledger.joined(user, organisation, None, Outcome.REFUSED)
        raise ScenarioError(
            f"Inscription non confirmée : {' / '.join(error_texts(session)) or 'sans message'}."
        )
    ledger.joined(user, organisation, token, Outcome.ACKNOWLEDGED)
    return token


async def switch_topic(session: AppSession, rng: random.Random) -> None:
    box = session.find_widget(key=TOPIC_KEY, kind="selectbox")
    current = session.value_of(box)
    choices = [option for option in box.options if option != current]
    if choices:
        await session.set_value(box, rng.choice(choices), action="changer_sujet")


async def add_item(
    session: AppSession, options: ScenarioOptions, index: int, step: int, rng: random.Random
) -> None:
    """Write one item in a random quadrant of the current topic; note what the page acknowledged."""
    areas = [w for w in session.widgets() if w.kind == "text_area" and (w.key or "").startswith("new_")]
    area = rng.choice(areas)
    _, topic_key, quadrant = (area.key or "").split("_", 2)
    text = item_text(options, index, step, rng)
    submit = next(w for w in session.widgets() if w.form_id == area.form_id and w.is_form_submitter)
    user, token = organisation_name(options, index), token_of(session)

    def record(outcome: Outcome) -> None:
        options.ledger.item(ItemRecord(user, token, topic_key, quadrant, text, outcome))

    await session.set_value(area, text)
    await _answered(lambda: record(Outcome.IN_DOUBT), session.click(submit, action="contribuer"))
    shown = session.texts()
    if any(ITEM_ADDED in message for message in success_texts(session)) and text in shown:
        record(Outcome.ACKNOWLEDGED)
    elif error_texts(session):
        record(Outcome.REFUSED)
    else:
        record(Outcome.IN_DOUBT)
        raise ScenarioError(f"Contribution sans accusé de réception : {text}.")


def card_dots(session: AppSession, item_id: int) -> tuple[int, int] | None:
    """(dots, cap) on the card of `item_id`, None if the page does not draw it."""
    card = vote_card(session, item_id)
    return None if card is None else (card.dots, card.cap)


def remaining_dots(session: AppSession) -> int | None:
    for _kind, body in session.alerts():
        found = _REMAINING.search(body)
        if found:
            return int(found.group(1))
    return None


async def spend_dot(session: AppSession, options: ScenarioOptions, index: int, rng: random.Random) -> None:
    """Put one dot on a random card (or take one back when the topic's budget is spent)."""
    user, token = organisation_name(options, index), token_of(session)
    ledger = options.ledger
    remaining = remaining_dots(session)
    if remaining is None:
        await session.click(session.find_widget(key=REFRESH_KEY), action="actualiser")
        return
    if remaining and rng.random() < 0.3:
        await switch_topic(session, rng)
        return
    change = 1 if remaining else -1
    # A card at the cap would only earn a refusal; « Retirer » only where the partner has dots.
    cards = [card for card in vote_cards(session) if (card.can_add if change > 0 else card.can_remove)]
    if not cards:
        await session.click(session.find_widget(key=REFRESH_KEY), action="actualiser")
        return
    item_id = rng.choice(cards).item_id
    before, record = card_dots(session, item_id), ledger.vote(user, token, item_id)
    if before is not None and not record.doubt:
        record.dots = before[0]
    await _answered(
        lambda: ledger.vote_in_doubt(user, token, item_id, change),
        tap_vote(session, item_id, more=change > 0, action="voter" if change > 0 else "retirer"),
    )
    expected = DOT_ADDED if change > 0 else DOT_REMOVED
    dots = card_dots(session, item_id)
    if any(expected in message for message in success_texts(session)) and dots is not None:
        ledger.vote_acknowledged(user, token, item_id, dots[0])
    elif error_texts(session):
        ledger.vote_refused()
    else:
        ledger.vote_in_doubt(user, token, item_id, change)
        raise ScenarioError(f"Vote sans accusé de réception (contribution {item_id}).")


async def partner_steps(
    session: AppSession, options: ScenarioOptions, index: int, rng: random.Random
) -> None:
    """`options.steps` actions of a partner who has joined, at a human pace."""
    for step in range(options.steps):
        await options.pace.think(rng)
        phase = phase_of(session)
        if phase == "collect":
            if rng.random() < 0.15:
                await switch_topic(session, rng)
            else:
                await add_item(session, options, index, step, rng)
        elif phase == "vote":
            await spend_dot(session, options, index, rng)
        else:
            await session.click(session.find_widget(key=REFRESH_KEY), action="actualiser")


def partner(options: ScenarioOptions, index: int = 0) -> Scenario:
    """A partner on a phone: join with the code, then `steps` actions at a human pace — write an
    item in the collect phase, place (or take back) a dot in the vote phase, sometimes change
    topic; in other phases, tap « Actualiser ». What the server acknowledges goes to the ledger."""
    check_count("actions par partenaire", options.steps, MAX_STEPS)

    async def scenario(session: AppSession) -> None:
        rng = options.pace.rng(index)
        await join_workshop(session, options, index)
        await partner_steps(session, options, index, rng)

    return scenario


DOWNLOAD_ACTION = "premiere_visite_fichiers"  # the page and its static files, over HTTP
JOIN_FORM_ACTION = "formulaire_pret"  # from the first byte asked to the join form drawn


def first_visit_partner(options: ScenarioOptions, index: int = 0) -> Scenario:
    """A partner who has just scanned the QR code, phone never on the app before: download the
    page and every static file a first visit downloads (`options.assets`, compressed copies
    asked for, up to six connections), open the websocket (the join form), join, then act as
    `partner`. Times `premiere_visite_fichiers` (the downloads) and `formulaire_pret` (downloads
    and the page's first run: the join form on screen); the bytes go to `options.tally`.

    A browser starts the websocket as soon as Streamlit's main script has run, while the last
    files still arrive: doing both in turn, the time to the form measured here is an upper
    bound of a real phone's on the same link (loopback here: no network time at all)."""
    check_count("actions par partenaire", options.steps, MAX_STEPS)
    if not options.assets:
        raise LoadTestError("Le scénario « burst » demande la liste des fichiers d'une première visite.")

    async def scenario(session: AppSession) -> None:
        rng = options.pace.rng(index)
        started = time.perf_counter()
        page = f"{PARTNER_PATH}?atelier={options.code}"
        try:
            await download_first_visit(
                session.base_url, page, options.assets, options.tally, timeout=session.action_timeout
            )
        except (LoadTestError, OSError, TimeoutError) as error:
            session.recorder.error(DOWNLOAD_ACTION, type(error).__name__)
            session.recorder.example(DOWNLOAD_ACTION, type(error).__name__, str(error))
            raise
        session.recorder.record(DOWNLOAD_ACTION, time.perf_counter() - started)
        await open_partner_page(session, options)
        session.recorder.record(JOIN_FORM_ACTION, time.perf_counter() - started)
        await join_workshop(session, options, index, opened=True)
        await partner_steps(session, options, index, rng)

    return scenario


def projection_tab(view_token: str, seconds: float) -> Scenario:
    """The room's screen: open `/projection?vue=…` and stay (its counters refresh by themselves)."""

    async def scenario(session: AppSession) -> None:
        await session.open("/projection", query=f"vue={view_token}", action="ouvrir_projection")
        if "Participants" not in session.metrics():
            shown = " / ".join(session.texts()[:3])
            raise ScenarioError(f"La projection n'affiche pas ses compteurs ({shown}).")
        await session.idle(seconds)

    return scenario


# Scenario builders by the name the command line accepts: (options, index of the session).
ScenarioBuilder = Callable[[ScenarioOptions, int], Scenario]
SCENARIOS: dict[str, ScenarioBuilder] = {
    "home": browse_home,
    "partner": partner,
    "burst": first_visit_partner,
}
