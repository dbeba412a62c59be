"""The load driver speaks Streamlit's websocket protocol to a real `streamlit run app.py`.

One server for the module (a temporary SQLite database holding the demo workshop twice, under
ARMDEMO and ARMDEM2, so the home page's select box has somewhere to go). No figure is
asserted: timings are measured by hand (docs/loadtest-protocol.md), never in a timed test.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from ctg_workshop.archive.load import import_archive
from ctg_workshop.storage.db import open_database, write_session
from measure.harness.streamlit_server import StreamlitServer, start_streamlit
from measure.loadtest import AppSession, LoopbackOnlyError, RunStatus, ensure_loopback
from measure.loadtest.protocol import MessageCache, ProtocolError, stream_url
from measure.loadtest.report import LatencyRecorder, percentile, read_proc_sample
from measure.loadtest.runner import Group, LoadPlan, run_load
from measure.loadtest.scenarios import HOME_WORKSHOP_KEY, ScenarioOptions, browse_home, idle_home
from measure.loadtest.tree import ElementTree
from measure.loadtest.widgets import (
    WidgetError,
    component_data,
    component_trigger_state,
    initial_state,
    user_key,
    value_state,
    widget_from_element,
)

SECOND_CODE = "ARMDEM2"


@pytest.fixture(scope="module")
def demo_twice_url(tmp_path_factory: pytest.TempPathFactory, demo_archive: bytes) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('loadtest') / 'ctg.sqlite3'}"
    engine = open_database(url)
    with write_session(engine) as session:
        import_archive(session=session, data=demo_archive)
        import_archive(session=session, data=demo_archive, as_code=SECOND_CODE)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def server(demo_twice_url: str) -> Iterator[StreamlitServer]:
    with start_streamlit(demo_twice_url) as running:
        yield running


# --- Loopback only -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["10.0.0.1", "example.org", "http://10.0.0.1:8501", "https://example.org/"]
)
def test_the_driver_refuses_any_host_but_this_machine(target: str) -> None:
    with pytest.raises(LoopbackOnlyError, match="n'est pas cette machine"):
        ensure_loopback(target)
    url = target if "://" in target else f"http://{target}:8501"
    with pytest.raises(LoopbackOnlyError):
        AppSession(url)


@pytest.mark.parametrize(
    "target", ["localhost", "127.0.0.1", "127.8.9.10", "::1", "http://[::1]:8501", "http://localhost:1"]
)
def test_the_driver_accepts_loopback(target: str) -> None:
    ensure_loopback(target)


def test_stream_url_is_the_websocket_route() -> None:
    assert stream_url("http://127.0.0.1:8501/") == "ws://127.0.0.1:8501/_stcore/stream"
    assert stream_url("http://localhost:8501/base") == "ws://localhost:8501/base/_stcore/stream"


# --- Pieces without a server ---------------------------------------------------------------------


def test_percentiles_interpolate_between_ranks() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile([3.0], 95) == 3.0


def test_user_key_is_read_back_from_the_widget_id() -> None:
    assert user_key("$$ID-6b69b5c07e2120b480e5d1dbd7a624a0-home_workshop") == "home_workshop"
    assert user_key("$$ID-6b69b5c07e2120b480e5d1dbd7a624a0-None") is None
    assert user_key("$$ID-0f-FormSubmitter:participer_join-Rejoindre l'atelier") == (
        "FormSubmitter:participer_join-Rejoindre l'atelier"
    )


def test_a_component_event_is_sent_as_the_browser_sends_it() -> None:
    """A custom component's event: a JSON list under the id Streamlit gives its events
    aggregator (the same function the server uses to read it back)."""
    import json

    from streamlit.components.v2.bidi_component.main import _make_trigger_id
    from streamlit.proto.Element_pb2 import Element

    element = Element()
    element.bidi_component.id = "$$ID-0123456789abcdef0123456789abcdef-participer_cards_avs"
    element.bidi_component.json = json.dumps({"max": 3, "sections": []})
    widget = widget_from_element(element, (0, 1), "fragment-1")
    assert widget is not None and widget.kind == "bidi_component" and widget.key == "participer_cards_avs"
    assert component_data(widget) == {"max": 3, "sections": []}
    state = component_trigger_state(widget, "tap", {"item": 12, "action": "add"})
    assert state.id == _make_trigger_id(element.bidi_component.id, "events")
    assert json.loads(state.json_trigger_value) == [{"event": "tap", "value": {"item": 12, "action": "add"}}]
    button = Element()
    button.button.id = "$$ID-0123456789abcdef0123456789abcdef-refresh"
    with pytest.raises(WidgetError):
        component_trigger_state(widget_from_element(button, (0, 2), ""), "tap", {})


def _delta(path: list[int], body: str) -> ForwardMsg:
    message = ForwardMsg()
    message.metadata.delta_path.extend(path)
    message.delta.new_element.markdown.body = body
    return message


def test_a_finished_run_removes_what_it_did_not_draw_again() -> None:
    tree = ElementTree()
    tree.apply(_delta([0, 0], "titre"), "run-1")
    tree.apply(_delta([0, 1], "ancien"), "run-1")
    tree.apply(_delta([0, 0], "titre"), "run-2")
    tree.prune("run-2")
    assert tree.texts() == ["titre"]


def _button(path: list[int], key: str) -> ForwardMsg:
    message = ForwardMsg()
    message.metadata.delta_path.extend(path)
    message.delta.new_element.button.id = f"$$ID-0123456789abcdef0123456789abcdef-{key}"
    message.delta.new_element.button.label = key
    return message


def test_the_widgets_asked_twice_follow_every_change_of_the_page() -> None:
    """The tree keeps its widgets between two changes (a scenario asks often): every change —
    a new element, a run that prunes, leaving the page — shows at the next ask."""
    tree = ElementTree()
    tree.apply(_button([0, 0], "refresh"), "run-1")
    assert [w.key for w in tree.widgets()] == ["refresh"]
    tree.apply(_button([0, 1], "forget"), "run-1")
    assert [w.key for w in tree.widgets()] == ["refresh", "forget"]
    tree.apply(_button([0, 1], "join"), "run-2")
    tree.prune("run-2")
    assert [w.key for w in tree.widgets()] == ["join"]
    tree.widgets().clear()  # a caller's list is its own
    assert [w.key for w in tree.widgets()] == ["join"]
    tree.clear()
    assert tree.widgets() == [] and tree.nodes() == []


def test_component_data_sent_as_json_in_bytes_is_decoded() -> None:
    import json

    from streamlit.proto.Element_pb2 import Element

    element = Element()
    element.bidi_component.id = "$$ID-0123456789abcdef0123456789abcdef-participer_cards_avs"
    element.bidi_component.bytes = json.dumps({"max": 3, "sections": ["é"]}).encode()
    assert component_data(widget_from_element(element, (0, 1), "")) == {"max": 3, "sections": ["é"]}
    element.bidi_component.json = json.dumps(json.dumps({"max": 3, "sections": []}))  # an older copy's
    assert component_data(widget_from_element(element, (0, 1), "")) == {"max": 3, "sections": []}
    element.bidi_component.json = json.dumps({"max": 3, "sections": []})  # a component's plain JSON
    assert component_data(widget_from_element(element, (0, 1), "")) == {"max": 3, "sections": []}


def test_an_element_drawn_where_a_container_was_removes_its_content() -> None:
    tree = ElementTree()
    block = ForwardMsg()
    block.metadata.delta_path[:] = [0, 1]
    block.delta.add_block.vertical.SetInParent()
    tree.apply(block, "run-1")
    tree.apply(_delta([0, 1, 0], "dans le cadre"), "run-1")
    tree.apply(_delta([0, 2], "après"), "run-1")
    tree.apply(_delta([0, 2], "remplacé"), "run-2")  # an element over an element: nothing under it
    assert tree.texts() == ["dans le cadre", "remplacé"]
    tree.apply(_delta([0, 1], "à la place du cadre"), "run-2")
    assert tree.texts() == ["à la place du cadre", "remplacé"]


def test_the_cache_resolves_references_to_cacheable_messages() -> None:
    cache = MessageCache()
    big = _delta([0, 3], "gros")
    big.hash = "h1"
    big.metadata.cacheable = True
    cache.resolve(big)
    assert cache.hashes() == ["h1"]
    reference = ForwardMsg(ref_hash="h1")
    reference.metadata.delta_path.extend([0, 7])
    resolved = cache.resolve(reference)
    assert resolved.delta.new_element.markdown.body == "gros"
    assert list(resolved.metadata.delta_path) == [0, 7]
    with pytest.raises(ProtocolError):
        cache.resolve(ForwardMsg(ref_hash="inconnu"))


# --- Against the real server ---------------------------------------------------------------------


async def _open_and_switch(base_url: str, recorder: LatencyRecorder) -> dict[str, object]:
    async with AppSession(base_url, recorder=recorder) as tab:
        opened = await tab.open("/", query="atelier=ARMDEMO")
        seen: dict[str, object] = {
            "opened": opened,
            "session_id": tab.session_id,
            "metrics": tab.metrics(),
            "texts": tab.texts(),
            "pages": [page.url_pathname for page in tab.pages],
        }
        box = tab.find_widget(key=HOME_WORKSHOP_KEY)
        seen["box"] = box
        seen["before"] = tab.value_of(box)
        target = next(option for option in box.options if f"({SECOND_CODE})" in option)
        if seen["before"] == target:
            target = next(option for option in box.options if option != target)
        seen["switched"] = await tab.set_value(box, target)
        seen["after"] = tab.value_of(tab.find_widget(label="Atelier", kind="selectbox"))
        seen["target"] = target
        seen["texts_after"] = tab.texts()
        return seen


def test_a_session_reads_the_home_page_and_switches_workshop(server: StreamlitServer) -> None:
    recorder = LatencyRecorder()
    seen = asyncio.run(_open_and_switch(server.url, recorder))

    assert seen["opened"].status is RunStatus.SUCCESS
    assert seen["session_id"]
    assert seen["metrics"]["Participants"] == "25"  # read from the metric deltas
    assert "CTG Atelier" in seen["texts"]
    assert "participer" in seen["pages"]
    box = seen["box"]
    assert box.kind == "selectbox" and box.label == "Atelier" and box.key == HOME_WORKSHOP_KEY
    assert len(box.options) == 2

    switched = seen["switched"]
    assert switched is not None and switched.ok
    assert switched.status is RunStatus.SUCCESS  # the rerun ended with script_finished
    assert seen["after"] == seen["target"] != seen["before"]
    code = seen["target"].rsplit("(", 1)[1].rstrip(")")
    assert any(f"**{code}**" in text for text in seen["texts_after"])  # the page follows the choice

    assert len(recorder.latencies("open")) == 1
    assert len(recorder.latencies("set_value")) == 1
    assert recorder.latencies("set_value")[0] == switched.seconds > 0
    assert recorder.error_count == 0


def test_the_server_process_can_be_sampled(server: StreamlitServer) -> None:
    sample = read_proc_sample(server.pid)
    assert sample.cpu_seconds > 0
    assert sample.rss_kib > 0
    assert sample.threads >= 1


def test_a_small_load_runs_and_stops_by_itself(server: StreamlitServer) -> None:
    options = ScenarioOptions(steps=1)
    plan = LoadPlan(
        base_url=server.url,
        groups=(
            Group("actives", 3, lambda index: browse_home(options, index)),
            Group("inactives", 2, lambda _index: idle_home(60), background=True),
        ),
        max_duration_s=25,
        action_timeout_s=20,
        server_pid=server.pid,
        sample_interval_s=0.2,
    )
    report = asyncio.run(run_load(plan))
    assert report.errors == {}
    counts = {stats.action: stats.count for stats in report.actions}
    assert counts["open_home"] == 5
    assert counts["switch_workshop"] == 3
    assert report.parameters["actives_terminées"] == 3
    assert report.server is not None and report.server.samples >= 2
    assert "p95 ms" in report.to_text()


def test_the_loadtest_command_refuses_a_remote_target(capsys: pytest.CaptureFixture[str]) -> None:
    from measure.loadtest.cli import main

    assert main(["--url", "http://example.org:8501", "--sessions", "1"]) == 2
    assert "n'est pas cette machine" in capsys.readouterr().err


def test_the_server_helper_reports_its_url_and_log(server: StreamlitServer) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    assert server.running()
    assert Path(server.log_path).exists()
    assert server.pid == server.process.pid


# --- The protocol's corners, on a bench app (forms, triggers, fragments, timers) -----------------

BENCH_APP = """
import streamlit as st

