"""What a load run measured: latency percentiles per action, errors, server CPU and memory.

Latency is client side: from the moment the `rerun_script` frame is sent to the moment its
`script_finished` arrives, so it includes the network (loopback), the wait in the server's
queues, the script run and the deltas' transfer. CPU and memory come from `/proc/<pid>/stat`
and `/proc/<pid>/status` (Linux), sampled at a fixed interval; 100 % CPU is one core.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import math
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from measure.loadtest.limits import LimitError

PERCENTILES = (50, 95, 99)
TIMELINE_WINDOW_S = 15.0
MAX_EXAMPLE_CHARS = 300
MAX_SAMPLES = 100_000
MIN_RATE_SPAN_S = 0.1  # CPU time moves in clock ticks (10 ms): shorter spans give noise


def _ms(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.0f}"


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation between ranks; NaN if empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class ActionStats:
    action: str
    count: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float


class LatencyRecorder:
    """Latencies and errors by action name, shared by every session of a run."""

    def __init__(self, max_samples: int = MAX_SAMPLES) -> None:
        self._latencies: dict[str, list[float]] = defaultdict(list)
        self._errors: Counter[tuple[str, str]] = Counter()
        self._max_samples = max_samples
        self._count = 0
        self._started = time.monotonic()
        self.examples: dict[str, str] = {}
        # (seconds since the recorder was created, latency) of every answer, for the timeline.
        self._answers: list[tuple[float, float]] = []
        # (wall-clock time of the answer, latency, action) of every answer: what a run can be
        # compared with afterwards (e.g. the times the server wrote a backup).
        self._answered_at: list[tuple[float, float, str]] = []

    def record(self, action: str, seconds: float, *, error: str | None = None) -> None:
        """One action that got its answer; `error` names what went wrong in it (if anything)."""
        if self._count >= self._max_samples:
            raise LimitError(f"Plus de {self._max_samples} mesures : la charge ne s'arrête pas.")
        self._count += 1
        self._latencies[action].append(seconds)
        if action != "connect":
            self._answers.append((time.monotonic() - self._started, seconds))
            self._answered_at.append((time.time(), seconds, action))
        if error:
            self._errors[(action, error)] += 1

    def error(self, action: str, kind: str) -> None:
        """An action that failed without a measurable answer (timeout, disconnection…)."""
        self._errors[(action, kind)] += 1

    def example(self, action: str, kind: str, text: str) -> None:
        """Keep the first message of each kind of error (what the page showed), for the report."""
        self.examples.setdefault(f"{action}: {kind}", text[:MAX_EXAMPLE_CHARS])

    def latencies(self, action: str) -> list[float]:
        return list(self._latencies.get(action, []))

    @property
    def errors(self) -> dict[str, int]:
        return {f"{action}: {kind}": n for (action, kind), n in sorted(self._errors.items())}

    @property
    def error_count(self) -> int:
        return sum(self._errors.values())

    def answers(self) -> list[tuple[float, float, str]]:
        """(Unix time of the answer, latency in seconds, action) of every answer, in order."""
        return list(self._answered_at)

    def timeline(self, window_s: float = TIMELINE_WINDOW_S) -> list[dict[str, float]]:
        """Answers per window of `window_s` seconds (by completion time): how many, p50, p95, max
        (ms). Shows whether the slow answers came with the arrivals or later."""
        windows: dict[int, list[float]] = defaultdict(list)
        for at, seconds in self._answers:
            windows[int(at // window_s)].append(seconds)
        return [
            {
                "from_s": index * window_s,
                "answers": len(values),
                "p50_ms": percentile(values, 50) * 1000,
                "p95_ms": percentile(values, 95) * 1000,
                "max_ms": max(values) * 1000,
            }
            for index, values in sorted(windows.items())
        ]

    def stats(self) -> list[ActionStats]:
        actions = sorted(set(self._latencies) | {a for a, _ in self._errors})
        return [self._stats(action) for action in actions]

    def _stats(self, action: str) -> ActionStats:
        values = self._latencies.get(action, [])
        errors = sum(n for (a, _kind), n in self._errors.items() if a == action)
        p50, p95, p99 = (percentile(values, q) * 1000 for q in PERCENTILES)
        return ActionStats(
            action=action,
            count=len(values),
            errors=errors,
            p50_ms=p50,
            p95_ms=p95,
            p99_ms=p99,
            max_ms=max(values) * 1000 if values else math.nan,
            mean_ms=sum(values) / len(values) * 1000 if values else math.nan,
        )


@dataclass(frozen=True)
class ProcSample:
    at: float
    cpu_seconds: float
    rss_kib: int
    threads: int


def read_proc_sample(pid: int, proc: Path = Path("/proc")) -> ProcSample:
    """CPU time (user + system), resident memory and thread count of `pid` right now."""
    stat = (proc / str(pid) / "stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime: fields 14 and 15 of stat
    rss = threads = 0
    for line in (proc / str(pid) / "status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name == "VmRSS":
            rss = int(value.split()[0])
        elif name == "Threads":
            threads = int(value.split()[0])
    return ProcSample(at=time.monotonic(), cpu_seconds=cpu, rss_kib=rss, threads=threads)


def read_machine_sample(proc: Path = Path("/proc")) -> ProcSample:
    """The whole machine's busy CPU time (every core; 200 % = two cores busy), from /proc/stat."""
    fields = (proc / "stat").read_text().splitlines()[0].split()[1:]
    values = [int(v) for v in fields]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    busy = sum(values[:8]) - idle  # guest time is already counted in user time
    return ProcSample(at=time.monotonic(), cpu_seconds=busy / os.sysconf("SC_CLK_TCK"), rss_kib=0, threads=0)


