"""server/app_factory.py: each part of the launcher wraps Streamlit's app factory once."""

from __future__ import annotations

from streamlit.web.server.starlette import starlette_server

from server.app_factory import wrap_app_factory


def test_each_part_wraps_once_whatever_came_between(monkeypatch) -> None:
    monkeypatch.setattr(starlette_server, "create_starlette_app", lambda *args, **kwargs: ["app"])
    assert wrap_app_factory("a", lambda app: [*app, "a"], unavailable="a")
    assert wrap_app_factory("b", lambda app: [*app, "b"], unavailable="b")
    assert wrap_app_factory("a", lambda app: [*app, "a again"], unavailable="a")  # already there
    assert starlette_server.create_starlette_app() == ["app", "a", "b"]


def test_a_streamlit_without_the_factory_starts_without_the_part(monkeypatch, capsys) -> None:
    monkeypatch.delattr(starlette_server, "create_starlette_app")
    assert not wrap_app_factory("a", lambda app: app, unavailable="la partie A manque")
    assert "Attention : la partie A manque" in capsys.readouterr().err
