"""The deliberation's exposé: the context (a renewal or a first CTG, the domains, the themes,
the topics, the participatory day, the validation), the steering, the funding."""

from __future__ import annotations

import datetime as dt

from ctg_workshop.documents.deliberation.data import DeliberationData, euros
from ctg_workshop.documents.deliberation.numbers_in_words import number_words
from ctg_workshop.documents.facts import french_date, french_list, of_town
from ctg_workshop.documents.word import WordDocument, add_placeholder, add_run
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


def _date_or_placeholder(paragraph, day: dt.date | None, placeholder: str = "date") -> None:
    if day:
        add_run(paragraph, french_date(day))
    else:
        add_placeholder(paragraph, placeholder)


def add_context(doc: WordDocument, data: DeliberationData) -> None:
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


def add_steering(doc: WordDocument, data: DeliberationData) -> None:
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


def add_funding(doc: WordDocument, data: DeliberationData) -> None:
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
