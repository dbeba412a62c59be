"""What the benchmarks add to the load driver's browser tab: which runs drew what is on screen,
and the shape of what a run drew (for the floor page).

A benchmark times one refresh of one fragment with `AppSession.run_fragment` (the timer tick a
browser sends), and compares what an action drew with the floor page (`PageShape`).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from streamlit.proto.Element_pb2 import Element

from measure.loadtest import AppSession
from measure.loadtest.tree import element_text
from measure.loadtest.widgets import widget_from_element


class BenchSession(AppSession):
    """A browser tab that also tells which runs drew what is on screen."""

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


def drawn_chars(element: Element) -> int:
    """The characters an element brings to the page: its text, or a custom component's data
    (the vote cards' JSON in bytes, ~4 kB for twenty cards: the floor draws as much text)."""
    text = element_text(element)
    if text is not None:
        return len(text)
    if element.WhichOneof("type") == "bidi_component":
        component = element.bidi_component
        return (
            len(component.bytes.decode()) if component.WhichOneof("data") == "bytes" else len(component.json)
        )
    return 0


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
        run_chars=sum(drawn_chars(e) for e in elements),
        fragment=fragment,
    )
