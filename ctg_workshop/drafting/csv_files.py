"""CSV files as the CAF and INSEE export them (or any other): encoding and separator detected,
header checked, every row as long as the header; a French error for anything unreadable."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass

from ctg_workshop.errors import InvalidInputError

MAX_CSV_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class CsvTable:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    encoding: str
    delimiter: str

    def column(self, name: str) -> int:
        return self.columns.index(name)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as error:
            raise InvalidInputError(
                "Le fichier annonce l'encodage UTF-16 mais ne le respecte pas."
            ) from error
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        raise InvalidInputError(
            "Une seule colonne trouvée : le fichier doit être un CSV séparé par des points-virgules "
            "(exports CAF et INSEE), des virgules ou des tabulations."
        )
    return best


def read_csv(data: bytes) -> CsvTable:
    """Read a CSV file's bytes (encoding and separator detected); a French error if unreadable."""
    if not data or not data.strip():
        raise InvalidInputError("Le fichier est vide.")
    if len(data) > MAX_CSV_BYTES:
        raise InvalidInputError(f"Le fichier dépasse {MAX_CSV_BYTES // (1024 * 1024)} Mo.")
    text, encoding = _decode(data)
    if "\x00" in text:
        raise InvalidInputError(
            "Ce fichier n'est pas un fichier CSV (contenu binaire) : enregistrez-le au format CSV "
            "(séparateur point-virgule) avant de l'importer."
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first_line = next(line for line in text.split("\n") if line.strip())
    delimiter = _delimiter(first_line)
    try:
        records = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if any(c.strip() for c in r)]
    except csv.Error as error:
        raise InvalidInputError(f"Fichier CSV illisible : {error}.") from error
    header = [unicodedata.normalize("NFC", c.strip()) or f"Colonne {i + 1}" for i, c in enumerate(records[0])]
    duplicates = sorted({c for c in header if header.count(c) > 1})
    if duplicates:
        raise InvalidInputError(f"Colonnes en double dans l'en-tête : {', '.join(duplicates)}.")
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if len(record) != len(header):
            raise InvalidInputError(
                f"Ligne {number} : {len(record)} valeurs au lieu de {len(header)} (une par colonne). "
                "Vérifiez le séparateur et les guillemets."
            )
        rows.append(tuple(unicodedata.normalize("NFC", c.strip()) for c in record))
    if not rows:
        raise InvalidInputError("Le fichier ne contient qu'une ligne d'en-tête, sans données.")
    return CsvTable(tuple(header), tuple(rows), encoding, delimiter)
