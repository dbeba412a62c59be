"""Home page: shows the demo workshop's topics and counts (what `make run` opens on)."""

from streamlit.testing.v1 import AppTest

from tests.support.app import APP_PATH


def test_home_shows_the_demo_topics_and_counts(app_demo_database):
    at = AppTest.from_file(APP_PATH, default_timeout=60).run()
    assert not at.exception
    assert "ARMDEMO" in at.selectbox(key="home_workshop").value
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Participants"] == "25"
    texts = " ".join(m.value for m in at.markdown)
    assert "Animation de la Vie Sociale" in texts
    assert "Égalité des chances" in texts


def test_home_without_workshop_says_how_to_load_the_demo(app_database):
    at = AppTest.from_file(APP_PATH, default_timeout=60).run()
    assert not at.exception
    assert "démonstration" in at.info[0].value
