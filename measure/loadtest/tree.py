"""The element tree of one session, rebuilt from the deltas like the browser does.

Every `delta` ForwardMsg addresses a node by `metadata.delta_path`: the root container first
(0 main, 1 sidebar, 2 event, 3 bottom), then the child index at each level. `new_element`
puts an element there (replacing what was there, children included), `add_block` a container
(`st.columns`, `st.container`, `st.form`…; existing children stay until pruned). A run
does not clear the screen when it starts: the nodes it does not touch again are removed when
it finishes successfully (for a fragment run, only within that fragment). Changing page
removes the elements of the previous page but keeps those of the entry script (`app.py`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from streamlit.proto.Block_pb2 import Block
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from measure.loadtest.widgets import Widget, widget_from_block, widget_from_element

Path = tuple[int, ...]

_TEXT_KINDS = ("markdown", "text", "heading", "alert", "toast", "code")
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape_markdown(text: str) -> str:
    """`2023\\/2026 \\(démo\\)` or `2023&#47;2026` → `2023/2026`: the escapes a page adds so
    that typed text is shown literally are not part of what the reader sees."""
    return html.unescape(_MARKDOWN_ESCAPE.sub(r"\1", text))


@dataclass
class Node:
    path: Path
    run_id: str
    fragment_id: str
    script_hash: str
    element: Element | None = None
    block: Block | None = None
    transient: list[Element] = field(default_factory=list)


def _is_under(path: Path, ancestor: Path) -> bool:
    return len(path) > len(ancestor) and path[: len(ancestor)] == ancestor


def element_text(element: Element) -> str | None:
    """The text an element shows, for the kinds that show text; None otherwise."""
    kind = element.WhichOneof("type")
    if kind in _TEXT_KINDS:
        proto = getattr(element, kind)
        return getattr(proto, "body", None) or getattr(proto, "code_text", None) or ""
    if kind == "exception":
        return f"{element.exception.type}: {element.exception.message}"
    return None


class ElementTree:
    """Nodes by path; queries return them in page order (paths sort in document order)."""

    def __init__(self) -> None:
        self._nodes: dict[Path, Node] = {}
        # Paths that have held a container: only they can have descendants to remove. Looking
        # under every path made each element cost a scan of the page (seconds between two
        # frames on a page of thousands of elements, and the server closed the websocket).
        self._containers: set[Path] = set()
        # What the queries computed since the last change: a scenario asks for the widgets
        # several times between two frames (find a field, read the cards, check an answer);
        # walking and decoding the page each time was a quarter of the driver's CPU.
        self._sorted: list[Node] | None = None
        self._widgets: list[Widget] | None = None

    def _changed(self) -> None:
        self._sorted = self._widgets = None

    def __len__(self) -> int:
        return len(self._nodes)

    def apply(self, message: ForwardMsg, run_id: str) -> None:
        """Apply one `delta` ForwardMsg received during run `run_id`."""
        self._changed()
        path: Path = tuple(message.metadata.delta_path)
        delta = message.delta
        kind = delta.WhichOneof("type")
        common = {
            "path": path,
            "run_id": run_id,
            "fragment_id": delta.fragment_id,
            "script_hash": message.metadata.active_script_hash,
        }
        if kind == "new_element":
            self._remove_under(path)
            self._nodes[path] = Node(**common, element=delta.new_element)
        elif kind == "add_block":
            self._containers.add(path)
            self._nodes[path] = Node(**common, block=delta.add_block)
        elif kind == "new_transient":
            node = self._nodes.setdefault(path, Node(**common))
            node.transient = list(delta.new_transient.elements)

    def _remove_under(self, path: Path) -> None:
        if path not in self._containers:
            return
        self._containers.discard(path)
        for stale in [p for p in self._nodes if _is_under(p, path)]:
            del self._nodes[stale]

    def _remove_orphans(self) -> None:
        for path in sorted(self._nodes, key=len):
            if len(path) > 2 and path[:-1] not in self._nodes:
                del self._nodes[path]

    def prune(self, run_id: str, fragment_ids: tuple[str, ...] = ()) -> None:
        """Drop what run `run_id` did not draw again (only inside its fragments if it had any)."""
        self._changed()
        for path, node in list(self._nodes.items()):
            in_scope = not fragment_ids or node.fragment_id in fragment_ids
            if in_scope and node.run_id != run_id:
                del self._nodes[path]
        self._remove_orphans()

    def clear_page(self, main_script_hash: str) -> None:
        """Leaving a page: keep only what the entry script drew."""
        self._changed()
        for path, node in list(self._nodes.items()):
            if node.script_hash != main_script_hash:
                del self._nodes[path]
        self._remove_orphans()

    def clear(self) -> None:
        self._changed()
        self._nodes.clear()
        self._containers.clear()

    def nodes(self) -> list[Node]:
        if self._sorted is None:
            self._sorted = [self._nodes[p] for p in sorted(self._nodes)]
        return list(self._sorted)

    def elements(self) -> Iterator[tuple[Node, Element]]:
        for node in self.nodes():
            if node.element is not None:
                yield node, node.element
            for element in node.transient:
                yield node, element

    def widgets(self) -> list[Widget]:
        """The widgets on screen in page order: elements, and expanders that track their state."""
        if self._widgets is None:
            found = []
            for node in self.nodes():
                if node.block is not None:
                    found.append(widget_from_block(node.block, node.path, node.fragment_id))
                for element in ([node.element] if node.element is not None else []) + node.transient:
                    found.append(widget_from_element(element, node.path, node.fragment_id))
            self._widgets = [widget for widget in found if widget is not None]
        return list(self._widgets)

    def widgets_drawn_by(self, run_id: str) -> list[Widget]:
        return [w for w in self.widgets() if self._nodes[w.path].run_id == run_id]

    def forms(self) -> dict[str, Block.Form]:
        """The forms on screen by form id (`clear_on_submit`, `enter_to_submit`…)."""
        return {
            node.block.form.form_id: node.block.form
            for node in self._nodes.values()
            if node.block is not None and node.block.WhichOneof("type") == "form"
        }

    def texts(self, *, raw: bool = False, under: Path = ()) -> list[str]:
        """Texts in page order; only inside the container at `under` if given."""
        found = []
        for node, element in self.elements():
            if under and not _is_under(node.path, under):
                continue
            text = element_text(element)
            if text:
                found.append(text if raw else unescape_markdown(text))
        return found

    def of_kind(self, kind: str) -> list[Element]:
        return [element for _node, element in self.elements() if element.WhichOneof("type") == kind]
