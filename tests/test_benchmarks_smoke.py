"""The bench runs end to end at a tiny size and writes a well-formed report (`make bench`).

No timing is asserted here: the figures live in docs/benchmarks.md. What is checked is that
every benchmark still finds its widgets, fragments and queries (the partner page changes), that
nothing written is lost, and that the report has its sections and one line per figure.
"""

from __future__ import annotations

import json
import math
import re
import socket
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ctg_workshop.archive.load import read_archive
from ctg_workshop.day.projection import swot_matrix, voter_count
from ctg_workshop.storage.db import open_database, read_session
from ctg_workshop.storage.models import Item, Quadrant, Topic, Vote
from measure.benchmarks import profiling, report
from measure.benchmarks.__main__ import main
from measure.benchmarks.counted_streamlit import install_nodelay
from measure.benchmarks.machine import commit, machine
from measure.benchmarks.results import Figure, Goal, Target
from measure.benchmarks.run import Plan, Reps, Results, run
from measure.benchmarks.stats import Samples, growth_exponent
from measure.benchmarks.workshop import WorkshopSize, build_archive, create_workshop

TINY = 0.05
SECTIONS = (
    "# Ce que coûte chaque action, face à son plancher",
    "## Machine",
    "## Commande",
    "## Résumé",
    "## Croissance avec la taille de l'atelier",
    "## Ce que le banc a corrigé",
    "## Diagnostic",
    "## Profil",
    "## Ce qui reste",
    "## Détail des mesures",
    "## Méthode",
)
EVERY_FIGURE = (
    "partner.add_item",
    "partner.dot",
    "partner.refresh",
    "projection.counters",
    "projection.topic",
    "projection.warm",
    "projection.query",
    "projection.screens",
    "writes.add_item",
    "writes.lost",
    "export.convention",
    "export.again",
)


def test_growth_exponent_reads_constant_linear_and_quadratic() -> None:
    sizes = [1, 4, 16]
    assert growth_exponent(sizes, [2.0, 2.0, 2.0]) == pytest.approx(0.0)
    assert growth_exponent(sizes, [1.0, 4.0, 16.0]) == pytest.approx(1.0)
    assert growth_exponent(sizes, [1.0, 16.0, 256.0]) == pytest.approx(2.0)
    assert math.isnan(growth_exponent([1], [1.0]))


def test_targets_and_the_figure_furthest_from_its_own() -> None:
    fast = Figure(
        "a", "a", 1, Samples.of([1.0, 1.2]), Samples.of([1.0]), targets=(Target(Goal.RATIO_AT_MOST, 2),)
    )
    slow = Figure("b", "b", 1, Samples.of([5.0]), Samples.of([1.0]), targets=(Target(Goal.RATIO_AT_MOST, 2),))
    rate = Figure(
        "c", "c", 1, Samples.of([10.0]), Samples.of([40.0]), targets=(Target(Goal.RATIO_AT_LEAST, 0.5),)
    )
    assert fast.met() is True and slow.met() is False and rate.met() is False
    assert profiling.worst_figure([fast, slow, rate]) is slow


def test_the_generated_archive_is_valid_and_scales() -> None:
    size = WorkshopSize(1)
    content = read_archive(json.dumps(build_archive(size, code="BENCH0100")))
    workshop = content.workshop
    assert (len(workshop.participants), len(workshop.items), len(workshop.votes)) == (150, 1200, 2000)
    assert WorkshopSize(16).items == 16 * 1200


def test_what_the_projection_fixes_read_is_what_the_full_queries_read(tmp_path: Path) -> None:
    """The projection reads the newest cards and the voters with cheaper queries (benchmark 2):
    the same cards, counts and voters as the full ones."""
    workshop = create_workshop(tmp_path / "tiny.sqlite3", WorkshopSize(TINY))
    engine = open_database(workshop.database_url)
    try:
        with read_session(engine) as session:
            voters = session.scalar(
                select(func.count(Vote.participant_id.distinct()))
                .join(Item, Item.id == Vote.item_id)
                .where(Vote.workshop_id == workshop.workshop_id, Item.hidden.is_(False))
            )
            assert voter_count(session=session, workshop_id=workshop.workshop_id) == voters > 0
            for topic_id in session.scalars(
                select(Topic.id).where(Topic.workshop_id == workshop.workshop_id)
            ):
                full = swot_matrix(session=session, workshop_id=workshop.workshop_id, topic_id=topic_id)
                newest = swot_matrix(
                    session=session, workshop_id=workshop.workshop_id, topic_id=topic_id, newest=2
                )
                for quadrant in Quadrant:
                    assert newest.cards(quadrant) == full.cards(quadrant)[-2:]
                    assert newest.count(quadrant) == full.count(quadrant) == len(full.cards(quadrant))
    finally:
        engine.dispose()


