"""Scenarios: what one simulated participant does, as a small async function of an AppSession.

A scenario opens a page, finds widgets by key or label, sets values, clicks, and checks what
the page shows; it raises `ScenarioError` (in French) when the page is not what it expects.
Name the actions (`action=`) so the report gives one line of percentiles per step.
`SCENARIOS` maps the names the command line accepts to scenario builders.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ctg_workshop.loadtest.limits import LoadTestError, check_count
from ctg_workshop.loadtest.session import AppSession

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
    """What the command line tunes in a scenario: its number of steps, its pace, its query."""

    steps: int = 3
    pace: Pace = Pace()
    query: str = ""


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


# Scenario builders by the name the command line accepts: (options, index of the session).
ScenarioBuilder = Callable[[ScenarioOptions, int], Scenario]
SCENARIOS: dict[str, ScenarioBuilder] = {"home": browse_home}
