"""What a benchmark hands to the report: figures (subject against floor) and their targets."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from measure.benchmarks.stats import Samples, ratio


class Goal(StrEnum):
    RATIO_AT_MOST = "ratio_at_most"  # subject / floor ≤ value (costs)
    RATIO_AT_LEAST = "ratio_at_least"  # subject / floor ≥ value (throughputs)
    AT_MOST = "at_most"  # subject's median ≤ value (seconds, counts)


@dataclass(frozen=True)
class Target:
    goal: Goal
    value: float

    def met(self, figure: Figure) -> bool | None:
        if self.goal is Goal.AT_MOST:
            return figure.subject.median <= self.value if figure.subject.values else None
        found = figure.ratio
        if math.isnan(found):
            return None
        return found <= self.value if self.goal is Goal.RATIO_AT_MOST else found >= self.value

    def describe(self, unit: str) -> str:
        number = f"{self.value:g}".replace(".", ",")
        if self.goal is Goal.RATIO_AT_MOST:
            return f"≤ {number} × plancher"
        if self.goal is Goal.RATIO_AT_LEAST:
            return f"≥ {number} × plancher"
        if unit == "s":
            return f"< {self.value * 1000:g} ms" if self.value < 1 else f"< {number} s"
        return f"≤ {number} {unit}"


@dataclass(frozen=True)
class Figure:
    """One measured thing at one size: the subject, its floor, the targets it must meet."""

    key: str  # stable identifier, e.g. "partner.add_item"
    title: str  # French, for the report
    scale: float
    subject: Samples
    floor: Samples | None = None
    floor_title: str = ""
    unit: str = "s"  # "s", "contributions/s", "requêtes"
    targets: tuple[Target, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ratio(self) -> float:
        return ratio(self.subject, self.floor) if self.floor is not None else math.nan

    def met(self) -> bool | None:
        """All targets met (None when none applies or one cannot be judged)."""
        verdicts = [target.met(self) for target in self.targets]
        if not verdicts or any(v is None for v in verdicts):
            return None
        return all(verdicts)
