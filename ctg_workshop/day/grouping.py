"""Grouping duplicates: suggestions that understand French, merges, un-merges.

Suggestions compare the representatives (items neither hidden nor merged) of one topic and one
quadrant. Texts are compared once reduced to what carries meaning: lower case, accents
stripped, elisions and stop words dropped, plurals crudely singularised (« crèches » →
« creche », « locaux » → « local »); word order does not matter (rapidfuzz's
token_set_ratio). A pair needs at least two meaningful words in common, or to be close
overall, so that a one-word item is not the duplicate of every sentence containing that word.
A rejected pair is remembered (`MergeRejection`) and never suggested again.

A merge points an item at its group's representative (groups are one level deep) and moves its
votes there: a participant who voted for both keeps the sum, capped by the per-item maximum
(the surplus goes back to them; the topic budget holds, those dots were spent in the same
topic). Un-merging leaves the votes where they are: on the representative.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from dataclasses import dataclass
from itertools import groupby

import numpy as np
from rapidfuzz import fuzz, process
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ctg_workshop.day.moderation import workshop_item
from ctg_workshop.errors import ConflictError, InvalidInputError
from ctg_workshop.storage.lookups import workshop_by_id
from ctg_workshop.storage.models import Item, MergeRejection, Participant, Vote

SUGGESTION_THRESHOLD = 65
SUGGESTION_LIMIT = 50
TYPO_MIN_LENGTH = 5  # shorter words must be spelt the same
TYPO_RATIO = 85  # fuzz.ratio above which two longer words are the same word mistyped
BLOCK_ROWS = 512  # rows of the text × key product computed at once

_STOP_WORDS_TEXT = """
    a ai au aux avec c ca ce ceci cela celle celles celui ces cet cette ceux chez comme d dans de des
    du elle elles en entre est et etre ete eux il ils j je l la le les leur leurs lui m ma mais me
    meme mes moi mon n ne ni nos notre nous on ont ou par pas peu plus pour qu que qui quoi s sa sans
    se ses si son sont sur t ta te tes toi ton tous tout toute toutes tres trop tu un une vos votre
    vous y aussi bien car donc dont vers lors depuis souvent parfois certain certaine certains
    certaines beaucoup assez deja encore toujours autre autres avoir fait faire peut peuvent tant
    deux trois quatre cinq dix cent mille
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
# The vocabulary every SWOT grid shares: it counts, but half as much as what the item is about.
_GENERIC_WORDS_TEXT = """
    manque absence besoin probleme difficulte difficile acce offre solution insuffisant insuffisance
    faible developper developpement renforcer ameliorer amelioration
"""
GENERIC_WORDS = frozenset(_GENERIC_WORDS_TEXT.split())
_WORD = re.compile(r"[a-z0-9]+")


def singular(word: str) -> str:
    """A crude French singular: « eaux » → « eau », « aux » → « al », final « s »/« x » dropped."""
    if len(word) <= 4:
        return word
    if word.endswith("eaux"):
        return word[:-1]
    if word.endswith("aux"):
        return word[:-3] + "al"
    if word[-1] in "sx":
        return word[:-1]
    return word


def matching_words(text: str) -> list[str]:
    """The words of `text` that carry meaning, accent-free and singular."""
    folded = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode("ascii")
    return [singular(w) for w in _WORD.findall(folded) if w not in STOP_WORDS]


def matching_text(text: str) -> str:
    """`text` reduced for duplicate matching (« Des crèches trop chères » → « creche chere »)."""
    return " ".join(matching_words(text))


def similarity(first: str, second: str) -> float:
    """0–100: how likely two item texts say the same thing."""
    a, b = matching_text(first), matching_text(second)
    if not a or not b:
        return 0.0
    return _score(a, b, fuzz.token_set_ratio(a, b))


def _unmatched(words: list[str], others: list[str]) -> list[str]:
    """The words without an equal, or a typo apart (« ecoute » / « ecoutte »), among `others`."""
    exact = set(others)
    long_others = [o for o in others if len(o) >= TYPO_MIN_LENGTH]
    return [
        w
        for w in words
        if w not in exact
        and not (
            len(w) >= TYPO_MIN_LENGTH
            and long_others
            and process.extractOne(w, long_others, scorer=fuzz.ratio, score_cutoff=TYPO_RATIO) is not None
        )
    ]


