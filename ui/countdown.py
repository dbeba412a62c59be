"""The countdown for screen readers: announced politely, at meaningful moments only.

The clock on Animer and on the projection ticks every second; read aloud every second it would
drown everything else. `announce()` adds a visually hidden `aria-live="polite"` region whose text
changes only at moments worth hearing — each new minute, under one minute, the last ten
seconds, the end — so a screen reader speaks about once a minute, never every second.
"""

from __future__ import annotations

import math

import streamlit as st

from ctg_workshop.day.phases import Countdown

_HIDDEN = (
    "position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;"
    "clip:rect(0,0,0,0);white-space:nowrap;border:0"
)


def spoken(countdown: Countdown) -> str:
    """What the live region says now; it changes once a minute, then at 1 min, 10 s and 0."""
    remaining = countdown.remaining_seconds
    if remaining <= 0:
        return "Temps écoulé."
    if remaining <= 10:
        return "Il reste moins de 10 secondes."
    if remaining <= 60:
        return "Il reste moins d'une minute."
    minutes = math.ceil(remaining / 60)
    return f"Il reste {minutes} minutes."


def announce(countdown: Countdown) -> None:
    """The hidden live region (the same element at every tick: only a new text is spoken)."""
    st.html(f'<div aria-live="polite" role="status" style="{_HIDDEN}">{spoken(countdown)}</div>')
