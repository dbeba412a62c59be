"""The package's own errors. Every message is French: it is shown as is to the user."""

from __future__ import annotations

from dataclasses import dataclass


class CtgError(Exception):
    """Base of every error the domain raises on purpose; its message is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(CtgError):
    """A workshop, topic, item or participant that does not exist (or not in this workshop)."""


class InvalidInputError(CtgError):
    """A value typed or sent by a user breaks a rule (length, format, bounds)."""


class PhaseError(CtgError):
    """The workshop's current phase forbids the action."""


class BudgetError(CtgError):
    """A vote would overspend the participant's dots, or exceed the per-item cap."""


class ConflictError(CtgError):
    """The action clashes with existing data (an existing code, a duplicate theme…)."""


class DatabaseUnavailableError(CtgError):
    """The database cannot be opened or reached."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an archive: where (JSON path) and why (French)."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path} : {self.reason}"


class ArchiveError(CtgError):
    """An archive that cannot be imported; lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        header = f"Archive refusée : {count} problème{'s' if count > 1 else ''}."
        super().__init__("\n".join([header, *(str(p) for p in problems)]))