def read_named_processes_sample(name: str, proc: Path = Path("/proc")) -> ProcSample:
    """CPU time, memory and threads summed over the processes called `name` (`postgres`: the
    database server and its backends). A process that exits takes its CPU time with it."""
    cpu = 0.0
    rss = threads = 0
    ticks = os.sysconf("SC_CLK_TCK")
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            if stat[stat.index("(") + 1 : stat.rindex(")")] != name:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            cpu += (int(fields[11]) + int(fields[12])) / ticks
            rss += int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
            threads += int(fields[17])
        except (OSError, ValueError, IndexError):
            continue  # gone in between
    return ProcSample(at=time.monotonic(), cpu_seconds=cpu, rss_kib=rss, threads=threads)


@dataclass(frozen=True)
class ProcessStats:
    pid: int
    samples: int
    cpu_mean_percent: float
    cpu_max_percent: float
    cpu_seconds: float
    rss_max_mib: float
    rss_last_mib: float
    threads_max: int
    label: str = ""


def summarize_samples(pid: int, samples: list[ProcSample], label: str = "") -> ProcessStats:
    rates = [
        (b.cpu_seconds - a.cpu_seconds) / (b.at - a.at) * 100
        for a, b in itertools.pairwise(samples)
        if b.at - a.at >= MIN_RATE_SPAN_S
    ]
    span = samples[-1].at - samples[0].at if len(samples) > 1 else 0.0
    used = samples[-1].cpu_seconds - samples[0].cpu_seconds if samples else 0.0
    return ProcessStats(
        pid=pid,
        label=label,
        samples=len(samples),
        cpu_mean_percent=used / span * 100 if span >= MIN_RATE_SPAN_S else math.nan,
        cpu_max_percent=max(rates) if rates else math.nan,
        cpu_seconds=used,
        rss_max_mib=max(s.rss_kib for s in samples) / 1024 if samples else math.nan,
        rss_last_mib=samples[-1].rss_kib / 1024 if samples else math.nan,
        threads_max=max(s.threads for s in samples) if samples else 0,
    )


