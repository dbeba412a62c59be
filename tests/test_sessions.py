"""A facilitator who stays logged in, and login throttling that one person cannot turn against the
others: sessions and failed attempts live in the database, shared by every server process.

"Two processes" are two engines on the same database (each app process has its own pool).
On SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import Engine, select

from ctg_workshop import access, sessions
from ctg_workshop.access import (
    AccessDeniedError,
    TooManyAttemptsError,
    check_admin_password,
    facilitator_failures,
    log_in_facilitator,
    set_facilitator_passphrase,
)
from ctg_workshop.archive.load import import_archive
from ctg_workshop.errors import InvalidInputError
from ctg_workshop.sessions import (
    close_facilitator_session,
    facilitator_for_session,
    open_facilitator_session,
    sign,
    signing_key,
    verify,
)
from ctg_workshop.storage.db import make_engine, read_session, write_session
from ctg_workshop.storage.models import AppSecret, FacilitatorSession, LoginThrottle

PASSPHRASE = "trois-mots-secrets"
T0 = dt.datetime(2026, 11, 23, 9, 0, 0)
ATTACKER, FACILITATOR = "203.0.113.7", "198.51.100.20"


@pytest.fixture
def demo(engine: Engine, demo_archive: bytes) -> tuple[Engine, int]:
    with write_session(engine) as session:
        workshop = import_archive(session=session, data=demo_archive)
        set_facilitator_passphrase(session=session, workshop_id=workshop.id, passphrase=PASSPHRASE)
        return engine, workshop.id


@pytest.fixture
def second_process(engine: Engine):
    """Another engine on the same database: what a second app process behind nginx holds."""
    other = make_engine(engine.url.render_as_string(hide_password=False))
    yield other
    other.dispose()


def _log_in(engine: Engine, passphrase: str, client: str, now: dt.datetime):
    """One login as the server route does it: the refusal caught inside the transaction."""
    with write_session(engine) as session:
        try:
            return log_in_facilitator(
                session=session, code="ARMDEMO", passphrase=passphrase, client=client, now=now
            )
        except AccessDeniedError as error:
            return error


def test_ten_wrong_passphrases_from_one_browser_do_not_lock_out_another(demo) -> None:
    engine, workshop_id = demo
    refusals = [_log_in(engine, "pas-la-bonne", ATTACKER, T0 + dt.timedelta(seconds=i)) for i in range(10)]
    assert all(isinstance(refusal, AccessDeniedError) for refusal in refusals)
    assert isinstance(refusals[-1], TooManyAttemptsError)
    # The facilitator, from their own laptop, gets in at once with the right passphrase.
    login = _log_in(engine, PASSPHRASE, FACILITATOR, T0 + dt.timedelta(seconds=11))
    assert isinstance(login, sessions.FacilitatorLogin) and login.workshop_id == workshop_id
    # The other browser still waits, even with the right passphrase.
    blocked = _log_in(engine, PASSPHRASE, ATTACKER, T0 + dt.timedelta(seconds=12))
    assert isinstance(blocked, TooManyAttemptsError)
    assert "Trop d'essais infructueux : patientez" in blocked.message


def test_every_process_counts_the_same_attempts(demo, second_process) -> None:
    engine, workshop_id = demo
    for i in range(5):  # alternately through each process, as nginx shares the requests out
        _log_in(engine if i % 2 else second_process, "faux", ATTACKER, T0 + dt.timedelta(seconds=i))
    with read_session(second_process) as session:
        assert facilitator_failures(session=session, workshop_id=workshop_id, client=ATTACKER) == 5
    refused = _log_in(engine, PASSPHRASE, ATTACKER, T0 + dt.timedelta(seconds=10))
    assert isinstance(refused, TooManyAttemptsError) and refused.wait_seconds == 24
    assert isinstance(
        _log_in(second_process, PASSPHRASE, ATTACKER, T0 + dt.timedelta(seconds=34)),
        sessions.FacilitatorLogin,
    )
    with read_session(engine) as session:
        assert facilitator_failures(session=session, workshop_id=workshop_id, client=ATTACKER) == 0


def test_concurrent_failures_are_all_counted(demo, second_process) -> None:
    """Two processes failing at the same moment for the same client: two failures, no error."""
    engine, workshop_id = demo
    barrier = threading.Barrier(2)
    results: list[object] = []

    def fail(through: Engine) -> None:
        barrier.wait()
        results.append(_log_in(through, "faux", ATTACKER, T0))

    threads = [threading.Thread(target=fail, args=(e,)) for e in (engine, second_process)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 2 and all(isinstance(r, AccessDeniedError) for r in results)
    with read_session(engine) as session:
        assert facilitator_failures(session=session, workshop_id=workshop_id, client=ATTACKER) == 2


def test_only_a_hash_of_the_client_is_kept(demo) -> None:
    engine, _ = demo
    _log_in(engine, "faux", ATTACKER, T0)
    with read_session(engine) as session:
        stored = session.scalars(select(LoginThrottle.client_hash)).all()
    assert len(stored) == 1 and ATTACKER not in stored[0] and len(stored[0]) == 64


def test_administrator_throttled_per_client_in_the_database(engine, second_process, monkeypatch) -> None:
    monkeypatch.setenv(access.ADMIN_PASSWORD_ENV, "s3cret-admin")

    def attempt(through: Engine, password: str, client: str, seconds: int) -> Exception | None:
        with write_session(through) as session:
            try:
                check_admin_password(
                    password, session=session, client=client, now=T0 + dt.timedelta(seconds=seconds)
                )
            except AccessDeniedError as error:
                return error
        return None

    for i in range(5):
        assert isinstance(attempt(engine if i % 2 else second_process, "non", ATTACKER, i), AccessDeniedError)
    assert isinstance(attempt(second_process, "s3cret-admin", ATTACKER, 6), TooManyAttemptsError)
    assert attempt(engine, "s3cret-admin", FACILITATOR, 6) is None  # another person is not slowed down
    assert attempt(engine, "s3cret-admin", ATTACKER, 40) is None


# --------------------------------------------------------------------------- sessions


def test_a_session_survives_until_logout(demo, second_process) -> None:
    engine, workshop_id = demo
    login = _log_in(engine, PASSPHRASE, FACILITATOR, T0)
    assert login.expires_at == T0 + dt.timedelta(hours=sessions.SESSION_HOURS)
    with read_session(second_process) as session:  # a reload served by the other process
        assert facilitator_for_session(session=session, token=login.token, now=T0) == workshop_id
        stored = session.scalars(select(FacilitatorSession.token_hash)).all()
    assert login.token not in stored  # only its hash
    with write_session(engine) as session:
        close_facilitator_session(session=session, token=login.token)
    with read_session(second_process) as session:
        assert facilitator_for_session(session=session, token=login.token, now=T0) is None


def test_a_session_expires(demo) -> None:
    engine, workshop_id = demo
    with write_session(engine) as session:
        login = open_facilitator_session(session=session, workshop_id=workshop_id, now=T0)
    late = login.expires_at
    with read_session(engine) as session:
        assert facilitator_for_session(session=session, token=login.token, now=late - dt.timedelta(seconds=1))
        assert facilitator_for_session(session=session, token=login.token, now=late) is None
        assert facilitator_for_session(session=session, token="", now=T0) is None
        assert facilitator_for_session(session=session, token="inconnu", now=T0) is None
    with write_session(engine) as session:  # the next login sweeps the expired ones
        open_facilitator_session(session=session, workshop_id=workshop_id, now=late)
    with read_session(engine) as session:
        assert len(session.scalars(select(FacilitatorSession.id)).all()) == 1


def test_a_new_passphrase_ends_every_session(demo) -> None:
    engine, workshop_id = demo
    first = _log_in(engine, PASSPHRASE, FACILITATOR, T0)
    second = _log_in(engine, PASSPHRASE, ATTACKER, T0)
    with write_session(engine) as session:
        set_facilitator_passphrase(session=session, workshop_id=workshop_id, passphrase="une-autre-phrase")
    with read_session(engine) as session:
        assert facilitator_for_session(session=session, token=first.token, now=T0) is None
        assert facilitator_for_session(session=session, token=second.token, now=T0) is None


def test_signed_values_detect_tampering(demo) -> None:
    engine, _ = demo
    with write_session(engine) as session:
        key = signing_key(session=session)
    signed = sign("jeton.avec.points", key)
    assert verify(signed, key) == "jeton.avec.points"
    assert verify(signed[:-1] + ("A" if signed[-1] != "A" else "B"), key) is None
    assert verify("jeton-sans-signature", key) is None
    assert verify("", key) is None
    assert verify(signed + "é", key) is None
    assert verify(signed, b"une autre clef, d'un autre serveur") is None


def test_signing_key_shared_by_every_process(engine, second_process, monkeypatch) -> None:
    monkeypatch.delenv(sessions.SECRET_ENV, raising=False)
    with write_session(engine) as session:
        first = signing_key(session=session)
    with write_session(second_process) as session:
        assert signing_key(session=session) == first
    with read_session(engine) as session:
        assert len(session.scalars(select(AppSecret.name)).all()) == 1
    monkeypatch.setenv(sessions.SECRET_ENV, "x" * 40)
    with read_session(engine) as session:
        assert signing_key(session=session) == b"x" * 40
    monkeypatch.setenv(sessions.SECRET_ENV, "court")
    with read_session(engine) as session, pytest.raises(InvalidInputError, match="CTG_SESSION_SECRET"):
        signing_key(session=session)


def test_two_processes_creating_the_key_at_once_agree(engine, second_process, monkeypatch) -> None:
    monkeypatch.delenv(sessions.SECRET_ENV, raising=False)
    barrier = threading.Barrier(2)
    keys: list[bytes] = []

    def create(through: Engine) -> None:
        barrier.wait()
        with write_session(through) as session:
            keys.append(signing_key(session=session))

    threads = [threading.Thread(target=create, args=(e,)) for e in (engine, second_process)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(keys) == 2 and keys[0] == keys[1]
