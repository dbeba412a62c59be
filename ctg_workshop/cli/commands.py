"""What each subcommand of `python -m ctg_workshop` does: `cmd_NAME(args, engine) -> exit code`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from ctg_workshop.archive.dump import export_archive
from ctg_workshop.archive.load import import_archive
from ctg_workshop.errors import CtgError, InvalidInputError
from ctg_workshop.identifiers import normalize_code
from ctg_workshop.preparation.overview import list_workshops
from ctg_workshop.storage.db import DATA_DIR, read_session, write_session
from ctg_workshop.storage.lookups import workshop_by_code
from ctg_workshop.storage.models import Phase
from ctg_workshop.wording import PHASE_LABELS

DEMO_ARCHIVE = DATA_DIR / "demo-armentieres.json"
DEMO_CODE = "ARMDEMO"

Handler = Callable[[argparse.Namespace, Engine], int]


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise InvalidInputError(f"Impossible de lire le fichier « {path} » : {error.strerror}.") from error


def cmd_import(args: argparse.Namespace, engine: Engine) -> int:
    from ctg_workshop.archive.backups import restore_archive

    data = _read_file(args.file)
    with write_session(engine) as session:
        if args.replace:
            workshop = restore_archive(session=session, data=data)
        else:
            workshop = import_archive(session=session, data=data, as_code=args.as_code)
        code = workshop.code
    print(f"Atelier « {code} » importé.")
    print(code)
    return 0


def cmd_export_archive(args: argparse.Namespace, engine: Engine) -> int:
    with read_session(engine) as session:
        data = export_archive(session=session, code=args.code)
    _write_output(args.output, data)
    print(f"Archive écrite : {args.output}")
    return 0


def cmd_backup(args: argparse.Namespace, engine: Engine) -> int:
    from ctg_workshop.archive.backups import DEFAULT_DIRECTORY, DIRECTORY_ENV, backup_workshop

    directory = Path(args.dossier or os.environ.get(DIRECTORY_ENV, "").strip() or DEFAULT_DIRECTORY)
    code = normalize_code(args.code)
    try:
        snapshot = backup_workshop(engine, code, directory=directory)
    except OSError as error:
        raise InvalidInputError(
            f"Impossible d'écrire la sauvegarde dans « {directory} » : {error.strerror}."
        ) from error
    print(f"Sauvegarde écrite : {snapshot.path}")
    print(f"Pour la restaurer : python -m ctg_workshop import {snapshot.path} --replace")
    return 0


def _write_output(path: str, data: bytes) -> None:
    try:
        Path(path).write_bytes(data)
    except OSError as error:
        raise InvalidInputError(f"Impossible d'écrire « {path} » : {error.strerror}.") from error


def cmd_export_convention(args: argparse.Namespace, engine: Engine) -> int:
    from ctg_workshop.documents.convention import build_convention, convention_data
    from ctg_workshop.documents.formats import document_bytes, format_of

    fmt = format_of(args.output)
    with read_session(engine) as session:
        workshop = workshop_by_code(session=session, code=args.code)
        data = convention_data(session=session, workshop_id=workshop.id)
    document = document_bytes(lambda pages: build_convention(data, toc_pages=pages), fmt, has_contents=True)
    _write_output(args.output, document)
    print(f"Projet de convention écrit : {args.output}")
    return 0


def cmd_export_bilan(args: argparse.Namespace, engine: Engine) -> int:
    from ctg_workshop.documents.bilan import bilan_data, build_bilan
    from ctg_workshop.documents.formats import document_bytes, format_of

    with read_session(engine) as session:
        workshop = workshop_by_code(session=session, code=args.code)
        data = bilan_data(session=session, workshop_id=workshop.id, year=args.annee)
    _write_output(args.output, document_bytes(lambda _pages: build_bilan(data), format_of(args.output)))
    print(f"Bilan annuel {args.annee} écrit : {args.output}")
    return 0


def cmd_export_deliberation(args: argparse.Namespace, engine: Engine) -> int:
    from ctg_workshop.documents.deliberation import build_deliberation, deliberation_data, make_options
    from ctg_workshop.documents.formats import document_bytes, format_of

    options = make_options(session_date=args.seance, number=args.numero, bonus_amount=args.bonus)
    with read_session(engine) as session:
        workshop = workshop_by_code(session=session, code=args.code)
        data = deliberation_data(session=session, workshop_id=workshop.id, options=options)
    _write_output(
        args.output, document_bytes(lambda _pages: build_deliberation(data), format_of(args.output))
    )
    print(f"Projet de délibération écrit : {args.output}")
    return 0


DATA_FORMATS = {".csv": "CSV", ".xlsx": "classeur Excel"}


def _data_format(path: str) -> str:
    """The format the output's name asks for: .xlsx or .csv (a name without extension: CSV)."""
    suffix = Path(path).suffix.lower() or ".csv"
    if suffix not in DATA_FORMATS:
        raise InvalidInputError(
            f"Format de « {path} » inconnu : le nom du fichier doit finir par .xlsx (classeur Excel) "
            "ou par .csv."
        )
    return suffix


def cmd_export_data(args: argparse.Namespace, engine: Engine) -> int:
    from ctg_workshop.documents.data_export import export_contributions_csv
    from ctg_workshop.documents.workbook import export_workbook

    suffix = _data_format(args.output)
    export = export_workbook if suffix == ".xlsx" else export_contributions_csv
    with read_session(engine) as session:
        workshop = workshop_by_code(session=session, code=args.code)
        data = export(session=session, workshop_id=workshop.id)
    _write_output(args.output, data)
    print(f"Contributions et votes écrits ({DATA_FORMATS[suffix]}) : {args.output}")
    return 0


