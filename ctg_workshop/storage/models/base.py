"""What every table is built from: the declarative base with its constraint naming convention,
the column shapes the tables share, and the helpers that write a CHECK once for each dialect."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from sqlalchemy import JSON, CheckConstraint, DateTime, Integer, MetaData, String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def in_list(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


def charset_checks(column: str, sqlite_glob: str, pg_regex: str) -> tuple[CheckConstraint, ...]:
    """The same character-set rule written for each dialect (SQLite has GLOB, PostgreSQL regexes)."""
    return (
        CheckConstraint(f"{column} NOT GLOB '{sqlite_glob}'", name=f"{column}_charset").ddl_if(
            dialect="sqlite"
        ),
        CheckConstraint(f"{column} ~ '{pg_regex}'", name=f"{column}_charset").ddl_if(dialect="postgresql"),
    )


class EnumText(TypeDecorator):
    """A StrEnum stored as its value in a VARCHAR (a named CHECK lists the values): the model
    hands out enum members, so no caller converts strings."""

    impl = String(16)
    cache_ok = True

    def __init__(self, enum: type[StrEnum]) -> None:
        super().__init__()
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Any) -> StrEnum | None:
        return None if value is None else self.enum(value)


PK = Annotated[int, mapped_column(Integer, primary_key=True)]
Short = Annotated[str, mapped_column(String(200))]
SheetText = Annotated[str, mapped_column(Text, default="")]
StringList = Annotated[list[str], mapped_column(JSON, default=list)]
Timestamp = Annotated[dt.datetime, mapped_column(DateTime())]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
