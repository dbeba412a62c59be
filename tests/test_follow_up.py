"""The convention's follow-up: indicators and yearly figures, progress, meetings, partners'
reporting links and the coordinator's overview (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from ctg_workshop.archive.load import import_archive
from ctg_workshop.errors import InvalidInputError, NotFoundError
from ctg_workshop.follow_up import indicators as ind
from ctg_workshop.follow_up.history import value_history
from ctg_workshop.follow_up.meetings import save_meeting
from ctg_workshop.follow_up.overview import follow_up_overview
from ctg_workshop.follow_up.progress import set_progress
from ctg_workshop.follow_up.reporting import (
    FicheReport,
    create_link,
    list_links,
    reporting_screen,
    revoke_link,
    submit_report,
)
from ctg_workshop.storage.db import read_session, write_session
from ctg_workshop.storage.models import FollowUpChange, Indicator, IndicatorValue, ProgressStatus


@pytest.fixture
def workshop_id(engine, follow_up_archive) -> int:
    with write_session(engine) as session:
        return import_archive(session=session, data=follow_up_archive).id


def _indicator(engine, workshop_id, key):
    with read_session(engine) as session:
        return session.scalar(
            select(Indicator).where(Indicator.workshop_id == workshop_id, Indicator.key == key)
        )


def _write(engine, action):
    with write_session(engine) as session:
        return action(session)


def test_each_line_of_a_fiche_becomes_an_indicator_once(engine, workshop_id):
    created = _write(
        engine, lambda s: ind.indicators_from_sheet(session=s, workshop_id=workshop_id, topic_key="avs")
    )
    labels = [i.label for i in created]
    assert "Nombre d'actions de proximité" in labels
    assert "Nombre de groupes de travail dédié" not in labels  # already tracked by the example
    again = _write(
        engine, lambda s: ind.indicators_from_sheet(session=s, workshop_id=workshop_id, topic_key="avs")
    )
    assert again == []
    assert ind.guess_unit("Taux de couverture") == "%" and ind.guess_unit("Nombre de places") == "places"


def test_figures_typed_in_french_are_stored_exactly_and_kept_in_the_history(engine, workshop_id):
    indicator = _indicator(engine, workshop_id, "pe-places")
    for typed in ("18,5", "1 048", "18.5"):
        _write(engine, lambda s, t=typed: ind.set_value(
            session=s, workshop_id=workshop_id, indicator_id=indicator.id, year=2026, figure=t, reported_by="Caf du Nord"))  # fmt: skip
    with read_session(engine) as session:
        assert session.get(Indicator, indicator.id).values[-1].value_milli == 18_500
        history = value_history(session=session, indicator_id=indicator.id)
    assert [c.value_milli for c in history[:3]] == [18_500, 1_048_000, 18_500]
    assert history[0].changed_by == "Caf du Nord"


@pytest.mark.parametrize(
    ("typed", "message"), [("beaucoup", "n'est pas un chiffre"), ("1,2345", "trois décimales")]
)
def test_a_bad_figure_names_the_indicator_and_changes_nothing(engine, workshop_id, typed, message):
    indicator = _indicator(engine, workshop_id, "pe-places")
    with pytest.raises(InvalidInputError, match=message) as refused:
        _write(engine, lambda s: ind.set_value(session=s, workshop_id=workshop_id, indicator_id=indicator.id, year=2026, figure=typed))  # fmt: skip
    assert indicator.label in refused.value.message
    with read_session(engine) as session:
        assert session.scalar(select(func.count()).select_from(FollowUpChange)) == 0


def test_a_year_outside_the_period_is_refused_in_french(engine, workshop_id):
    indicator = _indicator(engine, workshop_id, "pe-places")
    with pytest.raises(InvalidInputError, match="2030 est hors de la période"):
        _write(engine, lambda s: ind.set_value(session=s, workshop_id=workshop_id, indicator_id=indicator.id, year=2030, figure="3"))  # fmt: skip


def test_two_people_sending_the_same_figure_at_once_leave_one_value_and_both_in_the_history(
    engine, workshop_id
):
    indicator_id = _indicator(engine, workshop_id, "avs-groupes").id
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def send(organisation: str) -> None:
        try:
            barrier.wait()
            _write(engine, lambda s: ind.set_value(
                session=s, workshop_id=workshop_id, indicator_id=indicator_id, year=2026, figure="4", reported_by=organisation))  # fmt: skip
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=send, args=(name,)) for name in ("Ville d'Armentières", "Caf du Nord")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with read_session(engine) as session:
        rows = session.scalars(select(IndicatorValue).where(IndicatorValue.indicator_id == indicator_id, IndicatorValue.year == 2026)).all()  # fmt: skip
        history = value_history(session=session, indicator_id=indicator_id)
    assert len(rows) == 1 and rows[0].value_milli == 4000
    assert {c.changed_by for c in history if c.year == 2026} == {"Ville d'Armentières", "Caf du Nord"}


def test_an_indicator_s_settings_are_checked(engine, workshop_id):
    settings = ind.IndicatorSettings(label="Nombre de groupes de travail dédié")
    with pytest.raises(Exception, match="déjà un indicateur"):
        _write(engine, lambda s: ind.add_indicator(session=s, workshop_id=workshop_id, topic_key="avs", settings=settings))  # fmt: skip
    half = ind.IndicatorSettings(label="Nouveau", baseline_year=2022)
    with pytest.raises(InvalidInputError, match="l'année et la valeur"):
        _write(engine, lambda s: ind.add_indicator(session=s, workshop_id=workshop_id, topic_key="avs", settings=half))  # fmt: skip
    good = ind.IndicatorSettings(label="Nouveau", unit="%", baseline_year=2022, baseline="12,5", target_year=2026, target="20")  # fmt: skip
    created = _write(engine, lambda s: ind.add_indicator(session=s, workshop_id=workshop_id, topic_key="avs", settings=good))  # fmt: skip
    assert (created.baseline_value_milli, created.target_value_milli, created.key) == (
        12_500,
        20_000,
        "avs-1",
    )


def test_progress_and_meetings(engine, workshop_id):
    _write(engine, lambda s: set_progress(session=s, workshop_id=workshop_id, topic_key="egalite", year=2025, status="done", note=" Fini\t! "))  # fmt: skip
    with pytest.raises(InvalidInputError, match="État inconnu"):
        _write(engine, lambda s: set_progress(session=s, workshop_id=workshop_id, topic_key="egalite", year=2025, status="late"))  # fmt: skip
    meeting = _write(engine, lambda s: save_meeting(
        session=s, workshop_id=workshop_id, kind="copil", held_on=dt.date(2025, 1, 10),
        attendees="Ville d'Armentières\n\nCaf du Nord", decisions="Bilan validé.\nNouvel indicateur."))  # fmt: skip
    assert meeting.attendees == ["Ville d'Armentières", "Caf du Nord"] and meeting.key == "copil-2025-01-10"
    with read_session(engine) as session:
        overview = follow_up_overview(session=session, workshop_id=workshop_id)
    egalite = next(f for f in overview.fiches if f.topic_key == "egalite")
    assert egalite.statuses[2025].status == ProgressStatus.DONE and egalite.statuses[2025].note == "Fini !"
    assert dt.date(2025, 1, 10) in [m.held_on for m in overview.meetings_of(2025)]
    assert all(m.held_on.year == 2025 for m in overview.meetings_of(2025))


def test_a_person_s_name_is_refused_among_a_meeting_s_attendees(engine, demo_archive):
    with write_session(engine) as session:
        workshop_id = import_archive(session=session, data=demo_archive).id
    with pytest.raises(InvalidInputError, match="nom d'une personne"):
        _write(engine, lambda s: save_meeting(session=s, workshop_id=workshop_id, kind="cotech", held_on=dt.date(2024, 5, 2), attendees="Caf du Nord\nNadia B.", decisions=""))  # fmt: skip


def test_a_partner_reports_through_its_link_only_for_its_fiches(engine, workshop_id):
    link = _write(engine, lambda s: create_link(session=s, workshop_id=workshop_id, organisation="Caf du Nord", topic_keys=["parentalite"]))  # fmt: skip
    token = link.token
    assert len(token) >= 22
    with read_session(engine) as session:
        screen = reporting_screen(session=session, token=token, year=2025)
    assert [f.topic_key for f in screen.fiches] == ["parentalite"]
    places = next(i for i in screen.fiches[0].indicators if i.label.startswith("Nombre des places"))
    assert places.figure == "202,5"
    other = _indicator(engine, workshop_id, "avs-groupes").id
    with pytest.raises(NotFoundError):
        _write(engine, lambda s: submit_report(session=s, token=token, year=2026, figures={other: "3"}))
    with pytest.raises(InvalidInputError, match="Rien n'a été enregistré") as refused:
        _write(engine, lambda s: submit_report(session=s, token=token, year=2026, figures={places.id: "deux cents"}))  # fmt: skip
    assert places.label in refused.value.message
    saved = _write(engine, lambda s: submit_report(
        session=s, token=token, year=2026, figures={places.id: "210,5"}, comments={places.id: "Une crèche de plus."},
        fiches={"parentalite": FicheReport(status="in_progress", note="Cartographie publiée.")}))  # fmt: skip
    assert saved == 2
    with read_session(engine) as session:
        overview = follow_up_overview(session=session, workshop_id=workshop_id)
        links = list_links(session=session, workshop_id=workshop_id)
    row = next(i for f in overview.fiches for i in f.indicators if i.id == places.id)
    assert row.values[2026].value_milli == 210_500 and row.values[2026].reported_by == "Caf du Nord"
    assert overview.missing_reports(2026) == [] and overview.missing_reports(2025) == ["Caf du Nord"]
    assert links[0].last_used_at is not None
    _write(engine, lambda s: revoke_link(session=s, workshop_id=workshop_id, link_id=link.id))
    with pytest.raises(NotFoundError, match="plus valable"), read_session(engine) as session:
        reporting_screen(session=session, token=token)


def test_a_new_link_for_an_organisation_revokes_its_old_one(engine, workshop_id):
    first = _write(engine, lambda s: create_link(session=s, workshop_id=workshop_id, organisation="Mission Locale", topic_keys=["avs"]))  # fmt: skip
    _write(engine, lambda s: create_link(session=s, workshop_id=workshop_id, organisation="mission locale", topic_keys=["avs", "enfant"]))  # fmt: skip
    with read_session(engine) as session:
        links = list_links(session=session, workshop_id=workshop_id)
        assert [link.topic_titles for link in links] == [("Animation de la Vie Sociale", "Enfance")] or len(
            links
        ) == 1
        with pytest.raises(NotFoundError):
            reporting_screen(session=session, token=first.token)
    with pytest.raises(InvalidInputError, match="au moins une fiche"):
        _write(
            engine, lambda s: create_link(session=s, workshop_id=workshop_id, organisation="X", topic_keys=[])
        )


def test_the_overview_measures_how_far_along_each_indicator_is(engine, workshop_id):
    with read_session(engine) as session:
        overview = follow_up_overview(session=session, workshop_id=workshop_id)
    places = next(i for f in overview.fiches for i in f.indicators if i.key == "pe-places")
    assert places.progress_share() == pytest.approx((202.5 - 175) / (215 - 175))
    assert places.progress_share(up_to=2023) == 0
    assert overview.years == (2023, 2024, 2025, 2026)
