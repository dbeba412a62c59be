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
    try:
        Path(args.output).write_bytes(data)
    except OSError as error:
        raise InvalidInputError(f"Impossible d'écrire « {args.output} » : {error.strerror}.") from error
    print(f"Archive écrite : {args.output}")
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
    with write_session(engine) as session:
        try:
            get_workshop_by_code(session=session, code=DEMO_CODE)
            exists = True
        except CtgError:
            exists = False
        if exists and not args.replace:
            print(f"L'atelier de démonstration « {DEMO_CODE} » est déjà chargé.")
            print(DEMO_CODE)
            return 0
        import_archive(session=session, data=DEMO_ARCHIVE.read_bytes(), replace=args.replace)
    print(f"Atelier de démonstration « {DEMO_CODE} » chargé.")
    print(DEMO_CODE)
    return 0


def cmd_migrate(_args: argparse.Namespace, _engine: Engine) -> int:
    # open_database() has already brought the schema up to date.
    print("Base de données à jour.")
    return 0


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

    command = commands.add_parser(
        "export-archive",
        help="exporter un atelier en archive JSON",
        description="Écrit l'archive complète d'un atelier (export déterministe).",
    )
    command.add_argument("code", metavar="CODE", help="code de l'atelier")
    command.add_argument("-o", "--output", metavar="FICHIER", required=True, help="fichier à écrire")
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
    command.set_defaults(handler=cmd_demo)

    command = commands.add_parser(
        "migrate",
        help="créer ou mettre à jour le schéma de la base",
        description="Applique les migrations (Alembic) ; ne supprime jamais de données.",
    )
    command.set_defaults(handler=cmd_migrate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        engine = open_database(args.database_url)
        try:
            return handler(args, engine)
        finally:
            engine.dispose()
    except CtgError as error:
        print(error.message, file=sys.stderr)
        return 2
