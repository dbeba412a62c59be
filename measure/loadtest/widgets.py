"""Widgets as the browser sees them: their id, label, key, form, and how a value is sent.

In Streamlit 1.67 a widget's id is `$$ID-<hash>-<user key>` (`-None` without a key), so the
key a page gave (`key="home_workshop"`) is read back from the id. Values travel as
`WidgetState`s: `string_value` for text inputs, text areas, select boxes and radios (the
option *as displayed*, i.e. after `format_func`), `double_value` for number inputs (integers
included), `bool_value` for checkboxes and toggles, `string_array_value` for multiselects and segmented controls / pills (their shown texts),
and `trigger_value=True` for one run only when a button is clicked. An expander that tracks its
state (`st.expander(on_change="rerun")`, a block, not an element) is a widget too: `bool_value`
says whether it is open. A custom component
(`st.components.v2`, kind `bidi_component`) sends its events as `json_trigger_value`, a JSON
list of `{"event", "value"}`, under `$$STREAMLIT_INTERNAL_KEY_<component id>__events`.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from typing import Any

from google.protobuf.message import Message
from streamlit.proto.Block_pb2 import Block
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.WidgetStates_pb2 import WidgetState

from measure.loadtest.limits import LoadTestError

ID_PREFIX = "$$ID"
NO_KEY = "None"

TEXT_KINDS = frozenset({"text_input", "text_area"})
CHOICE_KINDS = frozenset({"selectbox", "radio"})
BUTTON_KINDS = frozenset({"button"})
COMPONENT_KINDS = frozenset({"bidi_component"})
# streamlit.runtime.state.session_state.STREAMLIT_INTERNAL_KEY_PREFIX, and the component's events
# aggregator suffix (streamlit.components.v2: EVENT_DELIM + "events").
TRIGGER_PREFIX = "$$STREAMLIT_INTERNAL_KEY_"
EVENTS_SUFFIX = "__events"
EXPANDER = "expander"
VALUE_KINDS = (
    TEXT_KINDS | CHOICE_KINDS | {"number_input", "checkbox", "multiselect", "button_group", EXPANDER}
)


class WidgetError(LoadTestError):
    """A widget that cannot be found, or a value it cannot take."""


@dataclass(frozen=True)
class Widget:
    """A widget on screen, as read from the last deltas."""

    id: str
    kind: str
    label: str
    key: str | None
    form_id: str
    fragment_id: str
    disabled: bool
    options: tuple[str, ...]
    is_form_submitter: bool
    path: tuple[int, ...]
    proto: Message

    def describe(self) -> str:
        name = f"« {self.label} »" if self.label else "sans libellé"
        key = f", clé « {self.key} »" if self.key else ""
        return f"{self.kind} {name}{key}"


def user_key(widget_id: str) -> str | None:
    """The `key=` a page gave the widget, read back from its id (None without one)."""
    if not widget_id.startswith(ID_PREFIX):
        return None
    key = widget_id.split("-", maxsplit=2)[-1]
    return None if key == NO_KEY else key


def widget_from_element(element: Element, path: tuple[int, ...], fragment_id: str) -> Widget | None:
    """A `Widget` for an element whose proto carries an `id` (every widget does), else None."""
    kind = element.WhichOneof("type") or ""
    if not kind:
        return None
    proto = getattr(element, kind)
    widget_id = getattr(proto, "id", "")
    if not widget_id:
        return None
    options: tuple[str, ...] = ()
    if kind == "button_group":  # st.segmented_control, st.pills: options carry their shown text
        options = tuple(option.content for option in proto.options)
    elif hasattr(proto, "options"):
        options = tuple(proto.options)
    return Widget(
        id=widget_id,
        kind=kind,
        label=getattr(proto, "label", ""),
        key=user_key(widget_id),
        form_id=getattr(proto, "form_id", ""),
        fragment_id=fragment_id,
        disabled=bool(getattr(proto, "disabled", False)),
        options=options,
        is_form_submitter=bool(getattr(proto, "is_form_submitter", False)),
        path=path,
        proto=proto,
    )


def widget_from_block(block: Block, path: tuple[int, ...], fragment_id: str) -> Widget | None:
    """A `Widget` for an expander that tracks its open state (its proto carries an `id`)."""
    if block.WhichOneof("type") != "expandable" or not block.expandable.id:
        return None
    proto = block.expandable
    return Widget(
        id=proto.id,
        kind=EXPANDER,
        label=proto.label,
        key=user_key(proto.id),
        form_id="",
        fragment_id=fragment_id,
        disabled=False,
        options=(),
        is_form_submitter=False,
        path=path,
        proto=proto,
    )


def trigger_state(widget: Widget) -> WidgetState:
    """A click: `trigger_value=True`, sent with one run and then forgotten."""
    if widget.kind not in BUTTON_KINDS:
        raise WidgetError(f"On ne clique pas sur un {widget.describe()} : ce n'est pas un bouton.")
    if widget.disabled:
        raise WidgetError(f"Le bouton {widget.describe()} est désactivé.")
    return WidgetState(id=widget.id, trigger_value=True)


def component_trigger_state(widget: Widget, event: str, value: Any) -> WidgetState:
    """An event of a custom component (`setTriggerValue(event, value)` in its script), sent with
    one run and then forgotten, as the browser's WidgetManager sends it."""
    if widget.kind not in COMPONENT_KINDS:
        raise WidgetError(f"{widget.describe()} n'est pas un composant.")
    return WidgetState(
        id=f"{TRIGGER_PREFIX}{widget.id}{EVENTS_SUFFIX}",
        json_trigger_value=json.dumps([{"event": event, "value": value}]),
    )


