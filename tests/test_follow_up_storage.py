"""The follow-up's storage: what the database itself holds (migration 0006), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from ctg_workshop.archive.load import import_archive
from ctg_workshop.storage.db import _alembic_config, read_session, write_session
from ctg_workshop.storage.models import ActionProgress, Indicator, IndicatorValue, ProgressStatus

NOW = dt.datetime(2026, 12, 3, 12, 0)


@pytest.fixture
def indicator_id(engine, follow_up_archive) -> int:
    with write_session(engine) as session:
        workshop = import_archive(session=session, data=follow_up_archive)
        return session.scalar(
            select(Indicator.id).where(Indicator.workshop_id == workshop.id, Indicator.key == "avs-groupes")
        )


def _add(engine, row) -> None:
    with write_session(engine) as session:
        session.add(row)


@pytest.mark.parametrize("year", [2022, 2027])
def test_a_value_outside_the_period_is_refused_by_the_database(engine, indicator_id, year):
    with pytest.raises(IntegrityError, match="ctg:year_outside_period"):
        _add(engine, IndicatorValue(indicator_id=indicator_id, year=year, value_milli=1000, updated_at=NOW))


def test_one_value_per_indicator_and_year(engine, indicator_id):
    with pytest.raises(IntegrityError, match=r"uq_indicator_value_indicator_id_year|UNIQUE"):
        _add(engine, IndicatorValue(indicator_id=indicator_id, year=2023, value_milli=5000, updated_at=NOW))


def test_progress_outside_the_period_and_twice_a_year_is_refused(engine, indicator_id):
    with read_session(engine) as session:
        indicator = session.get(Indicator, indicator_id)
        workshop_id, topic_id = indicator.workshop_id, indicator.topic_id
    with pytest.raises(IntegrityError, match="ctg:year_outside_period"):
        _add(engine, ActionProgress(workshop_id=workshop_id, topic_id=topic_id, year=2030,
                                    status=ProgressStatus.DONE, updated_at=NOW))  # fmt: skip
    with pytest.raises(IntegrityError):
        _add(engine, ActionProgress(workshop_id=workshop_id, topic_id=topic_id, year=2023,
                                    status=ProgressStatus.DONE, updated_at=NOW))  # fmt: skip


def test_a_baseline_needs_its_year_and_its_value(engine, indicator_id):
    with pytest.raises(IntegrityError, match="baseline_complete"), write_session(engine) as session:
        session.get(Indicator, indicator_id).baseline_year = None


def test_0006_downgrades_to_0005_and_upgrades_again(engine):
    from alembic import command

    def migrate(revision: str, down: bool = False) -> None:
        with engine.begin() as connection:
            config = _alembic_config(engine.url.render_as_string(hide_password=False))
            config.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(config, revision)

    migrate("0005_day_safety", down=True)
    assert "indicator" not in inspect(engine).get_table_names()
    assert "signed_on" not in {c["name"] for c in inspect(engine).get_columns("workshop")}
    migrate("head")
    assert {"indicator", "indicator_value", "narrative_section", "meeting"} <= set(
        inspect(engine).get_table_names()
    )
