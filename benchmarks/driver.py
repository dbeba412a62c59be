"""What the benchmarks add to the load driver's browser tab: fragment runs on demand, and the
shape of what a run drew (for the floor page).

`ctg_workshop.loadtest.AppSession` runs fragment timers only while idling, one interval at a
time. `BenchSession.run_fragment` sends the same auto-rerun request at once, for one fragment,
so a benchmark can time one refresh of one fragment (it reuses the session's request builder:
if the driver changes, the smoke test says so).

The driver's element tree looks for the descendants of every element it receives among all
the nodes on screen: quadratic in the page's size. On a page of thousands of elements (the
vote at 16×) the tab then spends seconds between two frames, the latency it reports is the
client's, and the server ends up closing the websocket (ping timeout). `BenchTree` only looks
under paths that have held a container, which gives the same tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from ctg_workshop.loadtest import AppSession, RunResult
from ctg_workshop.loadtest.tree import ElementTree, Path, element_text
from ctg_workshop.loadtest.widgets import widget_from_element


class BenchTree(ElementTree):
    """The driver's element tree, with descendants looked for only where a container was."""

    def __init__(self) -> None:
        super().__init__()
        self._containers: set[Path] = set()

    def apply(self, message: ForwardMsg, run_id: str) -> None:
        if message.delta.WhichOneof("type") == "add_block":
            self._containers.add(tuple(message.metadata.delta_path))
        super().apply(message, run_id)

    def _remove_under(self, path: Path) -> None:
        # Only a container has children: anywhere else there is nothing to remove.
        if path in self._containers:
            self._containers.discard(path)
            super()._remove_under(path)


class BenchSession(AppSession):
    """A browser tab that can also run one fragment's timer now (and reads big pages fast)."""

    def _reset_tab(self) -> None:
        super()._reset_tab()
        self.tree = BenchTree()

    async def run_fragment(self, fragment_id: str, *, action: str = "auto_rerun") -> RunResult:
        request = self._request(fragment_id=fragment_id, is_auto_rerun=True)
        return await self._send(action, request)

    def run_ids(self) -> set[str]:
        """The runs whose elements are on screen now (to tell what the next action redraws)."""
        return {node.run_id for node in self.tree.nodes()}

    def fragment_showing(self, text: str) -> str | None:
        """The fragment id of the first element whose text or metric label contains `text`."""
        for node, element in self.tree.elements():
            shown = element_text(element) or ""
            if element.WhichOneof("type") == "metric":
                shown = element.metric.label
            if node.fragment_id and text in shown:
                return node.fragment_id
        return None


@dataclass(frozen=True)
class PageShape:
    """What a page holds, and what one action on it draws again (for the floor page)."""

    total_widgets: int
    total_elements: int
    run_widgets: int
    run_elements: int
    run_blocks: int
    run_chars: int
    fragment: bool

    def query(self) -> str:
        return urlencode(
            {
                "total_widgets": self.total_widgets,
                "total_elements": self.total_elements,
                "run_widgets": self.run_widgets,
                "run_elements": self.run_elements,
                "run_blocks": self.run_blocks,
                "run_chars": self.run_chars,
                "fragment": int(self.fragment),
            }
        )

    def describe(self) -> str:
        scope = "fragment" if self.fragment else "page entière"
        return (
            f"{self.run_elements} éléments dont {self.run_widgets} widgets redessinés ({scope}), "
            f"{self.total_widgets} widgets sur la page"
        )


def shape_after(tab: BenchSession, runs_before: set[str], *, fragment: bool) -> PageShape:
    """The shape of the page now, and of what was drawn since `runs_before` (`run_ids()`)."""
    drawn = [node for node in tab.tree.nodes() if node.run_id not in runs_before]
    elements = [node.element for node in drawn if node.element is not None]
    return PageShape(
        total_widgets=len(tab.widgets()),
        total_elements=sum(1 for _ in tab.tree.elements()),
        run_widgets=sum(1 for e in elements if widget_from_element(e, (), "") is not None),
        run_elements=len(elements),
        run_blocks=sum(1 for node in drawn if node.block is not None),
        run_chars=sum(len(element_text(e) or "") for e in elements),
        fragment=fragment,
    )
