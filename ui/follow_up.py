"""Page « Suivre », per fiche action: its status by year, its indicators (baseline, each year,
target, how far along) with a chart each, and the forms that change them. Every text a person
typed is shown as data: in dataframes and widget values, or through `plain()`."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from ctg_workshop.follow_up import indicators as ind
from ctg_workshop.follow_up.numbers import format_french
from ctg_workshop.follow_up.overview import FicheFollowUp, FollowUpOverview, IndicatorRow
from ctg_workshop.follow_up.progress import STATUS_LABELS, set_progress
from ctg_workshop.storage.models import ProgressStatus
from ui.facilitator import act
from ui.safe import plain

NO_STATUS = "—"


def fiches_tab(overview: FollowUpOverview, year: int) -> None:
    fiches = [f for f in overview.fiches if f.has_sheet or f.indicators or f.statuses]
    if not fiches:
        st.info(
            "Aucune fiche action encore : rédigez-les sur la page Rédiger, puis revenez suivre leurs indicateurs."
        )
        return
    st.dataframe(_status_frame(overview, fiches), hide_index=True, width="stretch")
    # One fiche at a time: a page of thirty charts and forms would be slow to run and to read.
    titles = {f.title: f for f in fiches}
    chosen = st.selectbox("Fiche action", list(titles), key="suivre_fiche")
    with st.container(border=True):
        _fiche(overview, titles[chosen], year)


def _status_frame(overview: FollowUpOverview, fiches: list[FicheFollowUp]) -> pd.DataFrame:
    rows = {"Fiche action": [f.title for f in fiches]}
    for year in overview.years:
        rows[str(year)] = [
            STATUS_LABELS[f.statuses[year].status] if year in f.statuses else NO_STATUS for f in fiches
        ]
    return pd.DataFrame(rows)


def _fiche(overview: FollowUpOverview, fiche: FicheFollowUp, year: int) -> None:
    st.subheader(plain(fiche.title), anchor=False)
    _status_form(overview, fiche, year)
    if fiche.indicators:
        st.dataframe(indicator_frame(overview, fiche), hide_index=True, width="stretch")
        columns = st.columns(min(len(fiche.indicators), 3))
        for index, indicator in enumerate(fiche.indicators):
            with columns[index % len(columns)]:
                _chart(overview, indicator)
    if fiche.sheet_indicator_lines > len(fiche.indicators) and st.button(
        "Suivre les indicateurs d'évaluation de la fiche",
        key=f"from_sheet_{fiche.topic_key}",
        help="Chaque ligne « Indicateurs d'évaluation » de la fiche devient un indicateur suivi ; "
        "vous compléterez ensuite la situation de départ et la cible.",
    ):
        act(
            lambda s: ind.indicators_from_sheet(
                session=s, workshop_id=overview.workshop_id, topic_key=fiche.topic_key
            ),
            lambda created: f"{len(created)} indicateur(s) ajouté(s) à « {fiche.title} ».",
        )
        st.rerun()
    with st.expander("Saisir un chiffre, ajouter ou modifier un indicateur"):
        _value_form(overview, fiche, year)
        _indicator_form(overview, fiche)


def indicator_frame(overview: FollowUpOverview, fiche: FicheFollowUp) -> pd.DataFrame:
    """Baseline, each year, target and how far along, in French figures (texts, as printed)."""
    rows = []
    for indicator in fiche.indicators:
        row = {
            "Indicateur": indicator.label,
            "Départ": _point(indicator.baseline_milli, indicator.unit, indicator.baseline_year),
        }
        for year in overview.years:
            value = indicator.values.get(year)
            row[str(year)] = format_french(value.value_milli, indicator.unit) if value else ""
        row["Cible"] = _point(indicator.target_milli, indicator.unit, indicator.target_year)
        share = indicator.progress_share()
        row["Avancement"] = "" if share is None else f"{round(share * 100)} %"
        rows.append(row)
    return pd.DataFrame(rows)


def _point(milli: int | None, unit: str | None, year: int | None) -> str:
    return "" if milli is None else f"{format_french(milli, unit)} ({year})"


def _chart(overview: FollowUpOverview, indicator: IndicatorRow) -> None:
    points = tuple((y, v.value_milli) for y, v in indicator.values.items())
    if indicator.baseline_milli is not None:
        points = ((indicator.baseline_year, indicator.baseline_milli), *points)
    if not points:
        st.caption(plain(f"{indicator.label} : aucun chiffre encore."))
        return
    target = indicator.target_milli
    spec = chart_spec(_short(indicator.label), indicator.unit, points, target, overview.period_end)
    st.vega_lite_chart(spec, width="stretch")
    st.caption(plain(_chart_text(indicator)))


@st.cache_data(max_entries=1000, show_spinner=False)
def chart_spec(
    title: str, unit: str | None, points: tuple[tuple[int, int], ...], target: int | None, last_year: int
) -> dict:
    """An indicator's Altair chart as its Vega-Lite spec: built once per set of figures (Altair
    takes ~40 ms a chart to serialise, and a rerun redraws every chart shown)."""
    frame = (
        pd.DataFrame({"Année": [str(y) for y, _ in points], "Valeur": [m / 1000 for _, m in points]})
        .drop_duplicates("Année", keep="last")
        .sort_values("Année")
    )
    years = [str(y) for y in range(min(y for y, _ in points), last_year + 1)]
    line = (
        alt.Chart(frame)
        .mark_line(point=True, color="#0B5563")
        .encode(
            x=alt.X("Année:O", scale=alt.Scale(domain=years), title=None),
            y=alt.Y("Valeur:Q", title=unit or "valeur"),
            tooltip=["Année", "Valeur"],
        )
    )
    layers = [line]
    if target is not None:
        goal = pd.DataFrame({"Cible": [target / 1000]})
        layers.append(alt.Chart(goal).mark_rule(color="#B3261E", strokeDash=[5, 4]).encode(y="Cible:Q"))
    return alt.layer(*layers).properties(height=180, title=title).to_dict()


def _chart_text(indicator: IndicatorRow) -> str:
    """The chart's text alternative: the figures it draws."""
    values = ", ".join(
        f"{y} : {format_french(v.value_milli, indicator.unit)}" for y, v in indicator.values.items()
    )
    target = (
        f" ; cible {format_french(indicator.target_milli, indicator.unit)} en {indicator.target_year}"
        if indicator.target_milli is not None
        else ""
    )
    return f"{indicator.label} — {values or 'aucun chiffre'}{target}."


