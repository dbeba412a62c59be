"""After a load: does the database hold exactly what the partners were told, and nothing unsound?

`verify` reads the database (never writes) and lists every problem in French:

- every acknowledged item is there, once (an item in doubt: at most once);
- every acknowledged vote has the number of dots the page showed (in doubt: that or the
  number the unanswered action would have made);
- no participant overspent a topic's budget or the per-item cap, no dot sits on a hidden or
  merged item (the whole workshop, not only the simulated partners);
- every simulated partner who was told they joined is exactly one participant, with the
  token their URL carries; none joined twice;
- SQLite: `PRAGMA integrity_check` answers `ok`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from ctg_workshop.storage.models import Item, Participant, Topic, Vote, Workshop
from ctg_workshop.text import clean_item_text
from measure.loadtest.ledger import Ledger, Outcome

MAX_LISTED = 20


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_text(self) -> str:
        lines = ["Vérification de la base après la charge"]
        lines += [f"  {name} : {value}" for name, value in self.counts.items()]
        if self.ok:
            lines.append("Aucune anomalie.")
        else:
            lines.append(f"{len(self.problems)} anomalie(s) :")
            lines += [f"  - {problem}" for problem in self.problems[:MAX_LISTED]]
            if len(self.problems) > MAX_LISTED:
                lines.append(f"  … et {len(self.problems) - MAX_LISTED} autres.")
        return "\n".join(lines)


def _integrity(engine: Engine) -> str | None:
    if engine.dialect.name != "sqlite":
        return None
    with engine.connect() as connection:
        answers = [row[0] for row in connection.execute(text("PRAGMA integrity_check"))]
    return None if answers == ["ok"] else "PRAGMA integrity_check : " + " ; ".join(map(str, answers))


def _check_participants(
    session: Session, workshop: Workshop, ledger: Ledger, report: CheckReport
) -> dict[str, int]:
    """Participant id by token, for the simulated partners told they joined."""
    by_organisation = Counter(
        session.scalars(select(Participant.organisation).where(Participant.workshop_id == workshop.id))
    )
    tokens = {
        token: (pid, organisation)
        for pid, token, organisation in session.execute(
            select(Participant.id, Participant.token, Participant.organisation).where(
                Participant.workshop_id == workshop.id
            )
        )
    }
    found: dict[str, int] = {}
    for record in ledger.joins.values():
        count = by_organisation.get(record.organisation, 0)
        if record.outcome is Outcome.ACKNOWLEDGED:
            if count != 1:
                report.problems.append(
                    f"{record.user} : {count} participant(s) « {record.organisation} » au lieu d'un seul."
                )
            row = tokens.get(record.token or "")
            if row is None or row[1] != record.organisation:
                report.problems.append(
                    f"{record.user} : le jeton de son adresse ne désigne pas sa participation."
                )
            else:
                found[record.token or ""] = row[0]
        elif count > 1:
            report.problems.append(
                f"{record.user} : {count} participants « {record.organisation} » (inscription en double)."
            )
    report.counts["participants simulés inscrits"] = len(found)
    return found


def _check_items(
    session: Session, workshop: Workshop, ledger: Ledger, participant_ids: dict[str, int], report: CheckReport
) -> None:
    topics = dict(session.execute(select(Topic.key, Topic.id).where(Topic.workshop_id == workshop.id)).all())
    stored = Counter(
        session.execute(
            # Hidden ones too: the facilitator may hide an item, it is still there.
            select(Item.author_id, Item.topic_id, Item.quadrant, Item.text).where(
                Item.workshop_id == workshop.id
            )
        ).all()
    )
    present = 0
    for record in ledger.items:
        if record.outcome is Outcome.REFUSED:
            continue
        author = participant_ids.get(record.token)
        key = (author, topics.get(record.topic_key), record.quadrant, clean_item_text(record.text))
        count = stored.get(key, 0)
        if record.outcome is Outcome.ACKNOWLEDGED and count != 1:
            report.problems.append(
                f"{record.user} : contribution acquittée présente {count} fois ({record.topic_key}/"
                f"{record.quadrant} « {record.text[:40]} »)."
            )
        elif record.outcome is Outcome.IN_DOUBT and count > 1:
            report.problems.append(f"{record.user} : contribution sans réponse enregistrée {count} fois.")
        present += count == 1
    report.counts["contributions acquittées"] = sum(r.outcome is Outcome.ACKNOWLEDGED for r in ledger.items)
    report.counts["contributions retrouvées"] = present


def _check_votes(
    session: Session, workshop: Workshop, ledger: Ledger, participant_ids: dict[str, int], report: CheckReport
) -> None:
    dots = {
        (participant_id, item_id): value
        for participant_id, item_id, value in session.execute(
            select(Vote.participant_id, Vote.item_id, Vote.dots).where(Vote.workshop_id == workshop.id)
        )
    }
    # The facilitator may hide an item (its dots go back to the partners) or merge it (its dots
    # move to the group): those items, and the groups that received dots, are not compared.
    hidden, merged = set(), {}
    for item_id, is_hidden, into in session.execute(
        select(Item.id, Item.hidden, Item.merged_into_id).where(Item.workshop_id == workshop.id)
    ):
        if is_hidden:
            hidden.add(item_id)
        elif into is not None:
            merged[item_id] = into
    moderated = set(merged) | set(merged.values())
    for record in ledger.votes.values():
        participant_id = participant_ids.get(record.token)
        if participant_id is None or record.item_id in moderated:
            continue
        actual = dots.get((participant_id, record.item_id), 0)
        expected = {0} if record.item_id in hidden else record.acceptable()
        if actual not in expected:
            shown = " ou ".join(str(v) for v in sorted(expected))
            report.problems.append(
                f"{record.user} : {actual} point(s) sur la contribution {record.item_id}, attendu {shown}."
            )
    report.counts["votes suivis"] = len(ledger.votes)


def _check_budgets(session: Session, workshop: Workshop, report: CheckReport) -> None:
    over_budget = session.execute(
        select(Vote.participant_id, Item.topic_id, func.sum(Vote.dots))
        .join(Item, Item.id == Vote.item_id)
        .where(Vote.workshop_id == workshop.id)
        .group_by(Vote.participant_id, Item.topic_id)
        .having(func.sum(Vote.dots) > workshop.vote_budget)
    ).all()
    for participant_id, topic_id, spent in over_budget:
        report.problems.append(
            f"Participant {participant_id} : {spent} points sur le sujet {topic_id}, budget {workshop.vote_budget}."
        )
    over_cap = session.scalar(
        select(func.count()).where(Vote.workshop_id == workshop.id, Vote.dots > workshop.max_dots_per_item)
    )
    if over_cap:
        report.problems.append(
            f"{over_cap} vote(s) au-delà de {workshop.max_dots_per_item} points par contribution."
        )
    on_hidden = session.scalar(
        select(func.count())
        .select_from(Vote)
        .join(Item, Item.id == Vote.item_id)
        .where(Vote.workshop_id == workshop.id, (Item.hidden.is_(True)) | (Item.merged_into_id.is_not(None)))
    )
    if on_hidden:
        report.problems.append(f"{on_hidden} vote(s) sur des contributions masquées ou regroupées.")
    report.counts["points dans l'atelier"] = int(
        session.scalar(select(func.coalesce(func.sum(Vote.dots), 0)).where(Vote.workshop_id == workshop.id))
    )


def verify(engine: Engine, ledger: Ledger) -> CheckReport:
    """Compare the database with what the partners were told (read only)."""
    report = CheckReport()
    problem = _integrity(engine)
    if problem:
        report.problems.append(problem)
    with Session(engine) as session, session.begin():
        workshop = session.scalar(select(Workshop).where(Workshop.code == ledger.code))
        if workshop is None:
            report.problems.append(f"Atelier « {ledger.code} » introuvable dans la base.")
            return report
        participant_ids = _check_participants(session, workshop, ledger, report)
        _check_items(session, workshop, ledger, participant_ids, report)
        _check_votes(session, workshop, ledger, participant_ids, report)
        _check_budgets(session, workshop, report)
    return report
