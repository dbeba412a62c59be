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
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ctg_workshop.loadtest.limits import LimitError

PERCENTILES = (50, 95, 99)
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

    def record(self, action: str, seconds: float, *, error: str | None = None) -> None:
        """One action that got its answer; `error` names what went wrong in it (if anything)."""
        if self._count >= self._max_samples:
            raise LimitError(f"Plus de {self._max_samples} mesures : la charge ne s'arrête pas.")
        self._count += 1
        self._latencies[action].append(seconds)
        if error:
            self._errors[(action, error)] += 1

    def error(self, action: str, kind: str) -> None:
        """An action that failed without a measurable answer (timeout, disconnection…)."""
        self._errors[(action, kind)] += 1

    def latencies(self, action: str) -> list[float]:
        return list(self._latencies.get(action, []))

    @property
    def errors(self) -> dict[str, int]:
        return {f"{action}: {kind}": n for (action, kind), n in sorted(self._errors.items())}

    @property
    def error_count(self) -> int:
        return sum(self._errors.values())

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


def summarize_samples(pid: int, samples: list[ProcSample]) -> ProcessStats:
    rates = [
        (b.cpu_seconds - a.cpu_seconds) / (b.at - a.at) * 100
        for a, b in itertools.pairwise(samples)
        if b.at - a.at >= MIN_RATE_SPAN_S
    ]
    span = samples[-1].at - samples[0].at if len(samples) > 1 else 0.0
    used = samples[-1].cpu_seconds - samples[0].cpu_seconds if samples else 0.0
    return ProcessStats(
        pid=pid,
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
    """Samples a process every `interval` seconds while a load runs (an asyncio task)."""

    pid: int
    interval: float = 0.5
    max_samples: int = 20_000
    samples: list[ProcSample] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    def _sample(self) -> bool:
        try:
            self.samples.append(read_proc_sample(self.pid))
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
        return summarize_samples(self.pid, self.samples)


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
        for label, stats in (("serveur", self.server), ("client", self.client)):
            if stats is not None:
                lines.append(
                    f"CPU {label} (pid {stats.pid}) : moyenne {_ms(stats.cpu_mean_percent)} %, "
                    f"pic {_ms(stats.cpu_max_percent)} % (100 % = un cœur), {stats.cpu_seconds:.1f} s CPU ; "
                    f"mémoire {stats.rss_max_mib:.0f} Mio au plus ; {stats.threads_max} fils"
                )
        if self.errors:
            lines.append("Erreurs :")
            lines += [f"  {name} : {n}" for name, n in self.errors.items()]
        else:
            lines.append("Aucune erreur.")
        return "\n".join(lines)
