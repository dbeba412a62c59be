"""Run many sessions at once against a local server and collect one report.

A plan is a list of groups (a number of sessions, each running one scenario). Foreground
groups are the load; background groups (idle tabs) stay connected until the foreground is
done, then close. Everything stops by itself: a session count limit, an overall deadline
after which unfinished sessions are cancelled (and counted as errors), per-action timeouts.
"""

from __future__ import annotations

import asyncio
import functools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import websockets

from measure.loadtest.limits import (
    DEFAULT_ACTION_TIMEOUT_S,
    MAX_SESSIONS,
    Deadline,
    LimitError,
    LoadTestError,
    check_count,
    check_duration,
    ensure_loopback,
)
from measure.loadtest.report import (
    LatencyRecorder,
    LoadReport,
    ProcessSampler,
    ProcessStats,
    read_machine_sample,
    read_named_processes_sample,
)
from measure.loadtest.scenarios import Scenario
from measure.loadtest.session import AppSession


@dataclass(frozen=True)
class Group:
    """`sessions` tabs each running `scenario(index)`; background ones only hold connections."""

    name: str
    sessions: int
    scenario: Callable[[int], Scenario]
    background: bool = False


@dataclass(frozen=True)
class LoadPlan:
    base_url: str
    groups: tuple[Group, ...]
    title: str = "Charge"
    ramp_s: float = 0.0
    max_duration_s: float = 300.0
    action_timeout_s: float = DEFAULT_ACTION_TIMEOUT_S
    server_pid: int | None = None
    sample_interval_s: float = 0.5
    parameters: dict[str, object] = field(default_factory=dict)
    # Several server processes: sessions go round-robin over `base_url` and `more_urls`, each
    # session staying on its server, as behind a sticky load balancer.
    more_urls: tuple[str, ...] = ()
    more_server_pids: tuple[int, ...] = ()
    # Also sample the whole machine's CPU, and processes by name (`postgres`).
    sample_machine: bool = False
    sample_process_names: tuple[str, ...] = ()

    @property
    def urls(self) -> tuple[str, ...]:
        return (self.base_url, *self.more_urls)

    def url_for(self, position: int) -> str:
        return self.urls[position % len(self.urls)]

    def validate(self) -> None:
        for url in self.urls:
            ensure_loopback(url)
        total = sum(g.sessions for g in self.groups)
        check_count("nombre total de sessions", total, MAX_SESSIONS)
        check_duration("durée maximale", self.max_duration_s)
        check_duration("délai d'une action", self.action_timeout_s)
        if not 0 <= self.ramp_s < self.max_duration_s:
            raise LimitError("La montée en charge doit être plus courte que la durée maximale.")
        if not any(not g.background and g.sessions for g in self.groups):
            raise LimitError(
                "Il faut au moins une session active (les sessions inactives ne font qu'attendre)."
            )


_EXPECTED_FAILURES = (LoadTestError, OSError, websockets.WebSocketException)


async def _virtual_user(
    plan: LoadPlan, group: Group, index: int, delay: float, recorder: LatencyRecorder, url: str
) -> bool:
    await asyncio.sleep(delay)
    session = AppSession(
        url,
        name=f"{group.name}-{index}",
        recorder=recorder,
        action_timeout=plan.action_timeout_s,
    )
    try:
        await group.scenario(index)(session)
        return True
    except _EXPECTED_FAILURES as error:
        recorder.error(f"scénario {group.name}", type(error).__name__)
        recorder.example(f"scénario {group.name}", type(error).__name__, str(error))
        return False
    finally:
        await session.close()


async def _cancel(tasks: list[asyncio.Task[bool]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def _run_groups(plan: LoadPlan, recorder: LatencyRecorder) -> dict[str, int]:
    """Start every session (spread over the ramp), wait for the foreground, drop the rest."""
    total = sum(g.sessions for g in plan.groups)
    foreground: list[asyncio.Task[bool]] = []
    background: list[asyncio.Task[bool]] = []
    position = 0
    for group in plan.groups:
        for index in range(group.sessions):
            delay = plan.ramp_s * position / total
            position += 1
            url = plan.url_for(position)
            task = asyncio.create_task(_virtual_user(plan, group, index, delay, recorder, url))
            (background if group.background else foreground).append(task)
    deadline = Deadline(plan.max_duration_s)
    done, late = await asyncio.wait(foreground, timeout=deadline.remaining)
    for _ in late:
        recorder.error("plan", "deadline")
    await _cancel([*late, *background])
    succeeded = 0
    for task in done:
        if task.exception() is not None:  # a bug, not a load failure: counted and named
            recorder.error("plan", f"inattendue {type(task.exception()).__name__}: {task.exception()}")
        elif task.result():
            succeeded += 1
    return {"sessions": total, "actives_terminées": succeeded, "actives_hors_délai": len(late)}


async def run_load(plan: LoadPlan) -> LoadReport:
    """Run the plan and report latencies, errors, server and client CPU/memory."""
    plan.validate()
    recorder = LatencyRecorder()
    interval = plan.sample_interval_s
    server = ProcessSampler(plan.server_pid, interval, label="serveur") if plan.server_pid else None
    client = ProcessSampler(os.getpid(), interval, label="client")
    others = [
        ProcessSampler(pid, interval, label=f"serveur {n}") for n, pid in enumerate(plan.more_server_pids, 2)
    ]
    others += [
        ProcessSampler(0, interval, reader=functools.partial(read_named_processes_sample, name), label=name)
        for name in plan.sample_process_names
    ]
    if plan.sample_machine:
        others.append(
            ProcessSampler(0, interval, reader=read_machine_sample, label="machine (2 cœurs = 200 %)")
        )
    for sampler in (server, client, *others):
        if sampler is not None:
            sampler.start()
    started = time.monotonic()
    try:
        outcome = await _run_groups(plan, recorder)
    finally:
        server_stats: ProcessStats | None = await server.stop() if server else None
        client_stats = await client.stop()
        other_stats = [await sampler.stop() for sampler in others]
    return LoadReport(
        title=plan.title,
        parameters={**plan.parameters, **outcome},
        duration_s=time.monotonic() - started,
        actions=recorder.stats(),
        errors=recorder.errors,
        server=server_stats,
        client=client_stats,
        others=other_stats,
        timeline=recorder.timeline(),
        answers=recorder.answers(),
        examples=dict(recorder.examples),
    )


def run_load_sync(plan: LoadPlan) -> LoadReport:
    """`run_load` from synchronous code (the command line)."""
    return asyncio.run(run_load(plan))