def _short(label: str, limit: int = 50) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _status_form(overview: FollowUpOverview, fiche: FicheFollowUp, year: int) -> None:
    current = fiche.statuses.get(year)
    options = list(ProgressStatus)
    with st.form(f"status_{fiche.topic_key}_{year}", border=False):
        left, right = st.columns([1, 2])
        status = left.selectbox(
            f"État en {year}",
            options,
            index=options.index(current.status) if current else None,
            format_func=lambda s: STATUS_LABELS[s],
            placeholder="Non renseigné",
        )
        note = right.text_area(
            "Note (où en est l'action, ce qui freine)",
            value=(current.note or "") if current else "",
            height=68,
            max_chars=2000,
        )
        if st.form_submit_button("Enregistrer l'état"):
            if status is None:
                st.error("Choisissez un état avant d'enregistrer.")
                return
            act(
                lambda s: set_progress(
                    session=s,
                    workshop_id=overview.workshop_id,
                    topic_key=fiche.topic_key,
                    year=year,
                    status=status,
                    note=note,
                ),
                f"État {year} enregistré pour « {fiche.title} ».",
            )
            st.rerun()


def _value_form(overview: FollowUpOverview, fiche: FicheFollowUp, year: int) -> None:
    if not fiche.indicators:
        return
    with st.form(f"value_{fiche.topic_key}_{year}", clear_on_submit=True):
        st.markdown(f"**Chiffre de {year}**")
        by_id = {i.id: i for i in fiche.indicators}
        chosen = by_id[st.selectbox("Indicateur", list(by_id), format_func=lambda i: by_id[i].label)]
        figure = st.text_input("Valeur (par exemple 18,5 ou 1 048 ; vide pour l'effacer)", max_chars=30)
        comment = st.text_input("Commentaire (source, précision)", max_chars=2000)
        if st.form_submit_button("Enregistrer le chiffre"):
            act(
                lambda s: ind.set_value(
                    session=s,
                    workshop_id=overview.workshop_id,
                    indicator_id=chosen.id,
                    year=year,
                    figure=figure,
                    comment=comment,
                ),
                f"Chiffre {year} enregistré : {chosen.label}.",
            )
            st.rerun()


