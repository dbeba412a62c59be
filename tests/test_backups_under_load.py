"""The comparison of `measure.backups_under_load`: answers sorted by when they were asked."""

from __future__ import annotations

from measure.backups_under_load import Window, split_answers


def test_an_answer_counts_as_during_a_backup_when_it_was_asked_during_it() -> None:
    windows = [Window(100.0, 101.0)]
    answers = [
        (100.6, 0.5, "voter"),  # asked at 100.1: during
        (103.0, 2.5, "voter"),  # asked at 100.5, answered long after: during
        (102.5, 2.0, "voter"),  # asked at 100.5: during
        (99.9, 0.2, "voter"),  # asked at 99.7, answered before the window: outside
        (104.0, 3.5, "voter"),  # asked at 100.5: during
        (106.0, 5.5, "retirer"),  # asked at 100.5 but another action
        (110.0, 9.5, "voter"),  # asked at 100.5: during
        (101.5, 0.3, "voter"),  # asked at 101.2, after the window: outside
    ]
    during, outside = split_answers(answers, windows, {"voter"})
    assert during == [0.5, 2.5, 2.0, 3.5, 9.5]
    assert outside == [0.2, 0.3]


def test_a_slow_answer_that_only_overlaps_a_backup_is_not_counted_during_it() -> None:
    # Asked before the snapshot started and still waiting while it ran: by overlap it would
    # be « during », and slow answers overlap more windows just by lasting longer.
    during, outside = split_answers([(105.0, 6.0, "voter")], [Window(100.0, 101.0)])
    assert (during, outside) == ([], [6.0])
