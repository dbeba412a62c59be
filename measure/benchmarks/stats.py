"""Samples, medians and spreads; how a cost grows with the workshop's size."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Samples:
    """Repeated measures of one thing, in seconds (or any unit, as long as it is the same)."""

    values: tuple[float, ...]

    @classmethod
    def of(cls, values: Iterable[float]) -> Samples:
        return cls(tuple(values))

    def __len__(self) -> int:
        return len(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else math.nan

    @property
    def low(self) -> float:
        return min(self.values) if self.values else math.nan

    @property
    def high(self) -> float:
        return max(self.values) if self.values else math.nan

    @property
    def quartiles(self) -> tuple[float, float]:
        """First and third quartiles (the sample itself below 4 values)."""
        if len(self.values) < 4:
            return self.low, self.high
        q1, _, q3 = statistics.quantiles(self.values, n=4, method="inclusive")
        return q1, q3


def ratio(subject: Samples, floor: Samples) -> float:
    """Median over median; NaN when the floor is missing or zero."""
    if not subject.values or not floor.values or floor.median <= 0:
        return math.nan
    return subject.median / floor.median


def growth_exponent(sizes: Sequence[int], medians: Sequence[float]) -> float:
    """k in cost ∝ sizeᵏ, fitted by least squares on logarithms: 0 flat, 1 linear, 2 quadratic."""
    points = [(math.log(s), math.log(m)) for s, m in zip(sizes, medians, strict=True) if m > 0]
    if len(points) < 2:
        return math.nan
    mean_x = statistics.fmean(x for x, _ in points)
    mean_y = statistics.fmean(y for _, y in points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return math.nan
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
