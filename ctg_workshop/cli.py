"""Command line: `python -m ctg_workshop SUBCOMMAND` (French messages, exit 2 on any refusal)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import Engine

from ctg_workshop.archive import export_archive, import_archive
from ctg_workshop.db import DATA_DIR, open_database, read_session, write_session
from ctg_workshop.errors import CtgError, InvalidInputError
from ctg_workshop.models import PHASE_LABELS, Phase
from ctg_workshop.workshops import get_workshop_by_code, list_workshops

DEMO_ARCHIVE = DATA_DIR / "demo-armentieres.json"
DEMO_CODE = "ARMDEMO"

_ARGPARSE_FRENCH = {
    "usage:": "utilisation :",
    "options:": "options :",
    "positional arguments:": "arguments :",
    "show this help message and exit": "afficher cette aide et quitter",
    "the following arguments are required": "arguments obligatoires manquants",
    "unrecognized arguments": "arguments non reconnus",
    "invalid choice": "choix invalide",
    "not allowed with argument": "incompatible avec l'argument",
    "expected one argument": "une valeur est attendue",
    "argument ": "argument ",
    "(choose from": "(au choix :",
}


def _to_french(text: str) -> str:
    for english, french in _ARGPARSE_FRENCH.items():
        text = text.replace(english, french)
    return text


class FrenchArgumentParser(argparse.ArgumentParser):
    """argparse with its own words in French (usage, help, errors)."""

    def format_help(self) -> str:
        return _to_french(super().format_help())

    def format_usage(self) -> str:
        return _to_french(super().format_usage())

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {_to_french(message)}\n")


Handler = Callable[[argparse.Namespace, Engine], int]


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise InvalidInputError(f"Impossible de lire le fichier « {path} » : {error.strerror}.") from error


def cmd_import(args: argparse.Namespace, engine: Engine) -> int:
    data = _read_file(args.file)
    with write_session(engine) as session:
        workshop = import_archive(session=session, data=data, replace=args.replace, as_code=args.as_code)
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


def _write_output(path: str, data: bytes) -> None:
    try:
        Path(path).write_bytes(data)
    except OSError as error:
        raise InvalidInputError(f"Impossible d'écrire « {path} » : {error.strerror}.") from error


def cmd_export_convention(args: argparse.Namespace, engine: Engine) -> int:
    from ctg_workshop.documents.convention import build_convention, convention_data

    with read_session(engine) as session:
        workshop = get_workshop_by_code(session=session, code=args.code)
        data = convention_data(session=session, workshop_id=workshop.id)
    _write_output(args.output, build_convention(data))
    print(f"Projet de convention écrit : {args.output}")
    return 0


def cmd_export_deliberation(args: argparse.Namespace, engine: Engine) -> int:
    from ctg_workshop.documents.deliberation import build_deliberation, deliberation_data, make_options

    options = make_options(session_date=args.seance, number=args.numero, bonus_amount=args.bonus)
    with read_session(engine) as session:
        workshop = get_workshop_by_code(session=session, code=args.code)
        data = deliberation_data(session=session, workshop_id=workshop.id, options=options)
    _write_output(args.output, build_deliberation(data))
    print(f"Projet de délibération écrit : {args.output}")
    return 0


def cmd_export_data(args: argparse.Namespace, engine: Engine) -> int:
    from ctg_workshop.exports import export_contributions_csv

    with read_session(engine) as session:
        workshop = get_workshop_by_code(session=session, code=args.code)
        data = export_contributions_csv(session=session, workshop_id=workshop.id)
    _write_output(args.output, data)
    print(f"Contributions et votes écrits (CSV) : {args.output}")
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


def cmd_demo(args: argparse.Namespace, engine: Engine) -> int:
    import os

    from ctg_workshop.access import (
        ensure_view_token,
        projection_path,
        set_facilitator_passphrase,
        verify_secret,
    )

    passphrase = os.environ.get("CTG_DEMO_PASSPHRASE", "").strip() or "atelier-demo"
    with write_session(engine) as session:
        try:
            workshop = get_workshop_by_code(session=session, code=DEMO_CODE)
        except CtgError:
            workshop = None
        loaded = workshop is None or args.replace
        if loaded:
            workshop = import_archive(session=session, data=DEMO_ARCHIVE.read_bytes(), replace=args.replace)
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
        workshop = get_workshop_by_code(session=session, code=args.code)
        count = purge_names(session=session, workshop_id=workshop.id)
    print(
        f"{count} nom{'s' if count > 1 else ''} effacé{'s' if count > 1 else ''} ; organisations et contributions conservées."
    )
    return 0


def cmd_export_participant(args: argparse.Namespace, engine: Engine) -> int:
    from ctg_workshop.privacy import participant_data_json

    with read_session(engine) as session:
        workshop = get_workshop_by_code(session=session, code=args.code)
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


def cmd_loadtest(args: argparse.Namespace, _engine: None) -> int:
    # The load driver speaks Streamlit's wire protocol: it lives outside this package (which
    # never imports streamlit) and is loaded only for this command.
    from loadtest.cli import main as loadtest_main

    return loadtest_main(args.arguments, prog="python -m ctg_workshop loadtest")


def cmd_migrate(_args: argparse.Namespace, _engine: Engine) -> int:
    # open_database() has already brought the schema up to date.
    print("Base de données à jour.")
    return 0


def _add_export_command(
    commands: argparse._SubParsersAction, name: str, *, help: str, description: str, output_help: str
) -> argparse.ArgumentParser:
    """A subcommand that writes a file about one workshop: `NAME CODE … -o FILE`."""
    command = commands.add_parser(name, help=help, description=description)
    command.add_argument("code", metavar="CODE", help="code de l'atelier")
    command.add_argument("-o", "--output", metavar="FICHIER", required=True, help=output_help)
    return command


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchArgumentParser(
        prog="python -m ctg_workshop",
        description="CTG Atelier : ateliers participatifs de Convention Territoriale Globale.",
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="base de données (par défaut : CTG_DATABASE_URL, sinon data/ctg.sqlite3)",
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMANDE", parser_class=FrenchArgumentParser
    )

    command = commands.add_parser(
        "import",
        help="importer une archive d'atelier (JSON)",
        description="Importe une archive d'atelier ; affiche son code en dernière ligne.",
    )
    command.add_argument("file", metavar="FICHIER", help="archive au format ctg-workshop-archive")
    choice = command.add_mutually_exclusive_group()
    choice.add_argument("--replace", action="store_true", help="remplacer l'atelier qui porte déjà ce code")
    choice.add_argument("--as-code", metavar="CODE", help="importer sous un autre code")
    command.set_defaults(handler=cmd_import)

    command = _add_export_command(
        commands,
        "export-archive",
        help="exporter un atelier en archive JSON",
        description="Écrit l'archive complète d'un atelier (export déterministe).",
        output_help="fichier à écrire",
    )
    command.set_defaults(handler=cmd_export_archive)

    command = commands.add_parser(
        "list",
        help="lister les ateliers et leurs chiffres",
        description="Liste les ateliers : code, titre, phase, participants, contributions, votes.",
    )
    command.set_defaults(handler=cmd_list)

    command = commands.add_parser(
        "demo",
        help="charger l'atelier de démonstration (Armentières)",
        description="Charge l'atelier de démonstration tiré de la CTG d'Armentières.",
    )
    command.add_argument("--replace", action="store_true", help="recharger la démonstration si elle existe")
    command.add_argument(
        "--base-url",
        metavar="URL",
        default="http://localhost:8501",
        help="adresse de l'application dans les liens affichés (CTG_PUBLIC_URL si elle est définie)",
    )
    command.set_defaults(handler=cmd_demo)

    command = commands.add_parser(
        "migrate",
        help="créer ou mettre à jour le schéma de la base",
        description="Applique les migrations (Alembic) ; ne supprime jamais de données.",
    )
    command.set_defaults(handler=cmd_migrate)

    command = _add_export_command(
        commands,
        "export-convention",
        help="écrire le projet de convention (Word)",
        description=(
            "Écrit le projet de Convention Territoriale Globale (.docx) : diagnostic, sujets d'étude, "
            "synthèses SWOT et résultats du vote, fiches action, annexes."
        ),
        output_help="fichier .docx à écrire",
    )
    command.set_defaults(handler=cmd_export_convention)

    command = _add_export_command(
        commands,
        "export-deliberation",
        help="écrire le projet de délibération du Conseil Municipal (Word)",
        description=(
            "Écrit le projet de délibération (.docx) qui autorise la signature de la convention ; ce que "
            "seule la commune connaît reste entre crochets."
        ),
        output_help="fichier .docx à écrire",
    )
    command.add_argument("--seance", metavar="JJ/MM/AAAA", help="date de la séance du Conseil Municipal")
    command.add_argument("--numero", metavar="NUMÉRO", help="numéro de la délibération (ex. DE23.027)")
    command.add_argument("--bonus", metavar="MONTANT", help="enveloppe Bonus Territoires en euros (618000)")
    command.set_defaults(handler=cmd_export_deliberation)

    command = _add_export_command(
        commands,
        "export-data",
        help="exporter les contributions et les votes (CSV pour Excel)",
        description=(
            "Écrit une ligne par contribution visible : sujet, quadrant, texte, organisation, points, "
            "votants, regroupement. CSV séparé par des points-virgules, UTF-8 avec BOM ; jamais de noms."
        ),
        output_help="fichier .csv à écrire",
    )
    command.set_defaults(handler=cmd_export_data)

    command = commands.add_parser(
        "purge-names",
        help="effacer les noms des participants (RGPD, après la journée)",
        description="Efface les noms donnés par les participants ; organisations, contributions et votes restent.",
    )
    command.add_argument("code", metavar="CODE", help="code de l'atelier")
    command.set_defaults(handler=cmd_purge_names)

    command = _add_export_command(
        commands,
        "export-participant",
        help="exporter les données d'un participant (droit d'accès RGPD)",
        description="Écrit en JSON tout ce qui est conservé sur un participant : nom, organisation, contributions, votes.",
        output_help="fichier JSON à écrire",
    )
    command.add_argument(
        "participant", metavar="PARTICIPANT", help="clé du participant (archive) ou son jeton d'accès"
    )
    command.set_defaults(handler=cmd_export_participant)

    command = commands.add_parser(
        "hash-secret",
        help="chiffrer le mot de passe d'administration (scrypt)",
        description=(
            "Demande un secret (deux fois, sans l'afficher) et écrit son empreinte scrypt, à mettre dans "
            "CTG_ADMIN_PASSWORD ou `admin_password` (.streamlit/secrets.toml) à la place du mot de passe en clair."
        ),
    )
    command.set_defaults(handler=cmd_hash_secret, needs_database=False)

    command = commands.add_parser(
        "loadtest",
        add_help=False,  # `loadtest --help` is the load driver's own help
        help="simuler des participants sur un serveur local (mesure de charge, voir docs/capacity.md)",
        description="Passe la main au pilote de charge (`python -m loadtest`), avec les mêmes options.",
    )
    command.set_defaults(handler=cmd_loadtest, needs_database=False, arguments=[])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if args.command == "loadtest":
        args.arguments = rest  # the load driver's own options, parsed by it
    else:
        args = parser.parse_args(argv)  # anything unknown is an error (in French)
    handler: Handler = args.handler
    try:
        if not getattr(args, "needs_database", True):
            return handler(args, None)  # e.g. the load driver talks to a server, not to the database
        engine = open_database(args.database_url)
        try:
            return handler(args, engine)
        finally:
            engine.dispose()
    except CtgError as error:
        print(error.message, file=sys.stderr)
        return 2
