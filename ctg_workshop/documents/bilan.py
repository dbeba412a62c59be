"""The annual report the steering committee (COPIL) reviews: per fiche action its status and note
for the year, its indicators with the year's figures in French (« 18,1 », « 1 048 »), a chart
with its text alternative, the decisions of the year's meetings, and what is still missing.

`bilan_data` reads (one read transaction); `build_bilan` is a pure function to bytes, with the
convention's document conventions (real headings, fr-FR, text as typed, never markup).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import altair as alt
import pandas as pd
from sqlalchemy.orm import Session

from ctg_workshop.documents.charts import chart_png
from ctg_workshop.documents.facts import french_date, of_town
from ctg_workshop.documents.word import WordDocument, add_run, cell_text, label_row, repeat_as_header
from ctg_workshop.errors import InvalidInputError
from ctg_workshop.follow_up.meetings import KIND_LABELS
from ctg_workshop.follow_up.numbers import format_french
from ctg_workshop.follow_up.overview import FicheFollowUp, FollowUpOverview, IndicatorRow, follow_up_overview
from ctg_workshop.follow_up.progress import STATUS_LABELS

MIME_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
COLUMNS = ("Indicateur", "Départ", "Année", "Cible", "Avancement", "Source et commentaire")
WIDTHS_CM = (4.4, 2.4, 2.4, 2.4, 2.5, 2.9)


@dataclass(frozen=True)
class BilanData:
    overview: FollowUpOverview
    year: int
    today: dt.date


def bilan_data(*, session: Session, workshop_id: int, year: int, today: dt.date | None = None) -> BilanData:
    overview = follow_up_overview(session=session, workshop_id=workshop_id)
    if year not in overview.years:
        raise InvalidInputError(
            f"L'année {year} est hors de la période de la convention ({overview.period_start}–{overview.period_end})."
        )
    return BilanData(overview, year, today or dt.date.today())


def bilan_file_name(code: str, year: int) -> str:
    return f"bilan-ctg-{code.lower()}-{year}.docx"


# --------------------------------------------------------------------------- building


def build_bilan(data: BilanData) -> bytes:
    overview, year = data.overview, data.year
    title = f"Bilan annuel {year} de la Convention Territoriale Globale"
    document = WordDocument(
        title=title,
        subject=f"{overview.territory} — CTG {overview.period_start}-{overview.period_end}",
        footer=f"Bilan {year} — CTG {overview.territory}",
    )
    document.paragraph(title, style="Title")
    document.paragraph(_introduction(data))
    # A topic becomes a fiche action once it has a sheet, an indicator or a status.
    fiches = [f for f in overview.fiches if f.indicators or f.statuses or f.has_sheet]
    _summary(document, fiches, year)
    for fiche in fiches:
        _fiche(document, fiche, year)
    _meetings(document, overview, year)
    _missing(document, overview, fiches, year)
    return document.to_bytes()


def _introduction(data: BilanData) -> str:
    overview = data.overview
    signed = f", signée le {french_date(overview.signed_on)}" if overview.signed_on else ""
    return (
        f"Convention Territoriale Globale {of_town(overview.territory)} et de la {overview.partner_body} "
        f"pour {overview.period_start}-{overview.period_end}{signed}. Ce bilan rassemble, pour l'année "
        f"{data.year}, l'avancement de chaque fiche action, les chiffres de ses indicateurs transmis par "
        f"les partenaires et les décisions des instances. Document établi le {french_date(data.today)}."
    )


def _status_text(fiche: FicheFollowUp, year: int) -> str:
    status = fiche.statuses.get(year)
    return STATUS_LABELS[status.status] if status else "État non renseigné"


def _summary(document: WordDocument, fiches: list[FicheFollowUp], year: int) -> None:
    document.heading(f"Synthèse {year}", 1)
    table = document.table(1 + len(fiches), 3, (8.0, 4.0, 5.0))
    label_row(table.rows[0], ("Fiche action", f"État en {year}", "Indicateurs renseignés"))
    repeat_as_header(table.rows[0])
    for row, fiche in zip(table.rows[1:], fiches, strict=True):
        filled = sum(1 for i in fiche.indicators if year in i.values)
        cell_text(row.cells[0], fiche.title)
        cell_text(row.cells[1], _status_text(fiche, year))
        cell_text(
            row.cells[2], f"{filled} sur {len(fiche.indicators)}" if fiche.indicators else "aucun indicateur"
        )


def _fiche(document: WordDocument, fiche: FicheFollowUp, year: int) -> None:
    document.heading(fiche.title, 1)
    status = fiche.statuses.get(year)
    paragraph = document.paragraph(f"État en {year} : ", bold=True)
    add_run(paragraph, _status_text(fiche, year))
    if status and status.note:
        document.paragraph(status.note)
    if not fiche.indicators:
        document.paragraph("Aucun indicateur n'est encore suivi pour cette fiche.", italic=True)
        return
    _indicator_table(document, fiche, year)
    rows = [i for i in fiche.indicators if i.progress_share(up_to=year) is not None]
    if rows:
        document.picture(_chart_png(rows, year), width_cm=16, alt_text=_alt_text(fiche, rows, year))
        document.paragraph(f"Avancement vers la cible, {fiche.title}, fin {year}.", italic=True)


def _figure(milli: int | None, unit: str | None, year: int | None = None) -> str:
    if milli is None:
        return "—"
    text = format_french(milli, unit)
    return f"{text} ({year})" if year is not None else text


def _share(row: IndicatorRow, year: int) -> str:
    share = row.progress_share(up_to=year)
    return "—" if share is None else f"{round(share * 100)}\u00a0%"


def _indicator_table(document: WordDocument, fiche: FicheFollowUp, year: int) -> None:
    table = document.table(1 + len(fiche.indicators), len(COLUMNS), WIDTHS_CM)
    label_row(table.rows[0], (*COLUMNS[:2], str(year), *COLUMNS[3:]))
    repeat_as_header(table.rows[0])
    for row, indicator in zip(table.rows[1:], fiche.indicators, strict=True):
        value = indicator.values.get(year)
        source = ", ".join(t for t in (value.reported_by, value.comment) if t) if value else "non transmis"
        texts = (
            indicator.label,
            _figure(indicator.baseline_milli, indicator.unit, indicator.baseline_year),
            _figure(value.value_milli if value else None, indicator.unit),
            _figure(indicator.target_milli, indicator.unit, indicator.target_year),
            _share(indicator, year),
            source,
        )
        for cell, text in zip(row.cells, texts, strict=True):
            cell_text(cell, text, size=9)


def _chart_png(rows: list[IndicatorRow], year: int) -> bytes:
    frame = pd.DataFrame(
        {
            "Indicateur": [_short(r.label) for r in rows],
            "Avancement": [max(0.0, min(r.progress_share(up_to=year) or 0.0, 1.5)) * 100 for r in rows],
        }
    )
    bars = (
        alt.Chart(frame)
        .mark_bar(color="#0B5563")
        .encode(
            x=alt.X("Avancement:Q", title="Avancement vers la cible (%)", scale=alt.Scale(domain=[0, 150])),
            y=alt.Y("Indicateur:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
        )
    )
    target = (
        alt.Chart(pd.DataFrame({"x": [100]})).mark_rule(color="#B3261E", strokeDash=[4, 3]).encode(x="x:Q")
    )
    chart = (bars + target).properties(width=320, height=max(60, 28 * len(rows)))
    return chart_png(chart.configure_axis(labelFontSize=11, titleFontSize=11), scale=2)


def _short(label: str, limit: int = 60) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _alt_text(fiche: FicheFollowUp, rows: list[IndicatorRow], year: int) -> str:
    parts = [f"{row.label} : {_share(row, year)} du chemin vers la cible" for row in rows]
    return f"Avancement des indicateurs de la fiche « {fiche.title} » fin {year}. " + " ; ".join(parts) + "."


def _meetings(document: WordDocument, overview: FollowUpOverview, year: int) -> None:
    document.heading(f"Décisions des instances en {year}", 1)
    meetings = overview.meetings_of(year)
    if not meetings:
        document.paragraph(f"Aucune réunion du COPIL ou du COTECH n'est enregistrée en {year}.", italic=True)
        return
    for meeting in meetings:
        document.heading(f"{KIND_LABELS[meeting.kind]} du {french_date(meeting.held_on)}", 2)
        if meeting.attendees:
            paragraph = document.paragraph("Présents : ", bold=True)
            add_run(paragraph, ", ".join(meeting.attendees))
        document.bullets(list(meeting.decisions) or ["Aucune décision consignée."])


def _missing(
    document: WordDocument, overview: FollowUpOverview, fiches: list[FicheFollowUp], year: int
) -> None:
    document.heading("Ce qui manque encore", 1)
    lines = [
        f"{fiche.title} : état de l'action en {year} non renseigné"
        for fiche in fiches
        if year not in fiche.statuses
    ]
    lines += [
        f"{fiche.title} : « {indicator.label} » sans chiffre pour {year}"
        for fiche in fiches
        for indicator in fiche.indicators
        if year not in indicator.values
    ]
    lines += [f"{name} n'a rien transmis pour {year}" for name in overview.missing_reports(year)]
    if lines:
        document.bullets(lines)
    else:
        document.paragraph(f"Rien : tout est renseigné pour {year}.")
