"""The draft council deliberation (Word), every part of the seed deliberation DE23.027.

What only the town knows is typed once on page Rédiger (`drafting/deliberation_settings.py`:
dates, number, councillors, the Bonus Territoires amount, a renewal, the recruitment of the
chargé de coopération, the structures funded through their Conventions d'Objectifs et de
Financement, the signatories); what is still missing stays a highlighted placeholder in
brackets. Participants' names never appear: the signatories are the town's officials.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

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
    of_town,
    participation,
    workshop_facts,
)
from ctg_workshop.documents.word import WordDocument, add_placeholder, add_run, keep_row_together
from ctg_workshop.drafting.deliberation_settings import DeliberationDetails, get_details, parse_amount
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
    details: DeliberationDetails = field(default_factory=DeliberationDetails)


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
    """The deliberation's data: the workshop, and the details stored on page Rédiger, which
    `options` (the command line's flags) override."""
    workshop = workshop_by_id(session=session, workshop_id=workshop_id)
    organisations = contributing_organisations(session=session, workshop_id=workshop_id)
    details = get_details(session=session, workshop_id=workshop_id)
    if options is not None:
        overrides = {
            "session_date": options.session_date,
            "number": options.number,
            "bonus_cents": parse_amount(options.bonus_amount) if options.bonus_amount else None,
        }
        details = replace(details, **{k: v for k, v in overrides.items() if v is not None})
    return DeliberationData(
        workshop=workshop_facts(workshop),
        topics=tuple(TopicSummary(t.title, tuple(t.objectives)) for t in workshop.topics),
        participation=participation(session=session, workshop_id=workshop_id, organisations=organisations),
        details=details,
    )


def euros(cents: int) -> str:
    value = Decimal(cents) / 100
    return format_number(value if cents % 100 else Decimal(cents // 100), "€")


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
    w = data.workshop
    doc = WordDocument(
        title=f"Délibération — Convention Territoriale Globale {w.period} — {w.territory}",
        subject="Projet de délibération du Conseil Municipal",
        footer=f"Projet de délibération — Convention Territoriale Globale {w.period}",
    )
    _register_header(doc, data)
    _subject(doc, data)
    _context(doc, data)
    _steering(doc, data)
    _funding(doc, data)
    _decision(doc, data)
    return doc.to_bytes()


def town_upper(territory: str) -> str:
    """« d'ARMENTIÈRES », « du HAVRE »: the elided article, the name in capitals."""
    elided = of_town(territory)
    article, name = (elided[:2], elided[2:]) if elided.startswith("d'") else elided.split(" ", 1)
    return f"{article}{name.upper()}" if article == "d'" else f"{article} {name.upper()}"


def _line(doc: WordDocument, label: str, value: str | None, placeholder: str) -> None:
    paragraph = doc.paragraph()
    paragraph.paragraph_format.space_after = Cm(0)
    add_run(paragraph, label, bold=True)
    if value:
        add_run(paragraph, value)
    else:
        add_placeholder(paragraph, placeholder)


def _date_or_placeholder(paragraph, day: dt.date | None, placeholder: str = "date") -> None:
    if day:
        add_run(paragraph, french_date(day))
    else:
        add_placeholder(paragraph, placeholder)


def _register_header(doc: WordDocument, data: DeliberationData) -> None:
    w, d = data.workshop, data.details
    day = d.session_date
    doc.paragraph("EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS", style="Title", align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.paragraph(
        f"CONSEIL MUNICIPAL — VILLE {of_town(w.territory).upper()}",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _line(doc, "Séance du : ", french_date(day) if day else None, "date de la séance")
    _line(doc, "Convocation du : ", french_date(d.convocation_date) if d.convocation_date else None,
          "date de la convocation")  # fmt: skip
    _line(doc, "Conseillers en exercice : ", str(d.councillors) if d.councillors else None, "nombre")
    _line(doc, "Conseillers présents : ", str(d.present) if d.present is not None else None, "nombre")
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
        opening, f", les membres du Conseil Municipal de la Ville {town_upper(w.territory)} se sont réunis à "
    )
    add_placeholder(opening, "lieu de la séance")
    add_run(opening, ", sous la présidence de ")
    if d.mayor:
        add_run(opening, d.mayor)
    else:
        add_placeholder(opening, "Prénom NOM")
    add_run(opening, ", Maire.")
    _line(doc, "PRÉSENTS : ", None, "liste des conseillers présents")
    excused = doc.paragraph()
    add_run(excused, "EXCUSÉS AYANT DONNÉ POUVOIR : ", bold=True)
    add_placeholder(excused, "conseillers excusés et leurs mandataires")
    add_run(excused, ", conformément à l'article L.2121-20 du Code Général des Collectivités Territoriales.")
    _line(doc, "SECRÉTAIRE DE SÉANCE : ", d.secretary, "Prénom NOM")


def _subject(doc: WordDocument, data: DeliberationData) -> None:
    w, d = data.workshop, data.details
    reference = doc.paragraph()
    reference.paragraph_format.space_before = Cm(0.5)
    if d.number:
        add_run(reference, d.number, bold=True)
    else:
        add_placeholder(reference, "numéro de la délibération")
    if w.themes:
        doc.paragraph("/".join(t.upper() for t in w.themes), bold=True)
    doc.heading(f"CONVENTION TERRITORIALE GLOBALE {w.period}", 1)
    if d.renewal:
        doc.paragraph("RENOUVELLEMENT DE CONVENTION", bold=True)
    doc.paragraph("Autorisation - Approbation", bold=True)


def _context(doc: WordDocument, data: DeliberationData) -> None:
    w, d, p = data.workshop, data.details, data.participation
    town = f"la Ville {of_town(w.territory)}"
    if d.renewal:
        previous = doc.paragraph("Par délibération en date du ")
        _date_or_placeholder(previous, d.previous_deliberation_date)
        add_run(
            previous,
            ", le Conseil Municipal a autorisé la signature de la précédente Convention Territoriale Globale "
            f"(CTG) entre la {w.partner_body} et {town}, contrat dont l'échéance est arrivée à terme le ",
        )
        _date_or_placeholder(previous, d.previous_end_date, "date d'échéance")
        add_run(previous, ".")
    else:
        doc.paragraph(
            f"{town[0].upper()}{town[1:]} s'engage pour la première fois dans une Convention Territoriale Globale "
            f"(CTG) avec la {w.partner_body}."
        )
    doc.paragraph(
        "Pour rappel, cette convention de partenariat traduit les orientations stratégiques définies par la "
        f"collectivité et la {w.partner_body} en matière de services aux familles. La Convention Territoriale "
        "Globale couvre, dans la plupart des cas, les domaines d'interventions suivants :"
    )
    doc.bullets([f"{domain}," for domain in DOMAINS[:-1]] + [f"{DOMAINS[-1]}."])
    committee = doc.paragraph("Lors du Comité de Pilotage du ")
    _date_or_placeholder(committee, d.themes_committee_date)
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
    for topic in data.topics:
        title = doc.paragraph(topic.title, style="List Number", bold=True)
        title.paragraph_format.keep_with_next = True
        doc.bullets(list(topic.objectives), style="List Bullet 2")
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
    _date_or_placeholder(validated, d.validation_committee_date)
    add_run(validated, ".")
    doc.paragraph(
        "Ce document cadre fixe donc les orientations de travail qui seront les nôtres et celles des "
        "partenaires associés pour la période concernée."
    )


def _steering(doc: WordDocument, data: DeliberationData) -> None:
    w, d = data.workshop, data.details
    if d.recruitment:
        doc.paragraph(
            "Afin d'assurer cette mission, la Ville procédera au recrutement d'un chargé de coopération CTG. La "
            "CTG intègre en effet une portée territoriale et collaborative et déploie ainsi une charge de travail "
            "conséquente qu'il convient d'identifier au travers d'un poste dédié, ce dernier devant être dégagé "
            "de toute fonction d'encadrement au sein de la collectivité signataire."
        )
    who = "Le Chargé de Coopération" if d.recruitment else "La coordination de la CTG"
    doc.paragraph(
        f"{who} aura notamment à charge d'animer les comités de pilotage dont la mission sera d'initier, de "
        "dynamiser et de valider les travaux aux différentes étapes d'avancement de la démarche."
    )
    doc.paragraph(
        f"Le comité sera composé de représentants de la {w.partner_body} et de la collectivité, et d'autres "
        "co-signataires éventuels."
    )
    composition = doc.paragraph("Pour la Ville, il sera composé de ")
    add_placeholder(
        composition,
        "Monsieur le Maire, élu(e)s référents, direction générale des services, services concernés",
    )
    add_run(composition, ".")


def _funding(doc: WordDocument, data: DeliberationData) -> None:
    w, d = data.workshop, data.details
    bonus = doc.paragraph(
        "La signature de la convention assure le maintien des financements déterminés sur le précédent contrat "
        "par le biais des Bonus Territoires, soit une enveloppe de "
        if d.renewal
        else "La signature de la convention ouvre les financements des Bonus Territoires, soit une enveloppe de "
    )
    if d.bonus_cents is not None:
        add_run(bonus, euros(d.bonus_cents))
    else:
        add_placeholder(bonus, "montant en euros")
    add_run(bonus, ".")
    if not d.funded_structures:
        return
    years = w.period_end - w.period_start + 1
    doc.paragraph(
        "Dans ce cadre, il est à préciser que certains financements relevant de l'activité des structures du "
        f"territoire ({french_list(list(d.funded_structures))}) seront adossés aux Conventions d'Objectifs et "
        "de Financement signées par la Ville."
    )
    doc.paragraph(
        "Afin de formaliser la participation des associations concernées, une convention sera établie avec "
        "chaque partenaire précisant ainsi les conditions de mise en place de leurs actions et les modalités "
        f"de financement. Elle couvrira les {number_words(years)} années de fonctionnement de la CTG ({w.period})."
    )


def _decision(doc: WordDocument, data: DeliberationData) -> None:
    w, d = data.workshop, data.details
    decides = doc.paragraph(
        "Après en avoir délibéré le Conseil Municipal décide d'autoriser Monsieur le Maire à :", bold=True
    )
    decides.paragraph_format.space_before = Cm(0.3)
    decides.paragraph_format.keep_with_next = True
    decisions = ["Inscrire la ville dans cette démarche collaborative et de développement territorial,"]
    if d.recruitment:
        decisions.append("Procéder au recrutement d'un agent dédié, au poste de Chargé de Coopération CTG,")
    decisions += [
        "Inscrire au budget des exercices en cours et à venir les dépenses et les recettes,",
        f"Signer tous les documents relatifs à la Convention Territoriale Globale {w.period} avec la "
        f"{w.partner_body},",
        "Valider la composition du comité de pilotage au niveau de la collectivité.",
    ]
    doc.bullets(decisions)
    # The vote, the annex and the signatures stay on one page.
    outcome = doc.paragraph(bold=True)
    add_placeholder(outcome, "ADOPTÉE À L'UNANIMITÉ / résultat du vote")
    annexed = doc.paragraph(
        f"La Convention Territoriale Globale {w.period} est annexée à la présente délibération.", italic=True
    )
    closing = doc.paragraph("Ainsi fait et délibéré comme ci-dessus,\nPour expédition conforme,")
    closing.paragraph_format.space_before = Cm(0.4)
    for paragraph in (outcome, annexed, closing):
        paragraph.paragraph_format.keep_with_next = True
    signatures = doc.table(1, 2, (8.3, 8.3))
    signatures.style = None  # no borders: a signature block, not a grid
    keep_row_together(signatures.rows[0])
    left, right = signatures.rows[0].cells
    _signature(left, "Le Secrétaire de séance,", d.secretary)
    _signature(right, "Le Maire,", d.mayor)
    if not (d.number or d.session_date):
        note = doc.paragraph("Projet généré par CTG Atelier : compléter les passages ", italic=True)
        add_placeholder(note, "entre crochets")
        add_run(note, " avant de le soumettre au Conseil Municipal.", italic=True)


def _signature(cell, role: str, name: str | None) -> None:
    paragraph = cell.paragraphs[0]
    add_run(paragraph, role + "\n")
    if name:
        add_run(paragraph, name)
    else:
        add_placeholder(paragraph, "Prénom NOM")