def cmd_list(_args: argparse.Namespace, engine: Engine) -> int:
    with read_session(engine) as session:
        workshops = list_workshops(session=session)
    if not workshops:
        print("Aucun atelier. Chargez la démonstration : python -m ctg_workshop demo")
        return 0
    header = ("Code", "Titre", "Phase", "Participants", "Contributions", "Votes")
    rows = [
        (w.code, w.title, PHASE_LABELS[Phase(w.phase)], str(w.participants), str(w.items), str(w.votes))
        for w in workshops
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def _demo_follow_up(session, workshop_id: int) -> None:
    """What the archive does not carry, for the demo to show every page filled: the
    deliberation's details from the seed (DE23.027) and two partners' reporting links."""
    import datetime as dt

    from ctg_workshop.drafting.deliberation_settings import DeliberationDetails, save_details
    from ctg_workshop.follow_up.reporting import create_link

    seed = DeliberationDetails(
        number="DE23.027",
        session_date=dt.date(2023, 2, 9),
        convocation_date=dt.date(2023, 2, 3),
        councillors=35,
        present=28,
        bonus_cents=61_800_000,
        previous_deliberation_date=dt.date(2020, 12, 17),
        previous_end_date=dt.date(2022, 12, 31),
        themes_committee_date=dt.date(2022, 1, 5),
        validation_committee_date=dt.date(2023, 1, 6),
        funded_structures=("Centre social Salengro", "Centre Social « les 4 Saisons »", "Club Léo Lagrange"),
    )
    save_details(session=session, workshop_id=workshop_id, details=seed)
    create_link(
        session=session, workshop_id=workshop_id, organisation="Caf du Nord", topic_keys=["parentalite"]
    )
    create_link(
        session=session, workshop_id=workshop_id, organisation="Centre social Salengro", topic_keys=["avs"]
    )


def cmd_demo(args: argparse.Namespace, engine: Engine) -> int:

    from ctg_workshop.access import (
        ensure_view_token,
        projection_path,
        set_facilitator_passphrase,
        verify_secret,
    )

    passphrase = os.environ.get("CTG_DEMO_PASSPHRASE", "").strip() or "atelier-demo"
    with write_session(engine) as session:
        try:
            workshop = workshop_by_code(session=session, code=DEMO_CODE)
        except CtgError:
            workshop = None
        loaded = workshop is None or args.replace
        if loaded:
            workshop = import_archive(session=session, data=DEMO_ARCHIVE.read_bytes(), replace=args.replace)
            _demo_follow_up(session, workshop.id)
        if not verify_secret(passphrase, workshop.facilitator_secret_hash):
            set_facilitator_passphrase(session=session, workshop_id=workshop.id, passphrase=passphrase)
        token = ensure_view_token(session=session, workshop_id=workshop.id)
    if loaded:
        print(f"Atelier de démonstration « {DEMO_CODE} » chargé.")
    else:
        print(f"L'atelier de démonstration « {DEMO_CODE} » est déjà chargé.")
    print(f"Phrase secrète d'animation (page « Animer ») : {passphrase}")
    base = (os.environ.get("CTG_PUBLIC_URL", "").strip() or args.base_url).rstrip("/")
    print(f"Lien de projection (à ouvrir sur le PC de la salle) : {base}{projection_path(token)}")
    print(f"Page des partenaires : {base}/participer?atelier={DEMO_CODE}")
    print(DEMO_CODE)
    return 0


def cmd_purge_names(args: argparse.Namespace, engine: Engine) -> int:
    from ctg_workshop.privacy import purge_names

    with write_session(engine) as session:
        workshop = workshop_by_code(session=session, code=args.code)
        count = purge_names(session=session, workshop_id=workshop.id)
    print(
        f"{count} nom{'s' if count > 1 else ''} effacé{'s' if count > 1 else ''} ; organisations et contributions conservées."
    )
    return 0


def cmd_export_participant(args: argparse.Namespace, engine: Engine) -> int:
    from ctg_workshop.privacy import participant_data_json

    with read_session(engine) as session:
        workshop = workshop_by_code(session=session, code=args.code)
        data = participant_data_json(session=session, workshop_id=workshop.id, reference=args.participant)
    _write_output(args.output, data)
    print(f"Données du participant écrites : {args.output}")
    return 0


def cmd_hash_secret(_args: argparse.Namespace, _engine: None) -> int:
    """Print the scrypt hash of a secret typed twice (not echoed), to configure it hashed."""
    import getpass

    from ctg_workshop.access import hash_secret

    secret = getpass.getpass("Secret à chiffrer : ")
    if not secret:
        raise InvalidInputError("Secret vide : rien n'a été chiffré.")
    if getpass.getpass("Le même, encore une fois : ") != secret:
        raise InvalidInputError("Les deux saisies diffèrent : rien n'a été chiffré.")
    print(hash_secret(secret))
    return 0


def cmd_schema(args: argparse.Namespace, _engine: None) -> int:
    """Write the archive's JSON Schema (docs/archive.schema.json is this output)."""
    from ctg_workshop.archive.schema import json_schema

    if args.output:
        _write_output(args.output, json_schema())
        print(f"Schéma JSON de l'archive écrit : {args.output}")
    else:
        sys.stdout.write(json_schema().decode("utf-8"))
    return 0


def cmd_migrate(_args: argparse.Namespace, _engine: Engine) -> int:
    # open_database() has already brought the schema up to date.
    print("Base de données à jour.")
    return 0
