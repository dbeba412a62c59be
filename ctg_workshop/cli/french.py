"""argparse speaking French: the command line's usage, help and errors are read by a town's staff."""

from __future__ import annotations

import argparse
import sys

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
