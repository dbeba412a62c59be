"""The countdown's live region speaks at meaningful moments only: once a minute, then under a
minute, in the last ten seconds, at the end — never every second."""

from __future__ import annotations

import datetime as dt

from ctg_workshop.day.phases import Countdown
from ui.countdown import spoken

END = dt.datetime(2026, 12, 4, 10, 0, 0)


def test_five_minutes_are_announced_eight_times_not_three_hundred():
    said = [spoken(Countdown(END, remaining)) for remaining in range(300, -1, -1)]
    changes = [text for previous, text in zip([None, *said], said, strict=False) if text != previous]
    assert changes == [
        "Il reste 5 minutes.",
        "Il reste 4 minutes.",
        "Il reste 3 minutes.",
        "Il reste 2 minutes.",
        "Il reste moins d'une minute.",
        "Il reste moins de 10 secondes.",
        "Temps écoulé.",
    ]


def test_an_hour_long_countdown_speaks_once_a_minute():
    said = {spoken(Countdown(END, remaining)) for remaining in range(3600, 60, -1)}
    assert len(said) == 59
