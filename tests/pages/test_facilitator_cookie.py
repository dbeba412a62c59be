"""The facilitator stays logged in after a reload: the login's signed token goes to the cookie
route, the cookie sent back at the next page load opens the page, logout ends it everywhere."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import ui.auth
from ctg_workshop.access import set_facilitator_passphrase
from ctg_workshop.sessions import cookie_name
from ctg_workshop.storage.db import write_session
from tests.support.pages import FACILITATOR_PASSPHRASE, demo_workshop_id, page_path, run, shown
from ui.auth import TOKEN_KEY

PAGE = page_path("animer")


@pytest.fixture
def browser_cookies(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """What the browser sends at page load (st.context.cookies), set by the test."""
    cookies: dict[str, str] = {}
    monkeypatch.setattr(ui.auth, "_cookies", lambda: dict(cookies))
    return cookies


def _scripts(at: AppTest) -> str:
    return "\\n".join(element.proto.body for element in at.get("html"))


def _log_in(passphrase: str = FACILITATOR_PASSPHRASE) -> AppTest:
    at = run(AppTest.from_file(PAGE, default_timeout=30))
    at.text_input(key="login_code").input("armdemo")
    at.text_input(key="login_passphrase").input(passphrase)
    return run(next(b for b in at.button if b.label == "Se connecter").click())


def _reload() -> AppTest:
    """A new page load: a new browser session, only the cookies remain."""
    return run(AppTest.from_file(PAGE, default_timeout=30))


def test_login_sets_the_cookie_and_a_reload_keeps_the_facilitator_in(facilitator_db, browser_cookies):
    at = _log_in()
    assert at.button(key="phase_group")  # logged in
    signed = at.session_state[TOKEN_KEY]
    scripts = _scripts(at)
    assert "/_ctg/animation/connexion" in scripts and signed in scripts
    assert "X-CTG-Animation" in scripts
    fresh = _reload()  # without the cookie: the login form only
    assert fresh.text_input(key="login_passphrase")
    assert not [b for b in fresh.button if b.key and b.key.startswith("phase_")]
    browser_cookies[cookie_name("ARMDEMO")] = signed  # what the route answered
    again = _reload()
    assert again.button(key="phase_group")
    assert not [t for t in again.text_input if t.key == "login_passphrase"]
    assert "/_ctg/animation/connexion" not in _scripts(again)  # the browser already holds it


def test_logout_ends_the_session_and_expires_the_cookie(facilitator_db, browser_cookies):
    at = _log_in()
    browser_cookies[cookie_name("ARMDEMO")] = at.session_state[TOKEN_KEY]
    at = _reload()
    at = run(at.button(key="facilitator_logout").click())
    assert at.text_input(key="login_passphrase")
    assert "/_ctg/animation/deconnexion" in _scripts(at)
    # The old cookie, if the browser still sent it, opens nothing any more.
    assert _reload().text_input(key="login_passphrase")


def test_a_new_passphrase_or_a_forged_cookie_opens_nothing(facilitator_db, browser_cookies):
    at = _log_in()
    signed = at.session_state[TOKEN_KEY]
    browser_cookies[cookie_name("ARMDEMO")] = signed[:-3] + "abc"
    assert _reload().text_input(key="login_passphrase")
    browser_cookies[cookie_name("ARMDEMO")] = signed
    assert _reload().button(key="phase_group")
    with write_session(facilitator_db) as session:
        set_facilitator_passphrase(
            session=session, workshop_id=demo_workshop_id(facilitator_db), passphrase="une-autre-phrase"
        )
    assert _reload().text_input(key="login_passphrase")
    assert run(at).text_input(key="login_passphrase")  # the open tab too, at its next run


def test_one_browser_cannot_lock_out_another(facilitator_db, browser_cookies):
    browser_cookies[ui.auth.CLIENT_COOKIE] = "navigateur-de-l-intrus-0123"
    intruder = run(AppTest.from_file(PAGE, default_timeout=30))
    for _ in range(6):
        intruder.text_input(key="login_code").input("armdemo")
        intruder.text_input(key="login_passphrase").input("pas-la-bonne")
        intruder = run(next(b for b in intruder.button if b.label == "Se connecter").click())
    assert "Trop d'essais" in shown(intruder.error[0].value)
    intruder.text_input(key="login_passphrase").input(FACILITATOR_PASSPHRASE)
    intruder = run(next(b for b in intruder.button if b.label == "Se connecter").click())
    assert "Trop d'essais" in shown(intruder.error[0].value)  # the intruder's browser waits
    browser_cookies[ui.auth.CLIENT_COOKIE] = "ordinateur-de-l-animatrice-42"
    assert _log_in().button(key="phase_group")  # the facilitator's gets in at once