@dataclass
class ProcessSampler:
    """Samples a process every `interval` seconds while a load runs (an asyncio task).

    `reader` replaces the per-PID reading (the whole machine, a group of processes); `label`
    names what is sampled in the report."""

    pid: int
    interval: float = 0.5
    max_samples: int = 20_000
    samples: list[ProcSample] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None
    reader: Callable[[], ProcSample] | None = None
    label: str = ""

    def _sample(self) -> bool:
        try:
            self.samples.append(self.reader() if self.reader else read_proc_sample(self.pid))
        except (OSError, ValueError, IndexError):
            return False  # the process is gone (or /proc unreadable): stop sampling
        return len(self.samples) < self.max_samples

    async def _loop(self) -> None:
        while self._sample():
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        self._sample()
        self._task = asyncio.create_task(self._loop(), name=f"sampler-{self.pid}")

    async def stop(self) -> ProcessStats:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._sample()
        return summarize_samples(self.pid, self.samples, self.label)


@dataclass
class LoadReport:
    """Everything one load run measured, ready to print or to save as JSON."""

    title: str
    parameters: dict[str, object]
    duration_s: float
    actions: list[ActionStats]
    errors: dict[str, int]
    server: ProcessStats | None
    client: ProcessStats | None
    # Every sampled process or group: each server, the database, the whole machine.
    others: list[ProcessStats] = field(default_factory=list)
    # What the database holds afterwards (checks.verify), when the run was asked to check it.
    check: dict[str, object] | None = None
    # Answers per window of time (LatencyRecorder.timeline).
    timeline: list[dict[str, float]] = field(default_factory=list)
    # The first message of each kind of error.
    examples: dict[str, str] = field(default_factory=dict)
    # Every answer: (Unix time, latency s, action) — LatencyRecorder.answers.
    answers: list[tuple[float, float, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def to_text(self) -> str:
        lines = [self.title, ""]
        lines += [f"  {name} : {value}" for name, value in self.parameters.items()]
        lines.append(f"  durée : {self.duration_s:.1f} s")
        lines.append("")
        header = (
            f"{'action':<24}{'n':>7}{'erreurs':>9}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}"
        )
        lines.append(header)
        for s in self.actions:
            figures = "".join(f"{_ms(v):>10}" for v in (s.p50_ms, s.p95_ms, s.p99_ms, s.max_ms))
            lines.append(f"{s.action:<24}{s.count:>7}{s.errors:>9}{figures}")
        lines.append("")
        sampled = [("serveur", self.server), ("client", self.client)]
        sampled += [(stats.label or "processus", stats) for stats in self.others]
        for label, stats in sampled:
            if stats is None:
                continue
            who = f" (pid {stats.pid})" if stats.pid else ""
            memory = (
                f" ; mémoire {stats.rss_max_mib:.0f} Mio au plus ; {stats.threads_max} fils"
                if stats.rss_max_mib == stats.rss_max_mib and stats.rss_max_mib > 0
                else ""
            )
            lines.append(
                f"CPU {label}{who} : moyenne {_ms(stats.cpu_mean_percent)} %, "
                f"pic {_ms(stats.cpu_max_percent)} % (100 % = un cœur), {stats.cpu_seconds:.1f} s CPU{memory}"
            )
        if self.timeline:
            worst = max(self.timeline, key=lambda w: w["p95_ms"])
            lines.append(
                f"Pire fenêtre de {TIMELINE_WINDOW_S:.0f} s : à partir de {worst['from_s']:.0f} s, "
                f"{worst['answers']:.0f} réponses, p95 {_ms(worst['p95_ms'])} ms"
            )
        if self.check is not None:
            problems = list(self.check.get("problems", []))  # type: ignore[call-overload]
            counts = dict(self.check.get("counts", {}))  # type: ignore[call-overload]
            lines.append("Base de données : " + ", ".join(f"{k} {v}" for k, v in counts.items()))
            lines.append(f"Anomalies : {len(problems)}" if problems else "Base de données cohérente.")
            lines += [f"  - {problem}" for problem in problems[:20]]
        if self.errors:
            lines.append("Erreurs :")
            lines += [f"  {name} : {n}" for name, n in self.errors.items()]
            lines += [f"  exemple {name} : {text}" for name, text in self.examples.items()]
        else:
            lines.append("Aucune erreur.")
        return "\n".join(lines)