def test_the_profile_of_an_export_names_the_builder(tmp_path: Path) -> None:
    workshop = create_workshop(tmp_path / "tiny.sqlite3", WorkshopSize(TINY))
    assert "build_convention" in profiling.profile_export(workshop, first=False)


def test_the_diagnostic_server_sets_tcp_nodelay(monkeypatch: pytest.MonkeyPatch) -> None:
    """Streamlit's listening socket comes back as an explicit TCP socket, so that asyncio sets
    TCP_NODELAY on the connections it accepts (the benchmark-only patch of the diagnostic)."""
    from streamlit.web.server.starlette import starlette_server

    monkeypatch.setattr(starlette_server, "_bind_socket", starlette_server._bind_socket)
    install_nodelay()
    sock = starlette_server._bind_socket("127.0.0.1", 0, 8)
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()


def test_the_whole_bench_at_a_tiny_size_writes_a_well_formed_report(tmp_path: Path) -> None:
    """Real servers (app, floor, query-logging), the websocket driver, every benchmark."""
    tiny = Reps(
        partner=2,
        page=1,
        refresh=1,
        query=2,
        screens=2,
        intervals=1,
        write_runs=1,
        writers=4,
        per_writer=1,
        export=1,
    )
    plan = Plan(scales=(TINY,), reps={TINY: tiny}, diagnostic=True, profile=False, cache_wait=0.0)
    results = run(plan, "pytest", log=lambda _line: None)
    keys = {figure.key for figure in results.figures}
    assert set(EVERY_FIGURE) <= keys
    if Path("/usr/bin/chromium").exists():  # the first visit is measured in Chromium
        assert {"first_visit.bytes", "first_visit.slow", "first_visit.4g"} <= keys
    for figure in results.figures:
        assert figure.subject.values and all(value >= 0 for value in figure.subject.values), figure.key
    assert next(f for f in results.figures if f.key == "writes.lost").subject.values == (0,)
    # Each item added is one more card: the floor of « add an item » followed the page's shape.
    added = next(f for f in results.figures if f.key == "partner.add_item")
    assert "suivie à chaque ajout" in added.floor_title, added.floor_title
    text = report.render(results)
    for section in SECTIONS:
        assert section in text
    summary = text.split("## Résumé", 1)[1].split("##", 1)[0]
    assert len([line for line in summary.splitlines() if line.startswith("| ") and "---" not in line]) == (
        1 + len(results.figures)
    )
    assert not re.search(r"\bnan\b", text, re.IGNORECASE)


def _results(scales: tuple[float, ...]) -> Results:
    """Results as a run would hand them over, without running anything (for the report)."""
    plan = Plan(scales=scales, diagnostic=False, profile=False)
    results = Results(
        machine=machine(), commit=commit(), started="2026-11-23 09:00:00", command="make bench", plan=plan
    )
    for scale in scales:
        results.sizes[scale] = WorkshopSize(scale).describe()
        results.figures.append(
            Figure(
                "partner.add_item",
                "Ajouter une contribution",
                scale,
                Samples.of([0.04 * scale, 0.05 * scale]),
                Samples.of([0.03, 0.04]),
                targets=(Target(Goal.RATIO_AT_MOST, 2.0),),
            )
        )
    return results


def test_the_report_reads_growth_from_the_figures() -> None:
    text = report.render(_results((1.0, 4.0, 16.0)))
    growth = text.split("## Croissance", 1)[1].split("##", 1)[0]
    assert "| Ajouter une contribution | 45 ms | 180 ms | 720 ms | 1,00 | linéaire |" in growth


def test_the_command_line_writes_where_it_is_told(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plans: list[Plan] = []

    def fake_run(plan: Plan, command: str, log: object = print) -> Results:
        plans.append(plan)
        return _results(plan.scales)

    monkeypatch.setattr("measure.benchmarks.__main__.run", fake_run)
    output = tmp_path / "bench.md"
    assert main(["--sizes", "1,4", "--output", str(output), "--no-diagnostic", "--no-profile"]) == 0
    assert plans[0].scales == (1.0, 4.0) and not plans[0].diagnostic and not plans[0].profile
    assert output.read_text(encoding="utf-8").startswith("# Ce que coûte chaque action")


def test_the_floor_draws_as_much_text_as_the_cards_data() -> None:
    """A custom component brings its JSON data to the page: the floor counts it as text."""
    from streamlit.proto.Element_pb2 import Element

    from measure.benchmarks.driver import drawn_chars

    cards, text, button = Element(), Element(), Element()
    cards.bidi_component.bytes = json.dumps(
        {"sections": [{"cards": ["é" * 40]}]}, ensure_ascii=False
    ).encode()
    text.markdown.body = "Point ajouté"
    button.button.label = "Actualiser"
    assert drawn_chars(cards) == len(cards.bidi_component.bytes.decode()) > 40  # characters, not bytes
    assert drawn_chars(text) == len("Point ajouté")
    assert drawn_chars(button) == 0
