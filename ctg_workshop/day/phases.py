"""The workshop's phases and its countdown.

collect → group → vote → closed, and back when the room needs it. Any phase can follow any
other (grouping can be skipped), but going back is said plainly before it is done:

- Votes are never lost by a phase change. Going back from `vote` or `closed` to `collect` or
  `group` keeps every dot already placed (they count again when the vote reopens) unless the
  facilitator explicitly asks to clear them (`clear_votes=True`), which deletes every vote of
  the workshop.
- Going back from `closed` to `vote` reopens the vote: totals are hidden again.
- A phase change stops the countdown (each phase has its own timing).

A phase change locks the workshop row (`FOR UPDATE`): a vote or an item in flight (which holds
it `FOR SHARE`) finishes first; the next one sees the new phase.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ctg_workshop.errors import InvalidInputError, NotFoundError
from ctg_workshop.identifiers import utc_now
from ctg_workshop.storage.lookups import workshop_by_id
from ctg_workshop.storage.models import Phase, Vote, Workshop
from ctg_workshop.wording import PHASE_LABELS

PHASE_ORDER = (Phase.COLLECT, Phase.GROUP, Phase.VOTE, Phase.CLOSED)
TIMER_MAX_MINUTES = 240

# What each phase lets people do, as told to the facilitator.
PHASE_RULES = {
    Phase.COLLECT: "Les partenaires ajoutent, corrigent et retirent leurs contributions.",
    Phase.GROUP: "Les contributions sont figées ; l'animateur regroupe les doublons et masque le hors-sujet.",
    Phase.VOTE: "Les partenaires placent leurs points ; les totaux restent cachés jusqu'à la clôture.",
    Phase.CLOSED: "Plus rien ne change ; le classement est affiché à tous.",
}


@dataclass(frozen=True)
class PhaseChange:
    previous: Phase
    current: Phase
    votes_cleared: int


@dataclass(frozen=True)
class Countdown:
    ends_at: dt.datetime
    remaining_seconds: int

    @property
    def finished(self) -> bool:
        return self.remaining_seconds <= 0

    @property
    def clock(self) -> str:
        """« 04:59 » (or « 1:04:59 » past an hour); « 00:00 » once finished."""
        minutes, seconds = divmod(max(self.remaining_seconds, 0), 60)
        hours, minutes = divmod(minutes, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def is_backwards(previous: Phase, current: Phase) -> bool:
    return PHASE_ORDER.index(current) < PHASE_ORDER.index(previous)


def vote_count(*, session: Session, workshop_id: int) -> int:
    return int(session.scalar(select(func.count()).select_from(Vote).where(Vote.workshop_id == workshop_id)))


def describe_change(previous: Phase, current: Phase, *, votes: int) -> str:
    """What the change will do, in French, for the confirmation the facilitator reads."""
    parts = [f"Passer de « {PHASE_LABELS[previous]} » à « {PHASE_LABELS[current]} » : {PHASE_RULES[current]}"]
    if current in (Phase.COLLECT, Phase.GROUP) and votes:
        parts.append(
            f"Les {votes} vote{'s' if votes > 1 else ''} déjà enregistré{'s' if votes > 1 else ''} "
            "sont conservés et compteront de nouveau à la réouverture du vote, sauf si vous choisissez "
            "de les effacer."
        )
    if previous == Phase.CLOSED and current == Phase.VOTE:
        parts.append("Le vote rouvre : les résultats affichés disparaissent jusqu'à la prochaine clôture.")
    if previous == Phase.CLOSED and current != Phase.VOTE:
        parts.append("Les résultats affichés disparaissent jusqu'à la prochaine clôture.")
    parts.append("Le compte à rebours en cours, s'il y en a un, s'arrête.")
    return " ".join(parts)


def change_phase(
    *, session: Session, workshop_id: int, phase: Phase | str, clear_votes: bool = False
) -> PhaseChange:
    """Move the workshop to `phase` (locking its row); optionally delete every vote when going back."""
    target = Phase(phase)
    workshop = workshop_by_id(session=session, workshop_id=workshop_id, lock=True)
    previous = Phase(workshop.phase)
    if clear_votes and target not in (Phase.COLLECT, Phase.GROUP):
        raise InvalidInputError(
            "Les votes ne peuvent être effacés qu'en revenant au recueil ou au regroupement."
        )
    cleared = 0
    if clear_votes:
        cleared = session.execute(delete(Vote).where(Vote.workshop_id == workshop_id)).rowcount or 0
    workshop.phase = target.value
    workshop.timer_ends_at = None
    session.flush()
    return PhaseChange(previous, target, cleared)


# --------------------------------------------------------------------------- countdown


def start_timer(
    *, session: Session, workshop_id: int, minutes: float, now: dt.datetime | None = None
) -> Countdown:
    """Start (or restart) a countdown of `minutes`, shown on the projection and on phones."""
    if not 0 < minutes <= TIMER_MAX_MINUTES:
        raise InvalidInputError(f"Durée du compte à rebours : de 1 à {TIMER_MAX_MINUTES} minutes.")
    now = now or utc_now()
    workshop = workshop_by_id(session=session, workshop_id=workshop_id, lock=True)
    workshop.timer_ends_at = now + dt.timedelta(seconds=round(minutes * 60))
    session.flush()
    return Countdown(workshop.timer_ends_at, int((workshop.timer_ends_at - now).total_seconds()))


def stop_timer(*, session: Session, workshop_id: int) -> None:
    workshop = workshop_by_id(session=session, workshop_id=workshop_id, lock=True)
    workshop.timer_ends_at = None
    session.flush()


def countdown_from(ends_at: dt.datetime | None, *, now: dt.datetime | None = None) -> Countdown | None:
    """The countdown for a stored end time (None: no countdown)."""
    if ends_at is None:
        return None
    now = now or utc_now()
    return Countdown(ends_at, max(int((ends_at - now).total_seconds() + 0.999), 0))


def countdown(*, session: Session, workshop_id: int, now: dt.datetime | None = None) -> Countdown | None:
    """The workshop's running countdown, or None. For the projection and the partners' phones."""
    ends_at = session.scalar(select(Workshop.timer_ends_at).where(Workshop.id == workshop_id))
    return countdown_from(ends_at, now=now)


# --------------------------------------------------------------------------- facilitator view


@dataclass(frozen=True)
class WorkshopState:
    """What the facilitator's page shows at the top: who, where, which phase, which links."""

    id: int
    code: str
    title: str
    territory: str
    phase: Phase
    timer_ends_at: dt.datetime | None
    view_token: str | None
    votes: int


def workshop_state(*, session: Session, workshop_id: int) -> WorkshopState:
    workshop = session.get(Workshop, workshop_id)
    if workshop is None:
        raise NotFoundError("Cet atelier n'existe plus.")
    return WorkshopState(
        id=workshop.id,
        code=workshop.code,
        title=workshop.title,
        territory=workshop.territory,
        phase=Phase(workshop.phase),
        timer_ends_at=workshop.timer_ends_at,
        view_token=workshop.view_token,
        votes=vote_count(session=session, workshop_id=workshop_id),
    )
