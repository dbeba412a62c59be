"""What ties an archive's fields together (`shared/spec/archive-format.md`): references between
keys, groups one level deep, the vote budget, one entry per key or year, years within the period.

The checks run on whatever parts of the file are well formed, so a file with a bad type here and
a dangling reference there gets both problems reported at once. Lists arrive as (index, entry)
pairs: an entry that failed its own checks is absent, and paths keep the file's indices.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ctg_workshop.errors import Problem

Indexed = list[tuple[int, Any]]
BASELINE_YEARS_BEFORE = 10


@dataclass(frozen=True)
class WorkshopParts:
    """The well-formed parts of `workshop`: a scalar is None when it was not."""

    scalars: dict[str, Any]
    lists: dict[str, Indexed]
    follow_up: dict[str, Indexed]

    def get(self, name: str) -> Any:
        return self.scalars.get(name)


def check_workshop(parts: WorkshopParts) -> list[Problem]:
    topic_keys = {t.key for _, t in parts.lists.get("topics", [])}
    checks = (
        _period(parts),
        _cap(parts),
        _unique(parts.lists.get("themes", []), "workshop.themes", lambda t: t.casefold(), _theme_twice),
        _unique(parts.lists.get("topics", []), "workshop.topics", lambda t: t.key, _topic_twice, ".key"),
        _unique(
            parts.lists.get("participants", []), "workshop.participants", lambda p: p.key, _key_twice, ".key"
        ),
        _items(parts, topic_keys),
        _votes(parts),
        _action_sheets(parts, topic_keys),
        _unique(
            parts.lists.get("narrative", []),
            "workshop.narrative",
            lambda n: n.section.casefold(),
            _section_twice,
            ".section",
        ),
        _indicators(parts, topic_keys),
        _progress(parts, topic_keys),
        _unique(
            parts.follow_up.get("meetings", []),
            "workshop.follow_up.meetings",
            lambda m: m.key,
            _key_twice,
            ".key",
        ),
    )
    return [problem for check in checks for problem in check]


def _quote(value: Any) -> str:
    return f"« {value} »" if isinstance(value, str) else "null"


def _theme_twice(value: str) -> str:
    return f"le thème « {value} » figure déjà dans la liste"


def _topic_twice(value: str) -> str:
    return f"le sujet « {value} » est déjà défini"


def _key_twice(value: str) -> str:
    return f"la clé « {value} » est déjà utilisée"


def _section_twice(value: str) -> str:
    return f"la section « {value} » a déjà son analyse : une seule par section"


def _unique(entries: Indexed, path: str, key, message, suffix: str = "") -> Iterator[Problem]:
    seen: set[Any] = set()
    for index, entry in entries:
        value = key(entry)
        if value in seen:
            shown = entry if isinstance(entry, str) else value
            yield Problem(
                f"{path}[{index}]{suffix}", message(getattr(entry, suffix[1:], shown) if suffix else shown)
            )
        seen.add(value)


def _period(parts: WorkshopParts) -> Iterator[Problem]:
    start, end = parts.get("period_start"), parts.get("period_end")
    if start is not None and end is not None and start > end:
        yield Problem("workshop.period_end", f"l'année de fin ({end}) précède l'année de début ({start})")


def _cap(parts: WorkshopParts) -> Iterator[Problem]:
    budget, cap = parts.get("vote_budget"), parts.get("max_dots_per_item")
    if budget is not None and cap is not None and cap > budget:
        yield Problem("workshop.max_dots_per_item", f"{cap} hors des bornes : de 1 à {budget}")


# --------------------------------------------------------------------------- the day


def _items(parts: WorkshopParts, topic_keys: set[str]) -> Iterator[Problem]:
    participant_keys = {p.key for _, p in parts.lists.get("participants", [])}
    items = parts.lists.get("items", [])
    yield from _unique(items, "workshop.items", lambda i: i.key, _key_twice, ".key")
    for index, item in items:
        path = f"workshop.items[{index}]"
        if item.topic not in topic_keys:
            yield Problem(f"{path}.topic", f"le sujet {_quote(item.topic)} n'existe pas dans workshop.topics")
        if item.author is not None and item.author not in participant_keys:
            yield Problem(
                f"{path}.author",
                f"le participant {_quote(item.author)} n'existe pas dans workshop.participants",
            )
    yield from _merges(items)


def _merges(items: Indexed) -> Iterator[Problem]:
    by_key = {item.key: item for _, item in items}
    for index, item in items:
        target_key = item.merged_into
        if target_key is None:
            continue
        path = f"workshop.items[{index}].merged_into"
        target = by_key.get(target_key)
        if target is None:
            yield Problem(path, f"la contribution {_quote(target_key)} n'existe pas")
        elif target is item:
            yield Problem(path, "une contribution ne peut pas être regroupée sous elle-même")
        elif (target.topic, target.quadrant) != (item.topic, item.quadrant):
            yield Problem(path, f"« {target_key} » n'est pas du même sujet et du même quadrant")
        elif target.merged_into is not None:
            yield Problem(path, f"« {target_key} » est elle-même regroupée : les groupes n'ont qu'un niveau")


def _votes(parts: WorkshopParts) -> Iterator[Problem]:
    items = {item.key: item for _, item in parts.lists.get("items", [])}
    participant_keys = {p.key for _, p in parts.lists.get("participants", [])}
    cap, budget = parts.get("max_dots_per_item"), parts.get("vote_budget")
    seen: set[tuple[str, str]] = set()
    spent: Counter[tuple[str, str]] = Counter()
    for index, vote in parts.lists.get("votes", []):
        path = f"workshop.votes[{index}]"
        item = items.get(vote.item)
        yield from _vote_target(path, vote, item)
        if vote.participant not in participant_keys:
            yield Problem(f"{path}.participant", f"le participant {_quote(vote.participant)} n'existe pas")
        if cap is not None and vote.dots > cap:
            yield Problem(f"{path}.dots", f"{vote.dots} hors des bornes : de 1 à {cap}")
        pair = (vote.item, vote.participant)
        if pair in seen:
            yield Problem(path, f"un seul vote par contribution et par participant ({pair[1]} sur {pair[0]})")
            continue
        seen.add(pair)
        if item is not None:
            spent[(vote.participant, item.topic)] += vote.dots
    if budget is not None:
        for (participant, topic), total in spent.items():
            if total > budget:
                yield Problem(
                    "workshop.votes",
                    f"le participant « {participant} » dépense {total} points sur le sujet "
                    f"« {topic} », pour un budget de {budget}",
                )


def _vote_target(path: str, vote: Any, item: Any) -> Iterator[Problem]:
    if item is None:
        yield Problem(f"{path}.item", f"la contribution {_quote(vote.item)} n'existe pas")
    elif item.hidden:
        yield Problem(f"{path}.item", f"la contribution « {vote.item} » est masquée : aucun vote possible")
    elif item.merged_into is not None:
        yield Problem(
            f"{path}.item",
            f"la contribution « {vote.item} » est regroupée sous « {item.merged_into} » : "
            "les votes se portent sur la contribution représentante",
        )


def _action_sheets(parts: WorkshopParts, topic_keys: set[str]) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, sheet in parts.lists.get("action_sheets", []):
        path = f"workshop.action_sheets[{index}].topic"
        if sheet.topic not in topic_keys:
            yield Problem(path, f"le sujet {_quote(sheet.topic)} n'existe pas dans workshop.topics")
        elif sheet.topic in seen:
            yield Problem(path, f"une seule fiche action par sujet : « {sheet.topic} » en a déjà une")
        seen.add(sheet.topic)


# --------------------------------------------------------------------------- after the signature


def _years(parts: WorkshopParts) -> tuple[int, int] | None:
    start, end = parts.get("period_start"), parts.get("period_end")
    return (start, end) if start is not None and end is not None and start <= end else None


def _indicators(parts: WorkshopParts, topic_keys: set[str]) -> Iterator[Problem]:
    indicators = parts.follow_up.get("indicators", [])
    base = "workshop.follow_up.indicators"
    yield from _unique(indicators, base, lambda i: i.key, _key_twice, ".key")
    labels: set[tuple[str, str]] = set()
    for index, indicator in indicators:
        path = f"{base}[{index}]"
        if indicator.topic not in topic_keys:
            yield Problem(
                f"{path}.topic", f"le sujet {_quote(indicator.topic)} n'existe pas dans workshop.topics"
            )
        label = (indicator.topic, indicator.label.casefold())
        if label in labels:
            yield Problem(
                f"{path}.label",
                f"la fiche « {indicator.topic} » a déjà un indicateur « {indicator.label} » : "
                "deux indicateurs d'une fiche ne portent pas le même intitulé",
            )
        labels.add(label)
        yield from _indicator_years(parts, indicator, path)


def _indicator_years(parts: WorkshopParts, indicator: Any, path: str) -> Iterator[Problem]:
    years = _years(parts)
    if years is None:
        return
    start, end = years
    for name in ("baseline", "target"):
        point = getattr(indicator, name)
        if point is not None and not start - BASELINE_YEARS_BEFORE <= point.year <= end + 1:
            yield Problem(
                f"{path}.{name}.year",
                f"l'année {point.year} est trop loin de la période {start}–{end} : "
                f"de {start - BASELINE_YEARS_BEFORE} à {end + 1}",
            )
    seen: set[int] = set()
    for index, value in enumerate(indicator.values):
        value_path = f"{path}.values[{index}].year"
        if not start <= value.year <= end:
            yield Problem(
                value_path, f"l'année {value.year} est hors de la période de la convention ({start}–{end})"
            )
        elif value.year in seen:
            yield Problem(value_path, f"une seule valeur par année : {value.year} figure déjà")
        seen.add(value.year)


def _progress(parts: WorkshopParts, topic_keys: set[str]) -> Iterator[Problem]:
    years = _years(parts)
    seen: set[tuple[str, int]] = set()
    for index, entry in parts.follow_up.get("progress", []):
        path = f"workshop.follow_up.progress[{index}]"
        if entry.topic not in topic_keys:
            yield Problem(
                f"{path}.topic", f"le sujet {_quote(entry.topic)} n'existe pas dans workshop.topics"
            )
        if years is not None and not years[0] <= entry.year <= years[1]:
            yield Problem(
                f"{path}.year",
                f"l'année {entry.year} est hors de la période de la convention ({years[0]}–{years[1]})",
            )
        if (entry.topic, entry.year) in seen:
            yield Problem(
                path, f"un seul état par fiche et par année : « {entry.topic} » {entry.year} figure déjà"
            )
        seen.add((entry.topic, entry.year))


def indexed(values: Iterable[Any]) -> Indexed:
    return list(enumerate(values))
