"""Animer, as the facilitator lives it: log in, change phase with a confirmation, hide an item."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from ctg_workshop.access import set_facilitator_passphrase
from ctg_workshop.storage.db import open_database, read_session, write_session
from ctg_workshop.storage.models import Item, LoginThrottle, Phase, Vote, Workshop
from ctg_workshop.throttle import workshop_target
from tests.support.pages import FACILITATOR_PASSPHRASE as PASSPHRASE
from tests.support.pages import logged_in as _logged_in
from ui.auth import WORKSHOP_KEY

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "animer.py")
PREPARE = str(ROOT / "pages" / "preparer.py")


@pytest.fixture
def db(facilitator_db: Engine) -> Engine:
    return facilitator_db


def _workshop(engine: Engine) -> Workshop:
    with read_session(engine) as session:
        return session.scalar(select(Workshop).where(Workshop.code == "ARMDEMO"))


def _failures(engine: Engine) -> int:
    """Failed logins on the workshop, whoever made them (the page counts them per client)."""
    target = workshop_target(_workshop(engine).id)
    with read_session(engine) as session:
        counted = session.scalar(
            select(func.sum(LoginThrottle.failures)).where(LoginThrottle.target == target)
        )
    return int(counted or 0)


def logged_in(engine: Engine, page: str = PAGE) -> AppTest:
    return _logged_in(engine, page)


def _submit(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return at.run()


def test_login_form_refuses_then_accepts(db):
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    assert not at.exception
    assert at.text_input(key="login_passphrase")  # the form, and nothing else
    assert not [b for b in at.button if b.key and b.key.startswith("phase_")]
    at.text_input(key="login_code").input("armdemo")
    at.text_input(key="login_passphrase").input("pas-la-bonne")
    at = _submit(at, "Se connecter")
    assert "incorrecte" in at.error[0].value
    assert _failures(db) == 1
    at.text_input(key="login_passphrase").input(PASSPHRASE)
    at = _submit(at, "Se connecter")
    assert not at.exception
    assert at.session_state[WORKSHOP_KEY] == _workshop(db).id
    assert at.button(key="phase_group").label == "2. Regroupement"
    assert _failures(db) == 0


def test_changed_passphrase_logs_out(db):
    at = logged_in(db)
    assert at.button(key="phase_group")
    with write_session(db) as session:
        set_facilitator_passphrase(
            session=session, workshop_id=_workshop(db).id, passphrase="nouvelle-phrase"
        )
    at.run()
    assert at.text_input(key="login_passphrase")


def test_phase_change_asks_for_confirmation(db):
    at = logged_in(db)
    assert at.button(key="phase_vote").label == "3. Vote (en cours)"
    at.button(key="phase_vote").click().run()  # the current phase: nothing to confirm
    assert not at.warning and not at.info
    at.button(key="phase_group").click().run()
    assert _workshop(db).phase == Phase.VOTE  # nothing yet: a confirmation is asked
    warning = at.warning[0].value
    assert "120 votes" in warning and "conservés" in warning
    at.button(key="phase_cancel").click().run()
    assert not at.warning and _workshop(db).phase == Phase.VOTE

    at.button(key="phase_group").click().run()
    at.button(key="phase_confirm").click().run()
    assert not at.exception
    assert _workshop(db).phase == Phase.GROUP
    assert "Regroupement des doublons" in at.success[0].value
    with read_session(db) as session:
        assert session.scalar(select(func.count()).select_from(Vote)) == 120

    # Back to collect, clearing the votes this time.
    at.button(key="phase_collect").click().run()
    at.checkbox(key="phase_clear_votes").check().run()
    at.button(key="phase_confirm").click().run()
    assert _workshop(db).phase == Phase.COLLECT
    with read_session(db) as session:
        assert session.scalar(select(func.count()).select_from(Vote)) == 0


def test_hide_an_item(db):
    at = logged_in(db)
    with read_session(db) as session:
        topic_id = at.selectbox(key="moderation_topic").value
        voted = set(session.scalars(select(Vote.item_id)))
        item = session.scalar(
            select(Item).where(
                Item.topic_id == topic_id,
                Item.hidden.is_(False),
                Item.id.not_in(voted),
                Item.merged_into_id.is_(None),
            )
        )
        voted_item = session.scalar(select(Item).where(Item.topic_id == topic_id, Item.id.in_(voted)))
    at.button(key=f"hide_{item.id}").click().run()
    assert not at.exception
    assert "masquée" in at.success[0].value
    with read_session(db) as session:
        assert session.get(Item, item.id).hidden
    assert at.button(key=f"unhide_{item.id}")

    # An item with votes asks first, and says the votes go.
    at.button(key=f"hide_{voted_item.id}").click().run()
    assert "supprimés" in at.warning[0].value
    with read_session(db) as session:
        assert not session.get(Item, voted_item.id).hidden
    at.button(key=f"hide_confirm_{voted_item.id}").click().run()
    with read_session(db) as session:
        assert session.get(Item, voted_item.id).hidden
        assert (
            session.scalar(select(func.count()).select_from(Vote).where(Vote.item_id == voted_item.id)) == 0
        )


def test_correct_an_item(db):
    at = logged_in(db)
    with read_session(db) as session:
        item = session.scalar(select(Item).where(Item.key == "i60"))
    at.selectbox(key="moderation_topic").set_value(item.topic_id).run()
    at.text_area(key=f"correct_text_{item.id}").input("Maillage associatif très important").run()
    at.button(key=f"correct_{item.id}").click().run()
    assert not at.exception
    with read_session(db) as session:
        assert session.get(Item, item.id).text == "Maillage associatif très important"


def test_grouping_suggestion_accepted(db):
    at = logged_in(db)
    with write_session(db) as session:
        # Undo one demo group: it comes back as a suggestion.
        member = session.scalar(select(Item).where(Item.key == "i40"))
        member.merged_into_id = None
        topic_id = member.topic_id
    at.segmented_control(key="animer_view").set_value("grouping").run()
    at.selectbox(key="grouping_topic").set_value(topic_id).run()
    keys = [b.key for b in at.button if b.key and b.key.startswith("accept_")]
    assert keys, "a suggestion is expected"
    at.button(key=keys[0]).click().run()
    assert not at.exception
    with read_session(db) as session:
        assert session.scalar(select(Item.merged_into_id).where(Item.key == "i40")) is not None


def _grouping_view(at: AppTest, topic_id: int) -> AppTest:
    at.segmented_control(key="animer_view").set_value("grouping").run()
    return at.selectbox(key="grouping_topic").set_value(topic_id).run()


def test_a_suggestion_dismissed_is_not_proposed_again(db):
    at = logged_in(db)
    with write_session(db) as session:
        member = session.scalar(select(Item).where(Item.key == "i40"))
        member.merged_into_id = None
        topic_id = member.topic_id
    _grouping_view(at, topic_id)
    before = [b.key for b in at.button if b.key and b.key.startswith("reject_")]
    at.button(key=before[0]).click().run()
    assert not at.exception
    assert "écartée" in at.success[0].value
    after = [b.key for b in at.button if b.key and b.key.startswith("reject_")]
    assert before[0] not in after


def test_merge_by_hand_then_take_out_then_undo_the_group(db):
    at = logged_in(db)
    with read_session(db) as session:
        first, second, third = session.scalars(
            select(Item)
            .where(Item.hidden.is_(False), Item.merged_into_id.is_(None), Item.quadrant == "strength")
            .order_by(Item.topic_id, Item.id)
        ).all()[:3]
        assert first.topic_id == second.topic_id == third.topic_id
    _grouping_view(at, first.topic_id)
    at.button(key="manual_merge").click().run()
    assert "Choisissez les deux" in at.error[0].value  # nothing chosen: nothing merged
    for member in (second, third):
        at.selectbox(key="manual_merge_item").set_value(member.id).run()
        at.selectbox(key="manual_merge_into").set_value(first.id).run()
        at.button(key="manual_merge").click().run()
        assert not at.exception
    with read_session(db) as session:
        assert session.get(Item, second.id).merged_into_id == first.id
        assert session.get(Item, third.id).merged_into_id == first.id

    at.button(key=f"unmerge_{second.id}").click().run()
    assert "sortie du groupe" in at.success[0].value
    at.button(key=f"dissolve_{first.id}").click().run()
    assert "Groupe défait" in at.success[0].value
    with read_session(db) as session:
        assert session.get(Item, second.id).merged_into_id is None
        assert session.get(Item, third.id).merged_into_id is None


def test_prepare_page_needs_login_then_edits(db, monkeypatch):
    monkeypatch.delenv("CTG_ADMIN_PASSWORD", raising=False)
    at = AppTest.from_file(PREPARE, default_timeout=30).run()
    assert not at.exception
    assert at.text_input(key="login_code")
    at = logged_in(db, PREPARE)
    assert not at.exception
    at.text_input(key="settings_title").input("Journée CTG 2027")
    at = _submit(at, "Enregistrer les paramètres")
    assert not at.exception
    assert _workshop(db).title == "Journée CTG 2027"


def test_admin_creates_a_workshop(app_database, monkeypatch):
    monkeypatch.setenv("CTG_ADMIN_PASSWORD", "mot-de-passe-admin")
    at = AppTest.from_file(PREPARE, default_timeout=30).run()
    at.text_input(key="admin_password").input("mot-de-passe-admin")
    at = _submit(at, "Valider")
    assert not at.exception
    at.text_input(key="create_passphrase").input("phrase-secrete-1")
    at.text_input(key="create_passphrase_again").input("phrase-secrete-1")
    at = _submit(at, "Créer l'atelier")
    assert not at.exception
    assert "Atelier créé" in at.success[0].value
    engine = open_database(app_database)
    with read_session(engine) as session:
        workshop = session.scalar(select(Workshop))
        assert [t.key for t in workshop.topics] == ["avs", "enfant", "parentalite", "egalite"]
    engine.dispose()
    assert at.session_state[WORKSHOP_KEY] == workshop.id


def test_countdown_started_and_stopped(db):
    at = logged_in(db)
    at.number_input(key="timer_minutes").set_value(7).run()
    at.button(key="timer_start").click().run()
    assert not at.exception
    assert "7 minutes" in at.success[0].value
    assert _workshop(db).timer_ends_at is not None
    assert any("Temps restant" in m.value for m in at.markdown)
    at.button(key="timer_stop").click().run()
    assert _workshop(db).timer_ends_at is None


def test_the_poster_for_the_tables_is_offered(db):
    at = logged_in(db)
    labels = [button.proto.label for button in at.get("download_button")]
    assert "Affiche à imprimer pour les tables" in labels
