"""`python -m ctg_workshop SUBCOMMAND`: the subcommands as a table, French messages, exit 2 on a refusal."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine

from ctg_workshop.cli import commands
from ctg_workshop.cli.french import FrenchArgumentParser
from ctg_workshop.errors import CtgError
from ctg_workshop.storage.db import open_database

Handler = Callable[[argparse.Namespace, Engine | None], int]


@dataclass(frozen=True)
class Option:
    """One argument of a subcommand, as `add_argument(*names, **settings)` takes it."""

    names: tuple[str, ...]
    settings: dict = field(default_factory=dict)


def option(*names: str, **settings) -> Option:
    return Option(names, settings)


CODE = option("code", metavar="CODE", help="code de l'atelier")


def output(help_text: str) -> Option:
    return option("-o", "--output", metavar="FICHIER", required=True, help=help_text)


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    description: str
    handler: Handler
    options: tuple[Option, ...] = ()
    exclusive: tuple[Option, ...] = ()  # at most one of these
    needs_database: bool = True


COMMANDS = (
    Command(
        "import",
        "importer une archive d'atelier (JSON)",
        "Importe une archive d'atelier ; affiche son code en dernière ligne.",
        commands.cmd_import,
        options=(option("file", metavar="FICHIER", help="archive au format ctg-workshop-archive"),),
        exclusive=(
            option("--replace", action="store_true", help="remplacer l'atelier qui porte déjà ce code"),
            option("--as-code", metavar="CODE", help="importer sous un autre code"),
        ),
    ),
    Command(
        "export-archive",
        "exporter un atelier en archive JSON",
        "Écrit l'archive complète d'un atelier (export déterministe).",
        commands.cmd_export_archive,
        options=(CODE, output("fichier à écrire")),
    ),
    Command(
        "backup",
        "sauvegarder un atelier maintenant (archive JSON)",
        "Écrit une sauvegarde de l'atelier (son archive JSON) dans le dossier des sauvegardes : "
        "CTG_BACKUP_DIR, sinon data/backups, un sous-dossier par atelier ; garde les 24 dernières et "
        "une par jour. Pour la restaurer : python -m ctg_workshop import FICHIER --replace.",
        commands.cmd_backup,
        options=(
            CODE,
            option(
                "--dossier",
                metavar="DOSSIER",
                help="dossier des sauvegardes (par défaut CTG_BACKUP_DIR, sinon data/backups)",
            ),
        ),
    ),
    Command(
        "list",
        "lister les ateliers et leurs chiffres",
        "Liste les ateliers : code, titre, phase, participants, contributions, votes.",
        commands.cmd_list,
    ),
    Command(
        "demo",
        "charger l'atelier de démonstration (Armentières)",
        "Charge l'atelier de démonstration tiré de la CTG d'Armentières.",
        commands.cmd_demo,
        options=(
            option("--replace", action="store_true", help="recharger la démonstration si elle existe"),
            option(
                "--base-url",
                metavar="URL",
                default="http://localhost:8501",
                help="adresse de l'application dans les liens affichés (CTG_PUBLIC_URL si elle est définie)",
            ),
        ),
    ),
    Command(
        "migrate",
        "créer ou mettre à jour le schéma de la base",
        "Applique les migrations (Alembic) ; ne supprime jamais de données.",
        commands.cmd_migrate,
    ),
    Command(
        "export-convention",
        "écrire le projet de convention (Word ou PDF)",
        "Écrit le projet de Convention Territoriale Globale : diagnostic, sujets d'étude, synthèses SWOT "
        "et résultats du vote, fiches action, annexes. Le format suit l'extension (.docx ou .pdf) ; avec "
        "LibreOffice, le sommaire du .docx porte ses numéros de page.",
        commands.cmd_export_convention,
        options=(CODE, output("fichier .docx ou .pdf à écrire")),
    ),
    Command(
        "export-deliberation",
        "écrire le projet de délibération du Conseil Municipal (Word ou PDF)",
        "Écrit le projet de délibération (.docx) qui autorise la signature de la convention ; ce que "
        "seule la commune connaît reste entre crochets.",
        commands.cmd_export_deliberation,
        options=(
            CODE,
            output("fichier .docx ou .pdf à écrire"),
            option("--seance", metavar="JJ/MM/AAAA", help="date de la séance du Conseil Municipal"),
            option("--numero", metavar="NUMÉRO", help="numéro de la délibération (ex. DE23.027)"),
            option("--bonus", metavar="MONTANT", help="enveloppe Bonus Territoires en euros (618000)"),
        ),
    ),
    Command(
        "export-bilan",
        "écrire le bilan annuel du suivi de la convention (Word)",
        "Écrit le bilan d'une année pour le comité de pilotage : l'état de chaque fiche action, les "
        "chiffres de ses indicateurs, un graphique par fiche, les décisions des réunions, ce qui manque.",
        commands.cmd_export_bilan,
        options=(
            CODE,
            option(
                "--annee", metavar="AAAA", type=int, required=True, help="année du bilan (dans la période)"
            ),
            output("fichier .docx ou .pdf à écrire"),
        ),
    ),
    Command(
        "export-data",
        "exporter les contributions et les votes (classeur Excel ou CSV)",
        "Écrit les contributions visibles et leurs votes, jamais de noms. En .xlsx, un classeur Excel : "
        "une feuille par tableau (contributions, votes par contribution, classement par sujet, fiches "
        "action), nombres et dates typés. En .csv, une ligne par contribution : sujet, quadrant, texte, "
        "organisation, points, votants, regroupement ; séparé par des points-virgules, UTF-8 avec BOM.",
        commands.cmd_export_data,
        options=(CODE, output("fichier .xlsx ou .csv à écrire (le format suit l'extension)")),
    ),
    Command(
        "purge-names",
        "effacer les noms des participants (RGPD, après la journée)",
        "Efface les noms donnés par les participants ; organisations, contributions et votes restent.",
        commands.cmd_purge_names,
        options=(CODE,),
    ),
    Command(
        "export-participant",
        "exporter les données d'un participant (droit d'accès RGPD)",
        "Écrit en JSON tout ce qui est conservé sur un participant : nom, organisation, contributions, votes.",
        commands.cmd_export_participant,
        options=(
            CODE,
            output("fichier JSON à écrire"),
            option(
                "participant", metavar="PARTICIPANT", help="clé du participant (archive) ou son jeton d'accès"
            ),
        ),
    ),
    Command(
        "schema",
        "écrire le schéma JSON de l'archive (version 2)",
        "Écrit le schéma JSON (draft 2020-12) des archives que ce programme écrit ; "
        "docs/archive.schema.json en est une copie.",
        commands.cmd_schema,
        options=(
            option("-o", "--output", metavar="FICHIER", help="fichier à écrire (sinon : la sortie standard)"),
        ),
        needs_database=False,
    ),
    Command(
        "hash-secret",
        "chiffrer le mot de passe d'administration (scrypt)",
        "Demande un secret (deux fois, sans l'afficher) et écrit son empreinte scrypt, à mettre dans "
        "CTG_ADMIN_PASSWORD ou `admin_password` (.streamlit/secrets.toml) à la place du mot de passe en clair.",
        commands.cmd_hash_secret,
        needs_database=False,
    ),
)


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
    subparsers = parser.add_subparsers(
        dest="command", required=True, metavar="COMMANDE", parser_class=FrenchArgumentParser
    )
    for command in COMMANDS:
        sub = subparsers.add_parser(command.name, help=command.help, description=command.description)
        for spec in command.options:
            sub.add_argument(*spec.names, **spec.settings)
        if command.exclusive:
            group = sub.add_mutually_exclusive_group()
            for spec in command.exclusive:
                group.add_argument(*spec.names, **spec.settings)
        sub.set_defaults(command_spec=command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command: Command = args.command_spec
    try:
        if not command.needs_database:
            return command.handler(args, None)
        engine = open_database(args.database_url)
        try:
            return command.handler(args, engine)
        finally:
            engine.dispose()
    except CtgError as error:
        print(error.message, file=sys.stderr)
        return 2