def component_data(widget: Widget) -> Any:
    """The JSON data a custom component was drawn with, as JSON or as JSON in bytes (the vote
    cards'); None without such data."""
    if widget.kind not in COMPONENT_KINDS:
        raise WidgetError(f"{widget.describe()} n'est pas un composant.")
    proto: Any = widget.proto
    kind = proto.WhichOneof("data")
    if kind == "bytes":
        return _decoded(proto.bytes.decode())
    return _decoded(proto.json) if kind == "json" else None


@functools.lru_cache(maxsize=256)
def _decoded(text: str) -> Any:
    """A component's data, decoded once for all the reads of one frame (callers only read it)."""
    data = json.loads(text)
    # Before 2026-12-04 the vote cards sent one JSON string: older copies (measure.side_by_side).
    return json.loads(data) if isinstance(data, str) else data


def _choice(widget: Widget, value: Any) -> str:
    text = str(value)
    accepts_new = bool(getattr(widget.proto, "accept_new_options", False))
    if text not in widget.options and not accepts_new:
        shown = ", ".join(f"« {o} »" for o in widget.options[:10])
        raise WidgetError(f"« {text} » n'est pas une option de {widget.describe()} (options : {shown}).")
    return text


def _number(widget: Widget, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise WidgetError(f"{widget.describe()} attend un nombre, pas « {value!r} ».")
    return float(value)


def value_state(widget: Widget, value: Any) -> WidgetState:
    """The `WidgetState` a browser sends when the user gives `widget` this value."""
    if widget.disabled:
        raise WidgetError(f"Le champ {widget.describe()} est désactivé.")
    state = WidgetState(id=widget.id)
    if widget.kind in TEXT_KINDS:
        if not isinstance(value, str):
            raise WidgetError(f"{widget.describe()} attend du texte, pas « {value!r} ».")
        max_chars = int(getattr(widget.proto, "max_chars", 0))
        state.string_value = value[:max_chars] if max_chars else value
    elif widget.kind in CHOICE_KINDS:
        state.string_value = _choice(widget, value)
    elif widget.kind == "number_input":
        state.double_value = _number(widget, value)
    elif widget.kind in {"checkbox", EXPANDER}:
        if not isinstance(value, bool):
            raise WidgetError(f"{widget.describe()} attend vrai ou faux, pas « {value!r} ».")
        state.bool_value = value
    elif widget.kind == "multiselect":
        if isinstance(value, str) or not hasattr(value, "__iter__"):
            raise WidgetError(f"{widget.describe()} attend une liste d'options.")
        state.string_array_value.data.extend(_choice(widget, v) for v in value)
    elif widget.kind == "button_group":
        chosen = [value] if isinstance(value, str) else list(value)
        state.string_array_value.data.extend(_choice(widget, v) for v in chosen)
    else:
        raise WidgetError(f"Le pilote ne sait pas encore remplir un {widget.describe()}.")
    return state


def _indexed_option(widget: Widget, index: int) -> str | None:
    return widget.options[index] if 0 <= index < len(widget.options) else None


def initial_state(widget: Widget) -> WidgetState | None:
    """What the browser reports for a widget it has just drawn: the value the server set, else
    the default. None when there is nothing to report (empty value, unsupported kind)."""
    proto: Any = widget.proto
    state = WidgetState(id=widget.id)
    if widget.kind in TEXT_KINDS:
        if proto.set_value and proto.HasField("value"):
            state.string_value = proto.value
        elif proto.HasField("default"):
            state.string_value = proto.default
        else:
            return None
    elif widget.kind in CHOICE_KINDS:
        if proto.set_value and proto.HasField("raw_value"):
            state.string_value = proto.raw_value
        elif proto.HasField("default") and (option := _indexed_option(widget, proto.default)) is not None:
            state.string_value = option
        else:
            return None
    elif widget.kind == "number_input":
        if proto.set_value and proto.HasField("value"):
            state.double_value = proto.value
        elif proto.HasField("default"):
            state.double_value = proto.default
        else:
            return None
    elif widget.kind == "checkbox":
        state.bool_value = proto.value if proto.set_value else proto.default
    elif widget.kind == EXPANDER:
        state.bool_value = proto.expanded
    elif widget.kind in {"multiselect", "button_group"}:
        if proto.set_value:
            state.string_array_value.data.extend(proto.raw_values)
        else:
            chosen = (_indexed_option(widget, i) for i in proto.default)
            state.string_array_value.data.extend(o for o in chosen if o is not None)
    else:
        return None
    return state


def server_set_value(widget: Widget) -> bool:
    """True when the run changed the widget's value from Python (`st.session_state`)."""
    return bool(getattr(widget.proto, "set_value", False))
