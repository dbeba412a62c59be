"""What the server acknowledged to the simulated partners, to be checked against the database.

A partner's action is *acknowledged* when the page drawn after it shows its effect: the success
message and the partner's own item in the list for an item; the success message and the new
number of dots on the card for a vote; the participant's token in the URL for a join. An
action that got no answer (timeout, connection lost, server killed) is *in doubt*: it may or
may not have been committed, and the checks accept both outcomes — never anything else.

One `Ledger` is shared by every session of a run (a single asyncio loop: no lock needed).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum


class Outcome(Enum):
    ACKNOWLEDGED = "acquittée"
    REFUSED = "refusée"  # the page said no (phase over, budget spent): nothing written
    IN_DOUBT = "sans réponse"  # no answer: written or not, both are correct


@dataclass(frozen=True)
class ItemRecord:
    """An item a partner sent (`text` exactly as typed: the scenario types clean text)."""

    user: str
    token: str
    topic_key: str
    quadrant: str
    text: str
    outcome: Outcome


@dataclass
class VoteRecord:
    """A partner's dots on one item: the last number the page showed, and whether a later
    action on it went unanswered (then the database may hold one dot more or less)."""

    user: str
    token: str
    item_id: int
    dots: int = 0
    doubt: set[int] = field(default_factory=set)

    def acceptable(self) -> set[int]:
        return {self.dots, *self.doubt}


@dataclass(frozen=True)
class JoinRecord:
    user: str
    organisation: str
    token: str | None
    outcome: Outcome


@dataclass
class Ledger:
    """Everything the simulated partners were told, for `checks.verify`."""

    code: str = ""
    joins: dict[str, JoinRecord] = field(default_factory=dict)
    items: list[ItemRecord] = field(default_factory=list)
    votes: dict[tuple[str, int], VoteRecord] = field(default_factory=dict)
    outcomes: Counter[str] = field(default_factory=Counter)
    # Called after each record (a test waits for « 20 acknowledged actions » this way).
    on_record: Callable[[Ledger], None] | None = None

    def _recorded(self, kind: str) -> None:
        self.outcomes[kind] += 1
        if self.on_record is not None:
            self.on_record(self)

    def acknowledged(self) -> int:
        return sum(n for kind, n in self.outcomes.items() if kind.endswith(Outcome.ACKNOWLEDGED.value))

    def joined(self, user: str, organisation: str, token: str | None, outcome: Outcome) -> None:
        previous = self.joins.get(user)
        if (
            previous is not None
            and previous.outcome is Outcome.ACKNOWLEDGED
            and outcome is not Outcome.ACKNOWLEDGED
        ):
            return  # a later doubtful rejoin does not undo the first acknowledged one
        self.joins[user] = JoinRecord(user, organisation, token, outcome)
        self._recorded(f"rejoindre {outcome.value}")

    def item(self, record: ItemRecord) -> None:
        self.items.append(record)
        self._recorded(f"contribution {record.outcome.value}")

    def vote(self, user: str, token: str, item_id: int) -> VoteRecord:
        return self.votes.setdefault((token, item_id), VoteRecord(user, token, item_id))

    def vote_acknowledged(self, user: str, token: str, item_id: int, dots: int) -> None:
        record = self.vote(user, token, item_id)
        record.dots = dots
        record.doubt.clear()
        self._recorded(f"vote {Outcome.ACKNOWLEDGED.value}")

    def vote_in_doubt(self, user: str, token: str, item_id: int, change: int) -> None:
        record = self.vote(user, token, item_id)
        record.doubt.add(record.dots + change)
        self._recorded(f"vote {Outcome.IN_DOUBT.value}")

    def vote_refused(self) -> None:
        self._recorded(f"vote {Outcome.REFUSED.value}")

    def tokens(self) -> set[str]:
        return {j.token for j in self.joins.values() if j.token}

    def summary(self) -> dict[str, int]:
        return dict(sorted(self.outcomes.items()))