def _score(first: str, second: str, set_ratio: float) -> float:
    """The final score of a pair that token_set_ratio found close (`set_ratio`).

    - Fewer than two meaningful words in common: the stricter token_sort_ratio caps it
      (« Transports » is not the duplicate of every sentence about transport).
    - One text's words all found in the other: token_set_ratio (« Manque de places en
      crèche » / « Pas assez de places dans les crèches »).
    - Words on both sides without a match: the share of letters in matched words (Dice, the
      generic words of SWOT grids counting half), so that « places en crèche » and
      « personnel en crèche » stay apart.
    """
    a, b = first.split(), second.split()
    only_a, only_b = _unmatched(a, b), _unmatched(b, a)
    shared = len(a) - len(only_a)
    if shared < 2:
        return min(set_ratio, fuzz.token_sort_ratio(first, second))
    if not only_a or not only_b:
        return set_ratio
    total = _weight(a) + _weight(b)
    return min(set_ratio, 100 * (total - _weight(only_a) - _weight(only_b)) / total)


def _weight(words: list[str]) -> float:
    """Letters, generic SWOT words counting half."""
    return sum(len(w) / 2 if w in GENERIC_WORDS else len(w) for w in words)


@dataclass(frozen=True)
class Candidate:
    """What suggestions need of an item."""

    id: int
    text: str
    members: int
    created_key: tuple


@dataclass(frozen=True)
class Suggestion:
    """Two representatives that likely say the same thing; `keep_id` would stay the representative."""

    keep_id: int
    merge_id: int
    keep_text: str
    merge_text: str
    quadrant: str
    score: int


def _match_keys(words: list[str]) -> set[str]:
    """What two texts must share to be compared: a word, or the first four letters of a long one."""
    return set(words) | {w[:4] for w in words if len(w) >= TYPO_MIN_LENGTH}


