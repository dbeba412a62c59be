"""The lookups every stage shares: a workshop by id or code, a topic by key or id, with the
French refusal when it does not exist (or not in this workshop)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctg_workshop.errors import NotFoundError
from ctg_workshop.identifiers import normalize_code
from ctg_workshop.storage.models import Topic, Workshop

WORKSHOP_GONE = "Cet atelier n'existe plus."


def workshop_by_id(*, session: Session, workshop_id: int, lock: bool = False) -> Workshop:
    """The workshop; `lock` takes its row FOR UPDATE (votes in flight hold it FOR SHARE)."""
    query = select(Workshop).where(Workshop.id == workshop_id)
    workshop = session.scalar(query.with_for_update() if lock else query)
    if workshop is None:
        raise NotFoundError(WORKSHOP_GONE)
    return workshop


def workshop_by_code(*, session: Session, code: str) -> Workshop:
    """The workshop whose code is `code` (case and spaces forgiven)."""
    wanted = normalize_code(code)
    workshop = session.scalar(select(Workshop).where(Workshop.code == wanted))
    if workshop is None:
        raise NotFoundError(f"Aucun atelier ne porte le code « {wanted} ».")
    return workshop


def topic_by_key(*, session: Session, workshop_id: int, topic_key: str) -> Topic:
    topic = session.scalar(select(Topic).where(Topic.workshop_id == workshop_id, Topic.key == topic_key))
    if topic is None:
        raise NotFoundError(unknown_topic(topic_key))
    return topic


def unknown_topic(topic_key: str) -> str:
    return f"Le sujet d'étude « {topic_key} » n'existe pas dans cet atelier."


def topic_by_id(*, session: Session, workshop_id: int, topic_id: int) -> Topic:
    topic = session.get(Topic, topic_id)
    if topic is None or topic.workshop_id != workshop_id:
        raise NotFoundError("Ce sujet d'étude n'existe pas dans cet atelier.")
    return topic