def _indicator_form(overview: FollowUpOverview, fiche: FicheFollowUp) -> None:
    new = 0
    by_id = {i.id: i for i in fiche.indicators}
    chosen = st.selectbox(
        "Indicateur à modifier",
        [new, *by_id],
        format_func=lambda i: "Nouvel indicateur" if i == new else by_id[i].label,
        key=f"indicator_choice_{fiche.topic_key}",
    )
    existing = by_id.get(chosen)
    with st.form(
        f"indicator_{fiche.topic_key}_{existing.id if existing else new}", clear_on_submit=existing is None
    ):
        label = st.text_input("Intitulé", value=existing.label if existing else "", max_chars=200)
        unit = st.text_input(
            "Unité (places, %, familles…)", value=(existing.unit or "") if existing else "", max_chars=40
        )
        columns = st.columns(4)
        baseline_year = columns[0].number_input(
            "Année de départ", 1900, 2200, value=_year(existing, "baseline"), step=1
        )
        baseline = columns[1].text_input(
            "Valeur de départ", value=_figure(existing, "baseline"), max_chars=30
        )
        target_year = columns[2].number_input(
            "Année de la cible", 1900, 2200, value=_year(existing, "target"), step=1
        )
        target = columns[3].text_input("Valeur cible", value=_figure(existing, "target"), max_chars=30)
        settings = ind.IndicatorSettings(
            label=label,
            unit=unit,
            baseline_year=int(baseline_year) if baseline_year else None,
            baseline=baseline,
            target_year=int(target_year) if target_year else None,
            target=target,
        )
        save, delete = st.columns(2)
        if save.form_submit_button("Enregistrer l'indicateur", type="primary"):
            if existing is None:
                act(
                    lambda s: ind.add_indicator(
                        session=s,
                        workshop_id=overview.workshop_id,
                        topic_key=fiche.topic_key,
                        settings=settings,
                    ),
                    f"Indicateur ajouté : {label.strip()}.",
                )
            else:
                act(
                    lambda s: ind.update_indicator(
                        session=s,
                        workshop_id=overview.workshop_id,
                        indicator_id=existing.id,
                        settings=settings,
                    ),
                    f"Indicateur enregistré : {label.strip()}.",
                )
            st.rerun()
        if existing is not None and delete.form_submit_button("Supprimer l'indicateur et ses chiffres"):
            act(
                lambda s: ind.delete_indicator(
                    session=s, workshop_id=overview.workshop_id, indicator_id=existing.id
                ),
                lambda removed: f"Indicateur supprimé : {removed}.",
            )
            st.rerun()


def _year(indicator: IndicatorRow | None, which: str) -> int | None:
    return getattr(indicator, f"{which}_year") if indicator else None


def _figure(indicator: IndicatorRow | None, which: str) -> str:
    milli = getattr(indicator, f"{which}_milli") if indicator else None
    return "" if milli is None else format_french(milli)
