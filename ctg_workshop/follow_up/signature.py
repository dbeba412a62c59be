"""The day the convention was signed: the follow-up's starting point (archive `follow_up.signed_on`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from ctg_workshop.errors import InvalidInputError
from ctg_workshop.storage.lookups import workshop_by_id


def set_signed_on(*, session: Session, workshop_id: int, signed_on: dt.date | None) -> dt.date | None:
    workshop = workshop_by_id(session=session, workshop_id=workshop_id, lock=True)
    if signed_on is not None and not workshop.period_start - 1 <= signed_on.year <= workshop.period_end:
        raise InvalidInputError(
            f"Date de signature improbable : la convention couvre {workshop.period_start}–{workshop.period_end}."
        )
    workshop.signed_on = signed_on
    session.flush()
    return signed_on
