"""What the council decides, the vote to record, and the signatures, kept on one page."""

from __future__ import annotations

from docx.shared import Cm

from ctg_workshop.documents.deliberation.data import DeliberationData
from ctg_workshop.documents.word import WordDocument, add_placeholder, add_run, keep_row_together


def add_decision(doc: WordDocument, data: DeliberationData) -> None:
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