st.title("Banc d'essai")
st.markdown("Long texte. " * 1200)  # over 10 kB: cacheable, sent by reference once cached
st.session_state.setdefault("count", 0)
name = st.text_input("Nom", key="name")
st.write(f"Bonjour {name or 'personne'}")
with st.form("bench_form", clear_on_submit=True):
    idea = st.text_area("Idée", key="idea")
    points = st.number_input("Points", min_value=0, max_value=5, value=1, key="points")
    quadrant = st.radio("Quadrant", ["Forces", "Faiblesses"], key="quadrant")
    if st.form_submit_button("Ajouter"):
        st.session_state.setdefault("ideas", []).append(f"{quadrant}/{idea}/{int(points)}")
st.write("Idées : " + " ; ".join(st.session_state.get("ideas", [])))
if st.button("Plus un", key="plus"):
    st.session_state.count += 1
st.write(f"Compteur : {st.session_state.count}")


@st.fragment(run_every=0.3)
def ticker():
    st.session_state.ticks = st.session_state.get("ticks", 0) + 1
    st.write(f"Tic {st.session_state.ticks}")
    if st.button("Dans le fragment", key="in_fragment"):
        st.session_state.fragment_clicks = st.session_state.get("fragment_clicks", 0) + 1
    st.write(f"Clics dans le fragment : {st.session_state.get('fragment_clicks', 0)}")