def _sharing_pairs(reduced: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i < j) of texts that share at least one match key.

    Texts sharing nothing cannot be duplicates; leaving them out before the fuzzy comparison
    spares most of the n²/2 comparisons. Computed as a product of a text × key
    incidence matrix, by blocks of rows (memory stays small for thousands of items).
    """
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    columns: list[int] = []
    for i, text in enumerate(reduced):
        for key in _match_keys(text.split()):
            rows.append(i)
            columns.append(vocabulary.setdefault(key, len(vocabulary)))
    incidence = np.zeros((len(reduced), max(len(vocabulary), 1)), dtype=np.float32)
    incidence[rows, columns] = 1.0
    firsts, seconds = [], []
    for start in range(0, len(reduced), BLOCK_ROWS):
        shared = incidence[start : start + BLOCK_ROWS] @ incidence[start:].T
        row, column = np.nonzero(shared)
        later = column > row
        firsts.append(start + row[later])
        seconds.append(start + column[later])
    return np.concatenate(firsts), np.concatenate(seconds)


def suggest_pairs(
    candidates: list[Candidate],
    *,
    rejected: frozenset[tuple[int, int]] = frozenset(),
    threshold: float = SUGGESTION_THRESHOLD,
    limit: int | None = None,
) -> list[tuple[Candidate, Candidate, float]]:
    """Likely duplicate pairs among `candidates` (one topic and quadrant), best first (`limit` at most)."""
    if len(candidates) < 2:
        return []
    reduced = [matching_text(c.text) for c in candidates]
    firsts, seconds = _sharing_pairs(reduced)
    if not len(firsts):
        return []
    scores = process.cpdist(
        [reduced[i] for i in firsts.tolist()],
        [reduced[j] for j in seconds.tolist()],
        scorer=fuzz.token_set_ratio,
        processor=None,
        score_cutoff=threshold,
        workers=-1,
    )
    close = np.nonzero(scores >= threshold)[0]
    pairs: list[tuple[Candidate, Candidate, float]] = []
    best: list[float] = []  # min-heap of the `limit` best final scores so far
    # Best token_set_ratio first: a final score never exceeds it, so once it falls below the
    # `limit`-th best final score, no later pair can enter the result.
    for index in close[np.argsort(-scores[close], kind="stable")].tolist():
        set_ratio = float(scores[index])
        if limit is not None and len(best) >= limit and set_ratio < best[0]:
            break
        i, j = int(firsts[index]), int(seconds[index])
        first, second = candidates[i], candidates[j]
        if (min(first.id, second.id), max(first.id, second.id)) in rejected:
            continue
        score = _score(reduced[i], reduced[j], set_ratio)
        if score < threshold:
            continue
        pairs.append((first, second, score))
        if limit is not None:
            (heapq.heappush if len(best) < limit else heapq.heappushpop)(best, score)
    pairs.sort(key=lambda p: (-p[2], p[0].created_key, p[1].created_key))
    return pairs[:limit] if limit is not None else pairs


def _representative_first(first: Candidate, second: Candidate) -> tuple[Candidate, Candidate]:
    """The item that stays representative: the larger group, else the older item."""
    if (-first.members, first.created_key) <= (-second.members, second.created_key):
        return first, second
    return second, first


def suggest_duplicates(
    *, session: Session, workshop_id: int, topic_id: int, limit: int = SUGGESTION_LIMIT
) -> list[Suggestion]:
    """Likely duplicates within each quadrant of a topic, best first, rejected pairs left out."""
    items = session.execute(
        select(Item.id, Item.quadrant, Item.text, Item.created_at, Item.merged_into_id, Item.hidden)
        .where(Item.workshop_id == workshop_id, Item.topic_id == topic_id)
        .order_by(Item.quadrant, Item.created_at, Item.id)
    ).all()
    members: dict[int, int] = {}
    for row in items:
        if row.merged_into_id is not None and not row.hidden:
            members[row.merged_into_id] = members.get(row.merged_into_id, 0) + 1
    topic_items = select(Item.id).where(Item.topic_id == topic_id)
    rejected = frozenset(
        (low, high)
        for low, high in session.execute(
            select(MergeRejection.item_low_id, MergeRejection.item_high_id).where(
                MergeRejection.item_low_id.in_(topic_items)
            )
        )
    )
    representatives = [row for row in items if row.merged_into_id is None and not row.hidden]
    found: list[tuple[float, Suggestion]] = []
    for quadrant, rows in groupby(representatives, key=lambda r: r.quadrant):
        candidates = [Candidate(r.id, r.text, members.get(r.id, 0), (r.created_at, r.id)) for r in rows]
        for first, second, score in suggest_pairs(candidates, rejected=rejected, limit=limit):
            keep, merge = _representative_first(first, second)
            found.append(
                (score, Suggestion(keep.id, merge.id, keep.text, merge.text, quadrant, round(score)))
            )
    found.sort(key=lambda pair: -pair[0])
    return [suggestion for _, suggestion in found[:limit]]


def reject_suggestion(*, session: Session, workshop_id: int, first_id: int, second_id: int) -> None:
    """Remember that these two items are not duplicates: never suggest the pair again."""
    low, high = sorted((first_id, second_id))
    if low == high:
        raise InvalidInputError("Une contribution ne peut pas être le doublon d'elle-même.")
    workshop_item(session, workshop_id, low)
    workshop_item(session, workshop_id, high)
    exists = session.scalar(
        select(MergeRejection.id).where(
            MergeRejection.item_low_id == low, MergeRejection.item_high_id == high
        )
    )
    if exists is None:
        session.add(MergeRejection(item_low_id=low, item_high_id=high))
        session.flush()


@dataclass(frozen=True)
class MergeResult:
    members_moved: int
    votes_moved: int
    dots_returned: int


def _move_votes(session: Session, item: Item, into: Item, cap: int) -> tuple[int, int]:
    """Move `item`'s votes onto `into`; returns (votes moved, dots given back by the cap)."""
    moved = returned = 0
    votes = list(session.scalars(select(Vote).where(Vote.item_id == item.id).order_by(Vote.id)))
    for vote in votes:
        existing = session.scalar(
            select(Vote).where(Vote.item_id == into.id, Vote.participant_id == vote.participant_id)
        )
        moved += 1
        if existing is None:
            vote.item_id = into.id
            session.flush()
            continue
        total = existing.dots + vote.dots
        # Delete first: the budget trigger would otherwise count these dots twice.
        session.delete(vote)
        session.flush()
        existing.dots = min(total, cap)
        returned += total - existing.dots
        session.flush()
    return moved, returned


