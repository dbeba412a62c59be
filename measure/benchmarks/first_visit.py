"""A phone's first visit to the partners' page, against a bare Streamlit page (`make bench` rows).

Chromium's own emulation (measure.first_visit): a slow link (1.6 Mbit/s, 150 ms) and 4G
(9 Mbit/s, 70 ms), the CPU four times slower, a fresh profile per visit. Three figures: the
bytes on the wire (both links' visits), the time to the join form on each link; each against
the same measurement of `measure/floor_first_visit.py` (one `st.write`, same settings, same
launcher), timed to its text.
"""

from __future__ import annotations

from collections.abc import Callable

from measure import PROJECT_ROOT
from measure import first_visit as chromium
from measure.benchmarks.results import Figure, Goal, Target
from measure.benchmarks.stats import Samples

MIB = 1024 * 1024
FLOOR_TITLE = "page Streamlit nue (un st.write), mêmes réglages, même lanceur"
TARGETS = {
    "first_visit.bytes": Target(Goal.AT_MOST, 1.0),
    "first_visit.slow": Target(Goal.AT_MOST, 7.0),
    "first_visit.4g": Target(Goal.AT_MOST, 3.0),
}


def available() -> str | None:
    """None when Chromium is there; otherwise why the rows are left out."""
    return None if chromium.CHROMIUM.exists() else f"Chromium absent ({chromium.CHROMIUM})"


def bench_first_visit(visits: int, scale: float, log: Callable[[str], None] = print) -> list[Figure]:
    series = chromium.run(
        links=[chromium.SLOW, chromium.FOUR_G],
        visits=visits,
        app_dir=PROJECT_ROOT,
        floor=True,
        record=None,
        log=log,
    )
    app = {s.link.name: s for s in series if s.page != chromium.FLOOR_PAGE}
    floor = {s.link.name: s for s in series if s.page == chromium.FLOOR_PAGE}
    notes = (
        f"Chromium {chromium.PHONE['width']}×{chromium.PHONE['height']}, processeur ralenti "
        f"{chromium.CPU_SLOWDOWN}× (Emulation.setCPUThrottlingRate), profil neuf à chaque visite",
    )

    def wire(group: dict[str, chromium.Series]) -> Samples:
        return Samples.of(v.wire_bytes / MIB for s in group.values() for v in s.visits)

    def ready(group: dict[str, chromium.Series], link: str) -> Samples:
        return Samples.of(v.ready_s for v in group[link].visits)

    return [
        Figure(
            "first_visit.bytes",
            "Première visite de la page des partenaires : octets sur le fil",
            scale,
            wire(app),
            wire(floor),
            floor_title=FLOOR_TITLE,
            unit="Mio",
            targets=(TARGETS["first_visit.bytes"],),
            notes=(*notes, "HTTP (en-têtes et corps tels que transmis) et trames du websocket"),
        ),
        Figure(
            "first_visit.slow",
            f"Première visite : formulaire « Rejoindre » prêt, réseau {chromium.SLOW.describe()}",
            scale,
            ready(app, chromium.SLOW.name),
            ready(floor, chromium.SLOW.name),
            floor_title=FLOOR_TITLE,
            targets=(TARGETS["first_visit.slow"],),
            notes=notes,
        ),
        Figure(
            "first_visit.4g",
            f"Première visite : formulaire « Rejoindre » prêt, réseau {chromium.FOUR_G.describe()}",
            scale,
            ready(app, chromium.FOUR_G.name),
            ready(floor, chromium.FOUR_G.name),
            floor_title=FLOOR_TITLE,
            targets=(TARGETS["first_visit.4g"],),
            notes=notes,
        ),
    ]