ticker()
"""


@pytest.fixture(scope="module")
def bench_server(tmp_path_factory: pytest.TempPathFactory, demo_twice_url: str) -> Iterator[StreamlitServer]:
    app = tmp_path_factory.mktemp("bench") / "bench_app.py"
    app.write_text(BENCH_APP, encoding="utf-8")
    with start_streamlit(demo_twice_url, app=app) as running:
        yield running


def _ticks(tab: AppSession) -> int:
    return next(int(t.split()[1]) for t in tab.texts() if t.startswith("Tic "))


async def _drive_bench(base_url: str) -> dict[str, object]:
    seen: dict[str, object] = {}
    async with AppSession(base_url) as tab:
        await tab.open("/")
        await tab.set_value(tab.find_widget(label="Nom"), "Alice")
        seen["hello"] = "Bonjour Alice" in tab.texts()

        idea, points = tab.find_widget(label="Idée"), tab.find_widget(key="points")
        seen["in_form"] = (idea.form_id, points.kind)
        seen["pending_returns"] = [
            await tab.set_value(idea, "Une idée"),
            await tab.set_value(points, 3),
            await tab.set_value(tab.find_widget(label="Quadrant"), "Faiblesses"),
        ]
        seen["pending_value"] = tab.value_of(idea)
        seen["before_submit"] = "Idées : " in tab.texts()
        await tab.click(tab.find_widget(label="Ajouter"))
        seen["after_first_submit"] = [t for t in tab.texts() if t.startswith("Idées")]
        seen["cleared"] = tab.value_of(tab.find_widget(label="Idée"))
        await tab.set_value(tab.find_widget(label="Idée"), "Deux")
        await tab.click(tab.find_widget(label="Ajouter"))
        seen["after_second_submit"] = [t for t in tab.texts() if t.startswith("Idées")]

        plus = tab.find_widget(key="plus")
        await tab.click(plus)
        await tab.click(plus)
        await tab.rerun()  # a trigger lasts one run: rerunning does not count again
        seen["counter"] = [t for t in tab.texts() if t.startswith("Compteur")]

        in_fragment = tab.find_widget(key="in_fragment")
        seen["fragment_id"] = in_fragment.fragment_id
        fragment_click = await tab.click(in_fragment)
        seen["fragment_status"] = fragment_click.status
        seen["fragment_clicks"] = [t for t in tab.texts() if t.startswith("Clics")]

        seen["timers"] = dict(tab.auto_reruns)
        ticks_before = _ticks(tab)
        seen["auto_runs"] = await tab.idle(1.2)
        seen["ticks_gained"] = _ticks(tab) - ticks_before
        seen["cache_hits"] = tab.cache.hits
        seen["long_text"] = any(t.startswith("Long texte.") for t in tab.texts())
        seen["errors"] = tab.recorder.error_count
    return seen


def test_forms_triggers_fragments_and_timers_behave_as_in_a_browser(bench_server: StreamlitServer) -> None:
    seen = asyncio.run(_drive_bench(bench_server.url))
    assert seen["hello"]
    assert seen["in_form"] == ("bench_form", "number_input")
    assert seen["pending_returns"] == [None, None, None]  # a form's fields wait for its button
    assert seen["pending_value"] == "Une idée"
    assert seen["after_first_submit"] == ["Idées : Faiblesses/Une idée/3"]
    assert seen["cleared"] is None  # clear_on_submit: back to the defaults
    assert seen["after_second_submit"] == ["Idées : Faiblesses/Une idée/3 ; Forces/Deux/1"]
    assert seen["counter"] == ["Compteur : 2"]
    assert seen["fragment_id"]
    assert seen["fragment_status"] is RunStatus.FRAGMENT_SUCCESS
    assert seen["fragment_clicks"] == ["Clics dans le fragment : 1"]
    assert list(seen["timers"].values()) == [pytest.approx(0.3)]
    assert seen["auto_runs"] >= 2
    assert seen["ticks_gained"] >= 2
    assert seen["cache_hits"] >= 1  # the big markdown came back as a ref_hash, resolved
    assert seen["long_text"]
    assert seen["errors"] == 0


def _expander(path: list[int], key: str, *, tracked: bool) -> ForwardMsg:
    message = ForwardMsg()
    message.metadata.delta_path[:] = path
    message.delta.add_block.expandable.label = f"Volet {key}"
    if tracked:
        message.delta.add_block.expandable.id = f"$$ID-0123456789abcdef0123456789abcdef-{key}"
    return message


def test_an_expander_that_tracks_its_state_is_a_widget_opened_with_a_boolean() -> None:
    """`st.expander(on_change="rerun")` draws its content only when open: the driver finds it
    among the widgets, in page order, and opens it as the browser does (`bool_value`)."""
    tree = ElementTree()
    tree.apply(_button([0, 0], "refresh"), "run-1")
    tree.apply(_expander([0, 1], "footer", tracked=True), "run-1")
    tree.apply(_expander([0, 2], "plain", tracked=False), "run-1")
    tree.apply(_button([0, 3], "after"), "run-1")
    assert [(w.kind, w.key) for w in tree.widgets()] == [
        ("button", "refresh"),
        ("expander", "footer"),
        ("button", "after"),
    ]
    footer = tree.widgets()[1]
    assert footer.label == "Volet footer"
    assert value_state(footer, True).bool_value is True
    assert initial_state(footer).bool_value is False
    with pytest.raises(WidgetError):
        value_state(footer, "ouvert")
