"""The numbers shown beside a ranking: ties share a number, items without points get none.

`results.rankings` orders a topic's items as the spec says (dots, voters, then age and key to
settle every tie). Age and key only give a stable order: two items with the same dots and the
same number of voters are tied, and shown with the same number, « ex æquo »; the next item
takes the number after the tied ones (1, 2, 2, 4: the numbering of a sports ranking). An item
nobody put a dot on is not ranked: it gets no number.

The projection, the partner's results and the convention number their lines with
`display_ranks`, never with `enumerate`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class Scored(Protocol):
    @property
    def dots(self) -> int: ...

    @property
    def voters(self) -> int: ...


@dataclass(frozen=True)
class DisplayRank:
    """The number shown for one line: None for an item without points; `tied` when another
    line shares it."""

    number: int | None
    tied: bool = False

    @property
    def label(self) -> str:
        """« 1 », « 2 ex æquo », or « » (no points)."""
        if self.number is None:
            return ""
        return f"{self.number} ex æquo" if self.tied else str(self.number)


def display_ranks(ranking: Sequence[Scored]) -> list[DisplayRank]:
    """One DisplayRank per line of `ranking` (already in ranking order), in the same order."""
    scores = [(line.dots, line.voters) for line in ranking]
    sharing = Counter(scores)
    ranks: list[DisplayRank] = []
    for position, score in enumerate(scores, start=1):
        if score[0] <= 0:
            ranks.append(DisplayRank(None))
        elif position > 1 and score == scores[position - 2]:
            ranks.append(DisplayRank(ranks[-1].number, tied=True))
        else:
            ranks.append(DisplayRank(position, tied=sharing[score] > 1))
    return ranks
