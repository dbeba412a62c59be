"""Restoring a backup over the workshop of the same code, keeping the access an archive does
not carry (the facilitator's passphrase, the projection link, each participant's link)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctg_workshop.archive.load import import_archive
from ctg_workshop.archive.read import read_archive
from ctg_workshop.storage.models import Participant, Workshop


@dataclass(frozen=True)
class _Access:
    """What an archive does not carry but a restore into the same database should keep."""

    facilitator_secret_hash: str | None
    view_token: str | None
    show_organisations: bool
    tokens: dict[str, str]  # participant key -> token (their links and cookies)
    paper: frozenset[str]  # keys of participants typed in from a paper card


def _access(session: Session, code: str) -> _Access | None:
    workshop = session.scalar(select(Workshop).where(Workshop.code == code))
    if workshop is None:
        return None
    participants = session.execute(
        select(Participant.key, Participant.token, Participant.entered_by_facilitator).where(
            Participant.workshop_id == workshop.id
        )
    ).all()
    return _Access(
        workshop.facilitator_secret_hash,
        workshop.view_token,
        workshop.show_organisations,
        {key: token for key, token, _ in participants},
        frozenset(key for key, _, paper in participants if paper),
    )


def restore_archive(*, session: Session, data: bytes | str) -> Workshop:
    """Import an archive over the workshop of the same code (`import --replace`), keeping what
    the archive does not carry: the facilitator passphrase, the projection link, the setting
    that shows organisations, each participant's token (their link and cookie go on working:
    a partner keeps their own items and their budget) and the paper-card marks."""
    code = read_archive(data).workshop.code
    kept = _access(session, code)
    workshop = import_archive(session=session, data=data, replace=True)
    if kept is None:
        return workshop
    workshop.facilitator_secret_hash = kept.facilitator_secret_hash
    workshop.view_token = kept.view_token
    workshop.show_organisations = kept.show_organisations
    session.flush()  # the old rows are gone: their tokens are free again
    for participant in session.scalars(select(Participant).where(Participant.workshop_id == workshop.id)):
        participant.token = kept.tokens.get(participant.key, participant.token)
        participant.entered_by_facilitator = participant.key in kept.paper
    session.flush()
    return workshop
