"""Numbers beside a ranking: ties share one, items without points get none."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from ctg_workshop.day.ranks import DisplayRank, display_ranks
from ctg_workshop.day.results import rankings
from ctg_workshop.storage.db import read_session
from ctg_workshop.storage.lookups import workshop_by_code


@dataclass(frozen=True)
class Line:
    dots: int
    voters: int


def test_ties_share_a_number_and_the_next_one_skips():
    lines = [Line(9, 4), Line(5, 3), Line(5, 3), Line(5, 2), Line(1, 1), Line(0, 0), Line(0, 0)]
    ranks = display_ranks(lines)
    assert [r.number for r in ranks] == [1, 2, 2, 4, 5, None, None]
    assert [r.label for r in ranks] == ["1", "2 ex æquo", "2 ex æquo", "4", "5", "", ""]


def test_empty_and_all_without_points():
    assert display_ranks([]) == []
    assert display_ranks([Line(0, 0)]) == [DisplayRank(None)]


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 10)), max_size=30))
def test_numbers_follow_the_ranking(scores):
    lines = [Line(d, v) for d, v in sorted(scores, key=lambda s: (-s[0], -s[1]))]
    ranks = display_ranks(lines)
    for index, (line, rank) in enumerate(zip(lines, ranks, strict=True)):
        if line.dots == 0:
            assert rank.number is None
            continue
        same = [i for i, other in enumerate(lines) if (other.dots, other.voters) == (line.dots, line.voters)]
        assert rank.number == same[0] + 1  # the position of the first of its tie
        assert rank.tied == (len(same) > 1)
        if index and rank.number is not None:
            assert rank.number >= ranks[index - 1].number


def test_on_the_demo_rankings(demo_engine):
    with read_session(demo_engine) as session:
        workshop = workshop_by_code(session=session, code="ARMDEMO")
        ranked = rankings(session=session, workshop_id=workshop.id)
    for ranking in ranked.values():
        ranks = display_ranks(ranking)
        voted = [r for r, line in zip(ranks, ranking, strict=True) if line.dots]
        assert voted and voted[0].number == 1
        assert all(r.number is None for r, line in zip(ranks, ranking, strict=True) if not line.dots)
