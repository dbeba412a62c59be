"""Facilitator passphrase, administrator password, projection link."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from ctg_workshop import access
from ctg_workshop.access import (
    AccessDeniedError,
    TooManyAttemptsError,
    check_admin_password,
    check_facilitator,
    ensure_view_token,
    facilitator_stamp,
    hash_secret,
    renew_view_token,
    set_facilitator_passphrase,
    verify_secret,
    workshop_for_view_token,
)
from ctg_workshop.errors import InvalidInputError, NotFoundError
from ctg_workshop.storage.db import read_session, write_session
from ctg_workshop.storage.lookups import workshop_by_code
from ctg_workshop.storage.models import Workshop

PASSPHRASE = "trois-mots-secrets"
T0 = dt.datetime(2026, 11, 23, 9, 0, 0)


@pytest.fixture
def demo_id(demo_engine) -> int:
    with write_session(demo_engine) as session:
        workshop = workshop_by_code(session=session, code="ARMDEMO")
        set_facilitator_passphrase(session=session, workshop_id=workshop.id, passphrase=PASSPHRASE)
        return workshop.id


def _attempt(engine, passphrase: str, now: dt.datetime) -> int | Exception:
    """One login as the page does it: the refusal is caught inside the transaction (committed)."""
    with write_session(engine) as session:
        try:
            return check_facilitator(session=session, code="armdemo", passphrase=passphrase, now=now)
        except AccessDeniedError as error:
            return error


def test_hash_is_salted_and_never_the_secret():
    first, second = hash_secret(PASSPHRASE), hash_secret(PASSPHRASE)
    assert PASSPHRASE not in first
    assert first != second  # a fresh salt each time
    assert first.startswith("scrypt$16384$8$1$")
    assert verify_secret(PASSPHRASE, first) and verify_secret(PASSPHRASE, second)
    assert not verify_secret(PASSPHRASE + "x", first)


@pytest.mark.parametrize("stored", [None, "", "md5$abc", "scrypt$1$2$3", "scrypt$x$8$1$AAAA$AAAA"])
def test_malformed_hash_never_verifies(stored):
    assert not verify_secret(PASSPHRASE, stored)


def test_passphrase_stored_hashed(demo_engine, demo_id):
    with read_session(demo_engine) as session:
        stored = session.scalar(select(Workshop.facilitator_secret_hash).where(Workshop.id == demo_id))
    assert stored and PASSPHRASE not in stored


def test_short_passphrase_refused(demo_engine, demo_id):
    with pytest.raises(InvalidInputError, match="trop courte"), write_session(demo_engine) as session:
        set_facilitator_passphrase(session=session, workshop_id=demo_id, passphrase="court")


def test_right_passphrase_gives_workshop_id(demo_engine, demo_id):
    assert _attempt(demo_engine, PASSPHRASE, T0) == demo_id


def test_unknown_code(demo_engine, demo_id):
    with pytest.raises(NotFoundError), write_session(demo_engine) as session:
        check_facilitator(session=session, code="NOPE42", passphrase=PASSPHRASE)


def test_wrong_passphrase_refused_and_counted(demo_engine, demo_id):
    result = _attempt(demo_engine, "pas-la-bonne", T0)
    assert isinstance(result, AccessDeniedError) and not isinstance(result, TooManyAttemptsError)
    assert "incorrecte" in result.message and "4 essais" in result.message
    with read_session(demo_engine) as session:
        assert access.facilitator_failures(session=session, workshop_id=demo_id) == 1


def test_slowdown_after_five_failures(demo_engine, demo_id):
    for i in range(4):
        assert not isinstance(
            _attempt(demo_engine, "faux", T0 + dt.timedelta(seconds=i)), TooManyAttemptsError
        )
    fifth = _attempt(demo_engine, "faux", T0 + dt.timedelta(seconds=4))
    assert isinstance(fifth, TooManyAttemptsError) and fifth.wait_seconds == 30
    assert "patientez 30 secondes" in fifth.message
    # Even the right passphrase waits: the attempt is not even checked.
    early = _attempt(demo_engine, PASSPHRASE, T0 + dt.timedelta(seconds=14))
    assert isinstance(early, TooManyAttemptsError) and early.wait_seconds == 20
    # After the delay, a wrong one doubles the next delay.
    sixth = _attempt(demo_engine, "faux", T0 + dt.timedelta(seconds=40))
    assert isinstance(sixth, TooManyAttemptsError) and sixth.wait_seconds == 60
    assert "1 minute" in sixth.message
    # After that delay, the right passphrase gets in and the counter is reset.
    assert _attempt(demo_engine, PASSPHRASE, T0 + dt.timedelta(seconds=101)) == demo_id
    with read_session(demo_engine) as session:
        assert access.facilitator_failures(session=session, workshop_id=demo_id) == 0


def test_delay_is_capped():
    assert access.retry_delay(4) == 0
    assert access.retry_delay(5) == 30
    assert access.retry_delay(50) == 3600  # one hour at most


def test_workshop_without_passphrase_refused(demo_engine):
    with (
        pytest.raises(AccessDeniedError, match="pas encore de phrase"),
        write_session(demo_engine) as session,
    ):
        check_facilitator(session=session, code="ARMDEMO", passphrase=PASSPHRASE)


def test_new_passphrase_changes_stamp(demo_engine, demo_id):
    with read_session(demo_engine) as session:
        before = facilitator_stamp(session=session, workshop_id=demo_id)
    with write_session(demo_engine) as session:
        set_facilitator_passphrase(session=session, workshop_id=demo_id, passphrase="une-autre-phrase")
    with read_session(demo_engine) as session:
        assert facilitator_stamp(session=session, workshop_id=demo_id) not in (None, before)
    assert isinstance(_attempt(demo_engine, PASSPHRASE, T0), AccessDeniedError)


def _admin(engine, password: str, **options) -> None:
    """One administrator login as the page does it: a refusal is counted (committed), then raised."""
    refusal: AccessDeniedError | None = None
    with write_session(engine) as session:
        try:
            check_admin_password(password, session=session, **options)
        except AccessDeniedError as error:
            refusal = error
    if refusal is not None:
        raise refusal


def test_admin_password(engine, monkeypatch):
    monkeypatch.delenv(access.ADMIN_PASSWORD_ENV, raising=False)
    with pytest.raises(AccessDeniedError, match="Aucun mot de passe administrateur"):
        _admin(engine, "quoi")
    monkeypatch.setenv(access.ADMIN_PASSWORD_ENV, "s3cret-admin")
    _admin(engine, "s3cret-admin")
    with pytest.raises(AccessDeniedError, match="incorrect"):
        _admin(engine, "s3cret-admin ")
    for i in range(3):
        with pytest.raises(AccessDeniedError):
            _admin(engine, "non", now=T0 + dt.timedelta(seconds=i))
    with pytest.raises(TooManyAttemptsError):
        _admin(engine, "non", now=T0 + dt.timedelta(seconds=5))
    with pytest.raises(TooManyAttemptsError):
        _admin(engine, "s3cret-admin", now=T0 + dt.timedelta(seconds=10))
    _admin(engine, "s3cret-admin", now=T0 + dt.timedelta(seconds=40))


def test_admin_password_from_secret(engine, monkeypatch):
    monkeypatch.delenv(access.ADMIN_PASSWORD_ENV, raising=False)
    _admin(engine, "é-secret", expected=access.configured_admin_password("é-secret"))


def test_view_token(demo_engine, demo_id):
    with write_session(demo_engine) as session:
        token = ensure_view_token(session=session, workshop_id=demo_id)
        assert ensure_view_token(session=session, workshop_id=demo_id) == token
    with read_session(demo_engine) as session:
        assert workshop_for_view_token(session=session, token=token) == demo_id
    with write_session(demo_engine) as session:
        renewed = renew_view_token(session=session, workshop_id=demo_id)
    assert renewed != token
    with read_session(demo_engine) as session, pytest.raises(NotFoundError, match="renouvelé"):
        workshop_for_view_token(session=session, token=token)
    with read_session(demo_engine) as session, pytest.raises(NotFoundError):
        workshop_for_view_token(session=session, token="")


def test_demo_command_sets_passphrase_and_link(sqlite_url, monkeypatch, capsys):
    from ctg_workshop.cli.main import main

    monkeypatch.setenv("CTG_DEMO_PASSPHRASE", "phrase-de-demo")
    monkeypatch.delenv("CTG_PUBLIC_URL", raising=False)
    assert main(["--database-url", sqlite_url, "demo", "--base-url", "http://localhost:8599/"]) == 0
    out = capsys.readouterr().out
    assert "phrase-de-demo" in out and "http://localhost:8599/projection?vue=" in out
    assert "http://localhost:8599/participer?atelier=ARMDEMO" in out
    assert out.strip().splitlines()[-1] == "ARMDEMO"
    monkeypatch.setenv("CTG_PUBLIC_URL", "https://ctg.ville.fr")
    assert main(["--database-url", sqlite_url, "demo"]) == 0
    assert "https://ctg.ville.fr/projection?vue=" in capsys.readouterr().out


def test_admin_password_configured_as_its_hash(engine, monkeypatch):
    stored = access.hash_secret("s3cret-admin")
    monkeypatch.setenv(access.ADMIN_PASSWORD_ENV, stored)
    _admin(engine, "s3cret-admin")
    with pytest.raises(AccessDeniedError, match="incorrect"):
        _admin(engine, stored)  # the hash itself is not a password


def test_secrets_are_compared_in_constant_time(monkeypatch, demo_engine, demo_id):
    """Every secret check goes through hmac.compare_digest, whose time does not depend on where
    the first differing byte is."""
    compared: list[tuple[bytes, bytes]] = []
    real = access.hmac.compare_digest

    def spy(a, b):
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(access.hmac, "compare_digest", spy)
    _admin(demo_engine, "s3cret-admin", expected="s3cret-admin")
    _admin(demo_engine, "s3cret-admin", expected=access.hash_secret("s3cret-admin"))
    assert isinstance(_attempt(demo_engine, PASSPHRASE, T0), int)
    assert len(compared) == 3


def test_hash_secret_command_prints_a_hash_that_verifies(monkeypatch, capsys):
    from ctg_workshop.cli import main as cli

    answers = iter(["mot-de-passe-admin", "mot-de-passe-admin"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": next(answers))
    assert cli.main(["hash-secret"]) == 0
    stored = capsys.readouterr().out.strip()
    assert stored.startswith("scrypt$") and "mot-de-passe-admin" not in stored
    assert access.verify_secret("mot-de-passe-admin", stored)

    answers = iter(["un", "deux"])
    assert cli.main(["hash-secret"]) == 2
    assert "diffèrent" in capsys.readouterr().err