def merge_items(*, session: Session, workshop_id: int, item_id: int, into_id: int) -> MergeResult:
    """Put item `item_id` (and its own group, if any) in the group of `into_id`; votes follow."""
    workshop = workshop_by_id(session=session, workshop_id=workshop_id, lock=True)
    item = workshop_item(session, workshop_id, item_id)
    into = workshop_item(session, workshop_id, into_id)
    if item.id == into.id:
        raise InvalidInputError("Une contribution ne peut pas être regroupée avec elle-même.")
    if item.topic_id != into.topic_id or item.quadrant != into.quadrant:
        raise InvalidInputError("On ne regroupe que des contributions du même sujet et du même quadrant.")
    if item.hidden or into.hidden:
        raise ConflictError("Une contribution masquée ne peut pas être regroupée : affichez-la d'abord.")
    if into.merged_into_id is not None:
        raise ConflictError(
            "La contribution choisie fait déjà partie d'un groupe : regroupez avec la contribution "
            "qui représente ce groupe (les groupes n'ont qu'un niveau)."
        )
    if item.merged_into_id is not None:
        raise ConflictError("Cette contribution fait déjà partie d'un groupe : sortez-la d'abord du groupe.")
    moved, returned = _move_votes(session, item, into, workshop.max_dots_per_item)
    members = session.execute(
        update(Item).where(Item.merged_into_id == item.id).values(merged_into_id=into.id)
    ).rowcount
    item.merged_into_id = into.id
    session.flush()
    return MergeResult(members_moved=members or 0, votes_moved=moved, dots_returned=returned)


def unmerge_item(*, session: Session, workshop_id: int, item_id: int) -> None:
    """Take an item out of its group; the votes stay on the group's representative."""
    workshop_by_id(session=session, workshop_id=workshop_id, lock=True)
    item = workshop_item(session, workshop_id, item_id)
    if item.merged_into_id is None:
        raise ConflictError("Cette contribution ne fait partie d'aucun groupe.")
    item.merged_into_id = None
    session.flush()


def dissolve_group(*, session: Session, workshop_id: int, representative_id: int) -> int:
    """Take every member out of the group of `representative_id`; returns how many left it."""
    workshop_by_id(session=session, workshop_id=workshop_id, lock=True)
    item = workshop_item(session, workshop_id, representative_id)
    result = session.execute(update(Item).where(Item.merged_into_id == item.id).values(merged_into_id=None))
    session.flush()
    return result.rowcount or 0


@dataclass(frozen=True)
class GroupView:
    """A representative and the items merged into it (hidden ones left out)."""

    id: int
    quadrant: str
    text: str
    organisation: str | None
    members: tuple[tuple[int, str, str | None], ...]


def topic_groups(*, session: Session, workshop_id: int, topic_id: int) -> list[GroupView]:
    """The topic's representatives with their members, by quadrant then age; for the grouping screen."""
    rows = session.execute(
        select(Item, Participant.organisation)
        .outerjoin(Participant, Participant.id == Item.author_id)
        .where(Item.workshop_id == workshop_id, Item.topic_id == topic_id, Item.hidden.is_(False))
        .order_by(Item.quadrant, Item.created_at, Item.id)
    ).all()
    members: dict[int, list[tuple[int, str, str | None]]] = {}
    for item, organisation in rows:
        if item.merged_into_id is not None:
            members.setdefault(item.merged_into_id, []).append((item.id, item.text, organisation))
    return [
        GroupView(item.id, item.quadrant, item.text, organisation, tuple(members.get(item.id, ())))
        for item, organisation in rows
        if item.merged_into_id is None
    ]
