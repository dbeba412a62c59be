"""The server's cycle collector settings (server/collector.py)."""

from __future__ import annotations

import gc
import sys

import pytest

from server.collector import YOUNG_THRESHOLD, import_app_packages, tune_collector


@pytest.fixture
def collector_restored():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_tuning_freezes_what_lives_as_long_as_the_process(collector_restored) -> None:
    tune_collector()
    # The domain and the libraries are loaded and frozen: a full collection no longer walks them.
    assert "ctg_workshop.day.ballot" in sys.modules and "pandas" in sys.modules
    assert gc.get_freeze_count() > 50_000
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD
    # Objects created afterwards are collected as before: a cycle still goes away.
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1


def test_every_module_of_the_domain_is_imported() -> None:
    count = import_app_packages(("ctg_workshop",))
    assert count > 50
    assert (
        "ctg_workshop.follow_up.reporting" in sys.modules
        and "ctg_workshop.archive.backup_round" in sys.modules
    )
