"""A partner finds the workshop by its code and joins it; their token names them from then on.

Every function takes the caller's session, never commits, and raises the package's errors
with French messages. Pages get small frozen dataclasses, never ORM objects.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from ctg_workshop.errors import InvalidInputError, NotFoundError, PhaseError
from ctg_workshop.identifiers import check_code, new_key, new_token, normalize_code, utc_now
from ctg_workshop.storage.models import Participant, Phase, Topic, Workshop
from ctg_workshop.text import clean_optional_text, clean_text, normalize_text
from ctg_workshop.wording import PHASE_LABELS

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
UNKNOWN_PARTICIPANT = "Participant inconnu : rejoignez de nouveau l'atelier avec son code."


# --- What pages receive ------------------------------------------------------------------


@dataclass(frozen=True)
class TopicInfo:
    id: int
    key: str
    title: str
    summary: str | None
    objectives: tuple[str, ...]
    # The version of the topic's cards, as the database last changed it (`day.cards_cache`).
    cards_version: int


@dataclass(frozen=True)
class WorkshopInfo:
    id: int
    code: str
    title: str
    territory: str
    phase: str
    vote_budget: int
    max_dots_per_item: int
    show_organisations: bool
    topics: tuple[TopicInfo, ...]
    # The end of the facilitator's countdown (naive UTC), if one is running.
    timer_ends_at: dt.datetime | None = None

    @property
    def phase_label(self) -> str:
        return PHASE_LABELS[Phase(self.phase)]

    def topic(self, key: str) -> TopicInfo:
        for topic in self.topics:
            if topic.key == key:
                return topic
        raise NotFoundError(f"Sujet d'étude inconnu dans cet atelier : « {key} ».")


@dataclass(frozen=True)
class Identity:
    """Who is writing: the participant, their workshop, and the token that proves it."""

    participant_id: int
    workshop_id: int
    workshop_code: str
    token: str
    organisation: str
    name: str | None


# --- The workshop ----------------------------------------------------------------------------


def _topic_info(
    id: int, key: str, title: str, summary: str | None, objectives: list[str] | None, cards_version: int
) -> TopicInfo:
    return TopicInfo(id, key, title, summary, tuple(objectives or ()), cards_version)


def workshop_row(*, session: Session, code: str) -> Workshop:
    """The workshop a person typed or scanned the code of, or the French refusal."""
    wanted = _wanted_code(code)
    workshop = session.scalar(select(Workshop).where(Workshop.code == wanted))
    if workshop is None:
        raise NotFoundError(_no_workshop(wanted))
    return workshop


def _wanted_code(code: str) -> str:
    wanted = normalize_code(code)
    if not wanted:
        raise InvalidInputError("Code de l'atelier : saisissez le code affiché par l'animateur.")
    check_code(wanted)
    return wanted


def _no_workshop(code: str) -> str:
    return f"Aucun atelier ne porte le code « {code} ». Vérifiez le code affiché par l'animateur."


# Every full run of every partner's page reads the workshop and its topics: one statement built
# once, on the tables (plain rows, no ORM object to load or watch), one row per topic in order
# (a single row of NULL topic columns for a workshop without topics).
_WORKSHOPS = Workshop.__table__.c
_TOPICS = Topic.__table__.c
_WORKSHOP_COLUMNS = (
    _WORKSHOPS.id,
    _WORKSHOPS.code,
    _WORKSHOPS.title,
    _WORKSHOPS.territory,
    _WORKSHOPS.phase,
    _WORKSHOPS.vote_budget,
    _WORKSHOPS.max_dots_per_item,
    _WORKSHOPS.show_organisations,
    _WORKSHOPS.timer_ends_at,
)
_TOPIC_COLUMNS = (
    _TOPICS.id,
    _TOPICS.key,
    _TOPICS.title,
    _TOPICS.summary,
    _TOPICS.objectives,
    _TOPICS.cards_version,
)
_WORKSHOP_BY_CODE = (
    select(*_WORKSHOP_COLUMNS, *_TOPIC_COLUMNS)
    .select_from(Workshop.__table__.outerjoin(Topic.__table__, _TOPICS.workshop_id == _WORKSHOPS.id))
    .where(_WORKSHOPS.code == bindparam("code"))
    .order_by(_TOPICS.position)
)
_SPLIT = len(_WORKSHOP_COLUMNS)
_WORKSHOP_FIELDS = tuple(column.name for column in _WORKSHOP_COLUMNS)


def find_workshop(*, session: Session, code: str) -> WorkshopInfo:
    """The workshop a person typed or scanned the code of (case, spaces, dashes forgiven)."""
    wanted = _wanted_code(code)
    rows = session.execute(_WORKSHOP_BY_CODE, {"code": wanted}).all()
    if not rows:
        raise NotFoundError(_no_workshop(wanted))
    topics = tuple(_topic_info(*row[_SPLIT:]) for row in rows if row[_SPLIT] is not None)
    return WorkshopInfo(**dict(zip(_WORKSHOP_FIELDS, rows[0][:_SPLIT], strict=True)), topics=topics)


def known_organisations(*, session: Session, workshop_id: int) -> list[str]:
    """The organisations already present in the workshop, alphabetically, each once."""
    names = session.scalars(select(Participant.organisation).where(Participant.workshop_id == workshop_id))
    unique = {name.casefold(): name for name in sorted(set(names))}
    return sorted(unique.values(), key=str.casefold)


# --- Identity ----------------------------------------------------------------------------------


def identity_of(participant: Participant, code: str) -> Identity:
    return Identity(
        participant_id=participant.id,
        workshop_id=participant.workshop_id,
        workshop_code=code,
        token=participant.token,
        organisation=participant.organisation,
        name=participant.name,
    )


def participant_row(*, session: Session, participant_id: int) -> Participant:
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise NotFoundError(UNKNOWN_PARTICIPANT)
    return participant


def _matching_organisation(session: Session, workshop_id: int, typed: str) -> str:
    """A typed organisation, spelt as an already known one when only case or spaces differ."""
    squeezed = " ".join(typed.split()).casefold()
    for known in known_organisations(session=session, workshop_id=workshop_id):
        if " ".join(known.split()).casefold() == squeezed:
            return known
    return typed


def is_valid_token(token: object) -> bool:
    """Whether `token` has the shape of a participant token (before any database look-up)."""
    return isinstance(token, str) and TOKEN_PATTERN.match(token) is not None


def join_workshop(
    *, session: Session, code: str, organisation: str, name: str | None = None, token: str | None = None
) -> Identity:
    """Join the workshop as a new participant, or get back the one `token` already names.

    The page passes the token it generated when it showed the form: a double tap or an
    interrupted request joins once, never twice.
    """
    workshop = session.scalar(
        select(Workshop)
        .where(Workshop.id == workshop_row(session=session, code=code).id)
        .with_for_update(read=True)
    )
    if token is not None:
        existing = _participant_with_token(session, token)
        if existing is not None and existing.workshop_id == workshop.id:
            return identity_of(existing, workshop.code)
    if workshop.phase == Phase.CLOSED:
        raise PhaseError(
            "Cet atelier est clos : on ne peut plus le rejoindre. Les résultats restent visibles."
        )
    if not normalize_text(organisation or ""):
        raise InvalidInputError("Organisation : choisissez-la dans la liste ou écrivez son nom.")
    organisation = clean_text(organisation, field="Organisation")
    participant = Participant(
        workshop_id=workshop.id,
        key=new_key("p"),
        token=token
        if is_valid_token(token) and _participant_with_token(session, token) is None
        else new_token(),
        name=clean_optional_text(name, field="Nom"),
        organisation=_matching_organisation(session, workshop.id, organisation),
        created_at=utc_now(),
    )
    session.add(participant)
    session.flush()
    return identity_of(participant, workshop.code)


def _participant_with_token(session: Session, token: str) -> Participant | None:
    if not is_valid_token(token):
        return None
    return session.scalar(select(Participant).where(Participant.token == token))


def participant_by_token(*, session: Session, token: str, code: str | None = None) -> Identity | None:
    """The participant a link or cookie names; None if unknown (or of another workshop than `code`)."""
    participant = _participant_with_token(session, token)
    if participant is None:
        return None
    workshop_code = session.scalar(select(Workshop.code).where(Workshop.id == participant.workshop_id))
    if code is not None and normalize_code(code) != workshop_code:
        return None
    return identity_of(participant, workshop_code)


_PARTICIPANTS = Participant.__table__.c


@functools.lru_cache(maxsize=8)
def _participants_named(count: int) -> Select:
    """The participants of a workshop named by `count` tokens (`token0`…): one statement per
    count, built once (an expanding IN would rewrite its SQL at each of the page's runs)."""
    tokens = [bindparam(f"token{index}") for index in range(count)]
    return select(
        _PARTICIPANTS.token, _PARTICIPANTS.id, _PARTICIPANTS.organisation, _PARTICIPANTS.name
    ).where(_PARTICIPANTS.workshop_id == bindparam("workshop"), _PARTICIPANTS.token.in_(tokens))


def identity_in(*, session: Session, workshop: WorkshopInfo, tokens: Sequence[str]) -> Identity | None:
    """The participant of `workshop` the first of `tokens` names (the address's, then the
    session's, then the cookie's), in one query; None when none does."""
    valid = list(dict.fromkeys(token for token in tokens if is_valid_token(token)))
    if not valid:
        return None
    named = {f"token{index}": token for index, token in enumerate(valid)}
    found = {
        row.token: row
        for row in session.execute(_participants_named(len(valid)), {"workshop": workshop.id, **named})
    }
    for token in valid:
        if token in found:
            row = found[token]
            return Identity(row.id, workshop.id, workshop.code, token, row.organisation, row.name)
    return None
