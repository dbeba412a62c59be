"""The draft council deliberation (Word), in the structure of the seed deliberation DE23.027.

What only the town knows (dates, councillors present, names, the vote's outcome) is left as
highlighted placeholders in brackets; the tool's data never puts a person's name in it. The
séance date, the deliberation's number and the Bonus Territoires amount are optional
parameters, not stored.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm
from sqlalchemy.orm import Session

from ctg_workshop.documents.facts import (
    MONTHS,
    Participation,
    WorkshopFacts,
    contributing_organisations,
    french_date,
    french_list,
    participation,
    workshop_facts,
)
from ctg_workshop.documents.word import WordDocument, add_placeholder, add_run
from ctg_workshop.drafting.opendata import format_number, parse_number
from ctg_workshop.errors import InvalidInputError
from ctg_workshop.storage.lookups import workshop_by_id
from ctg_workshop.text import normalize_text
from ctg_workshop.wording import plural

DOMAINS = (
    "Enfance",
    "Jeunesse",
    "Parentalité",
    "Accès aux droits",
    "Inclusion numérique",
    "Animation de la vie sociale",
    "Logement",
    "Handicap",
)


@dataclass(frozen=True)
class DeliberationOptions:
    """What the town may give for the draft (else placeholders): séance date, number, amount."""

    session_date: dt.date | None = None
    number: str | None = None
    bonus_amount: str | None = None


@dataclass(frozen=True)
class TopicSummary:
    title: str
    objectives: tuple[str, ...]


@dataclass(frozen=True)
class DeliberationData:
    workshop: WorkshopFacts
    topics: tuple[TopicSummary, ...]
    participation: Participation
    options: DeliberationOptions = DeliberationOptions()


def parse_date(text: str) -> dt.date:
    """A date typed as 09/02/2023, 9/2/2023 or 2023-02-09."""
    value = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value)
        match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        pass
    raise InvalidInputError(f"Date « {text} » invalide : écrivez-la JJ/MM/AAAA (par exemple 09/02/2023).")


def make_options(
    *, session_date: dt.date | str | None = None, number: str | None = None, bonus_amount: str | None = None
) -> DeliberationOptions:
    """Checked options: a real date, a short number, an amount in euros."""
    if isinstance(session_date, str):
        session_date = parse_date(session_date) if session_date.strip() else None
    number = normalize_text(number or "") or None
    if number and len(number) > 50:
        raise InvalidInputError("Numéro de délibération : 50 caractères au plus.")
    amount = None
    if bonus_amount and normalize_text(bonus_amount):
        value = parse_number(bonus_amount.replace("€", "").replace("euros", ""))
        if value is None or value < 0:
            raise InvalidInputError(
                f"Montant « {bonus_amount} » invalide : écrivez un nombre d'euros (618 000)."
            )
        amount = format_number(value, "€")
    return DeliberationOptions(session_date, number, amount)


def deliberation_data(
    *, session: Session, workshop_id: int, options: DeliberationOptions | None = None
) -> DeliberationData:
    workshop = workshop_by_id(session=session, workshop_id=workshop_id)
    organisations = contributing_organisations(session=session, workshop_id=workshop_id)
    return DeliberationData(
        workshop=workshop_facts(workshop),
        topics=tuple(TopicSummary(t.title, tuple(t.objectives)) for t in workshop.topics),
        participation=participation(session=session, workshop_id=workshop_id, organisations=organisations),
        options=options or DeliberationOptions(),
    )


# --------------------------------------------------------------------------- numbers in words

_UNITS = (
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
    "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf",
)  # fmt: skip
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _below_hundred(n: int) -> str:
    if n < 20:
        return _UNITS[n]
    tens, unit = divmod(n, 10)
    if tens in (7, 9):
        base = "soixante" if tens == 7 else "quatre-vingt"
        rest = _UNITS[10 + unit]
        return f"{base} et {rest}" if tens == 7 and unit == 1 else f"{base}-{rest}"
    if tens == 8:
        return "quatre-vingts" if unit == 0 else f"quatre-vingt-{_UNITS[unit]}"
    if unit == 0:
        return _TENS[tens]
    return f"{_TENS[tens]} et un" if unit == 1 else f"{_TENS[tens]}-{_UNITS[unit]}"


def number_words(n: int) -> str:
    """0 ≤ n < 10 000 in French words ("deux mille vingt-trois")."""
    thousands, rest = divmod(n, 1000)
    hundreds, tail = divmod(rest, 100)
    parts = []
    if thousands:
        parts.append("mille" if thousands == 1 else f"{_below_hundred(thousands)} mille")
    if hundreds:
        word = "cent" if hundreds == 1 else f"{_UNITS[hundreds]} cent"
        parts.append(word + ("s" if hundreds > 1 and tail == 0 else ""))
    if tail or not parts:
        parts.append(_below_hundred(tail))
    return " ".join(parts)


# --------------------------------------------------------------------------- the document


def build_deliberation(data: DeliberationData) -> bytes:
    """The draft deliberation as .docx bytes (a pure function of `data`)."""
    w, options = data.workshop, data.options
    doc = WordDocument(
        title=f"Délibération — Convention Territoriale Globale {w.period} — {w.territory}",
        subject="Projet de délibération du Conseil Municipal",
        footer=f"Projet de délibération — Convention Territoriale Globale {w.period}",
    )
    _register_header(doc, data)
    _subject(doc, data)
    _context(doc, data)
    _decision(doc, data)
    if options.number is None and options.session_date is None:
        note = doc.paragraph("Projet généré par CTG Atelier : compléter les passages ", italic=True)
        add_placeholder(note, "entre crochets")
        add_run(note, " avant de le soumettre au Conseil Municipal.", italic=True)
    return doc.to_bytes()


def _line(doc: WordDocument, label: str, value: str | None, placeholder: str) -> None:
    paragraph = doc.paragraph()
    paragraph.paragraph_format.space_after = Cm(0)
    add_run(paragraph, label, bold=True)
    if value:
        add_run(paragraph, value)
    else:
        add_placeholder(paragraph, placeholder)


def _register_header(doc: WordDocument, data: DeliberationData) -> None:
    w, day = data.workshop, data.options.session_date
    doc.paragraph("EXTRAIT DU REGISTRE DES DELIBERATIONS", style="Title", align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.paragraph(
        f"CONSEIL MUNICIPAL — VILLE DE {w.territory.upper()}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    _line(doc, "Séance du : ", french_date(day) if day else None, "date de la séance")
    _line(doc, "Convocation du : ", None, "date de la convocation")
    _line(doc, "Conseillers en exercice : ", None, "nombre")
    _line(doc, "Conseillers présents : ", None, "nombre")
    opening = doc.paragraph()
    opening.paragraph_format.space_before = Cm(0.4)
    if day:
        day_words = "premier" if day.day == 1 else number_words(day.day)
        add_run(opening, f"L'AN {number_words(day.year).upper()}, le {day_words} {MONTHS[day.month - 1]} à ")
    else:
        add_run(opening, "L'AN ")
        add_placeholder(opening, "année en toutes lettres")
        add_run(opening, ", le ")
        add_placeholder(opening, "jour et mois")
        add_run(opening, " à ")
    add_placeholder(opening, "heure")
    add_run(
        opening, f", les membres du Conseil Municipal de la Ville de {w.territory.upper()} se sont réunis à "
    )
    add_placeholder(opening, "lieu de la séance")
    add_run(opening, ", sous la présidence de ")
    add_placeholder(opening, "Prénom NOM")
    add_run(opening, ", Maire.")
    _line(doc, "PRÉSENTS : ", None, "liste des conseillers présents")
    excused = doc.paragraph()
    add_run(excused, "EXCUSÉS AYANT DONNÉ POUVOIR : ", bold=True)
    add_placeholder(excused, "conseillers excusés et leurs mandataires")
    add_run(excused, ", conformément à l'article L.2121-20 du Code Général des Collectivités Territoriales.")
    _line(doc, "SECRÉTAIRE DE SÉANCE : ", None, "Prénom NOM")


def _subject(doc: WordDocument, data: DeliberationData) -> None:
    w, number = data.workshop, data.options.number
    reference = doc.paragraph()
    reference.paragraph_format.space_before = Cm(0.5)
    if number:
        add_run(reference, number, bold=True)
    else:
        add_placeholder(reference, "numéro de la délibération")
    if w.themes:
        doc.paragraph("/".join(t.upper() for t in w.themes), bold=True)
    doc.heading(f"CONVENTION TERRITORIALE GLOBALE {w.period} — Autorisation - Approbation", 1)


def _context(doc: WordDocument, data: DeliberationData) -> None:
    w, p = data.workshop, data.participation
    previous = doc.paragraph()
    add_placeholder(
        previous,
        "Le cas échéant : par délibération en date du …, le Conseil Municipal a autorisé la signature de la "
        f"précédente Convention Territoriale Globale (CTG) entre la {w.partner_body} et la Ville de "
        f"{w.territory}, arrivée à échéance le …",
    )
    doc.paragraph(
        "Pour rappel, la Convention Territoriale Globale est une convention de partenariat qui traduit les "
        f"orientations stratégiques définies par la collectivité et la {w.partner_body} en matière de "
        "services aux familles. Elle couvre, dans la plupart des cas, les domaines d'interventions suivants :"
    )
    doc.bullets([f"{domain}," for domain in DOMAINS[:-1]] + [f"{DOMAINS[-1]}."])
    committee = doc.paragraph("Lors du Comité de Pilotage du ")
    add_placeholder(committee, "date")
    themes = french_list(list(w.themes))
    add_run(
        committee,
        f", la Ville et la {w.partner_body} se sont réunies pour déterminer et valider les thématiques de "
        f"réflexion retenues au titre de la CTG {w.period}"
        + (f", en l'occurrence : {themes}." if themes else "."),
    )
    doc.paragraph(
        "Afin de préciser la démarche et d'engager une étude partenariale à l'échelle de la commune, "
        f"{plural(len(data.topics), 'sujet')} {'ont' if len(data.topics) > 1 else 'a'} été ciblés et "
        "objectivés :"
    )
    for number, topic in enumerate(data.topics, start=1):
        title = doc.paragraph(f"{number}. {topic.title}", bold=True)
        title.paragraph_format.space_after = Cm(0.1)
        title.paragraph_format.keep_with_next = True
        for objective in topic.objectives:
            point = doc.paragraph(f"↳ {objective}")
            point.paragraph_format.left_indent = Cm(0.8)
            point.paragraph_format.space_after = Cm(0.05)
    held = f", lors de la journée participative du {french_date(w.held_on)}," if w.held_on else ""
    doc.paragraph(
        "Plusieurs temps de travail ont alors été mis en place en lien avec les partenaires locaux : dans un "
        "premier temps pour recueillir leurs positions sur les sujets retenus, et dans un second temps"
        f"{held} pour identifier les axes d'amélioration partagés qui orienteront le plan d'actions de la "
        f"période {w.period}. {plural(p.participants, 'participant')} représentant "
        f"{plural(p.organisations, 'organisation')} y ont formulé {plural(p.items, 'contribution')}."
    )
    validated = doc.paragraph(
        "Ce travail d'analyse et de diagnostic inhérent à la démarche CTG a ainsi permis de guider l'écriture "
        "de la convention ci-annexée, laquelle a fait l'objet d'une validation à l'occasion du Comité de "
        "Pilotage réuni le "
    )
    add_placeholder(validated, "date")
    add_run(validated, ".")
    doc.paragraph(
        "Ce document cadre fixe donc les orientations de travail qui seront les nôtres et celles des "
        "partenaires associés pour la période concernée."
    )
    doc.paragraph(
        "Le Chargé de Coopération CTG aura notamment à charge d'animer les comités de pilotage dont la mission "
        "sera d'initier, de dynamiser et de valider les travaux aux différentes étapes d'avancement de la "
        f"démarche. Le comité sera composé de représentants de la {w.partner_body} et de la collectivité, et "
        "d'autres co-signataires éventuels."
    )
    composition = doc.paragraph("Pour la Ville, il sera composé de ")
    add_placeholder(
        composition, "Maire, élu(e)s référents, direction générale des services, services concernés"
    )
    add_run(composition, ".")
    bonus = doc.paragraph(
        "La signature de la convention assure le maintien des financements par le biais des Bonus "
        "Territoires, soit une enveloppe de "
    )
    if data.options.bonus_amount:
        add_run(bonus, data.options.bonus_amount)
    else:
        add_placeholder(bonus, "montant en euros")
    add_run(bonus, ".")


def _decision(doc: WordDocument, data: DeliberationData) -> None:
    w = data.workshop
    decides = doc.paragraph(
        "Après en avoir délibéré le Conseil Municipal décide d'autoriser Monsieur le Maire à :", bold=True
    )
    decides.paragraph_format.space_before = Cm(0.3)
    doc.bullets(
        [
            "Inscrire la ville dans cette démarche collaborative et de développement territorial,",
            "Inscrire au budget des exercices en cours et à venir les dépenses et les recettes,",
            f"Signer la Convention Territoriale Globale {w.period} ci-annexée et tous les documents relatifs "
            f"à celle-ci avec la {w.partner_body},",
            "Valider la composition du comité de pilotage au niveau de la collectivité.",
        ]
    )
    outcome = doc.paragraph(bold=True)
    add_placeholder(outcome, "ADOPTÉE À L'UNANIMITÉ / résultat du vote")
    doc.paragraph(
        f"La Convention Territoriale Globale {w.period} est annexée à la présente délibération.", italic=True
    )
    closing = doc.paragraph("Ainsi fait et délibéré comme ci-dessus,\nPour expédition conforme,")
    closing.paragraph_format.space_before = Cm(0.4)
    closing.paragraph_format.keep_with_next = True
    signatures = doc.table(1, 2, (8.3, 8.3))
    signatures.style = None  # no borders: a signature block, not a grid
    left, right = signatures.rows[0].cells
    _signature(left, "Le Secrétaire de séance,")
    _signature(right, "Le Maire,")


def _signature(cell, role: str) -> None:
    paragraph = cell.paragraphs[0]
    add_run(paragraph, role + "\n")
    add_placeholder(paragraph, "Prénom NOM")
