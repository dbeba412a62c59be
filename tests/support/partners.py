"""Partners on phones against real servers, for the load, fault, scale-out and security tests.

A partner joining and writing through the load driver (`measure.loadtest`); waiting for what the
server pushes, bounded, never a fixed sleep. The demo workshop and its phase are the harness's
(`measure.harness.demo`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import func, select

from ctg_workshop.storage.db import make_engine, read_session
from ctg_workshop.storage.models import Participant
from measure.harness.demo import DemoWorkshop
from measure.loadtest import AppSession, RunResult
from measure.loadtest.ledger import Ledger
from measure.loadtest.scenarios import ScenarioOptions, join_workshop, organisation_name


def participants_named(workshop: DemoWorkshop, organisation: str) -> int:
    engine = make_engine(workshop.database_url)
    try:
        with read_session(engine) as session:
            return session.scalar(
                select(func.count()).where(
                    Participant.workshop_id == workshop.id, Participant.organisation == organisation
                )
            )
    finally:
        engine.dispose()


def options_for(workshop: DemoWorkshop, tag: str, **changes: object) -> ScenarioOptions:
    return ScenarioOptions(code=workshop.code, ledger=Ledger(code=workshop.code), tag=tag, **changes)  # type: ignore[arg-type]


async def join(tab: AppSession, options: ScenarioOptions, index: int) -> str:
    """Join the workshop as partner `index` of `options` (organisation_name); returns the token."""
    return await join_workshop(tab, options, index)


def own_organisation(options: ScenarioOptions, index: int) -> str:
    return organisation_name(options, index)


async def type_item(tab: AppSession, quadrant: str, text: str) -> RunResult:
    """Type `text` in the quadrant's form of the current topic and tap its button."""
    area = next(
        w
        for w in tab.widgets()
        if w.kind == "text_area" and (w.key or "").startswith("new_") and (w.key or "").endswith(quadrant)
    )
    submit = next(w for w in tab.widgets() if w.form_id == area.form_id and w.is_form_submitter)
    await tab.set_value(area, text)
    return await tab.click(submit, action="contribuer")


async def refresh(tab: AppSession) -> RunResult:
    return await tab.click(tab.find_widget(key="refresh"), action="actualiser")


async def idle_until(tab: AppSession, predicate: Callable[[AppSession], bool], timeout: float) -> bool:
    """Stay on the page (its timers run, as in a browser) until `predicate` holds; False at the
    deadline. Waits on what the server pushes, never a fixed sleep."""
    await tab.idle(timeout, until=predicate)
    return predicate(tab)


def run(coroutine, timeout: float = 120.0):
    """Run a test's async part with an overall bound."""

    async def bounded():
        async with asyncio.timeout(timeout):
            return await coroutine

    return asyncio.run(bounded())
