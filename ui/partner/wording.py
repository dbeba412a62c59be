"""The partner's page copy in French: what each quadrant asks, the privacy notices, what the
phase lets the partner do, the facilitator's countdown as a sentence."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st

from ctg_workshop.day.joining import WorkshopInfo
from ctg_workshop.day.phases import countdown_from
from ctg_workshop.storage.models import Phase, Quadrant
from ctg_workshop.wording import QUADRANT_LABELS
from ui.partner.identity import COOKIE_DAYS

QUADRANT_HELP = {
    Quadrant.STRENGTH: "Ce qui marche bien aujourd'hui sur le territoire : atouts, savoir-faire, réussites.",
    Quadrant.WEAKNESS: "Ce qui manque ou marche mal aujourd'hui : manques, difficultés, points faibles.",
    Quadrant.OPPORTUNITY: "Ce qui, autour de nous, peut aider demain : projets, évolutions, financements.",
    Quadrant.THREAT: "Ce qui, autour de nous, peut freiner demain : risques, contraintes, changements.",
}
NEW_ITEM_LABELS = {
    Quadrant.STRENGTH: "Nouvelle force",
    Quadrant.WEAKNESS: "Nouvelle faiblesse",
    Quadrant.OPPORTUNITY: "Nouvelle opportunité",
    Quadrant.THREAT: "Nouvelle menace",
}
ADD_BUTTON_LABELS = {
    Quadrant.STRENGTH: "Ajouter cette force",
    Quadrant.WEAKNESS: "Ajouter cette faiblesse",
    Quadrant.OPPORTUNITY: "Ajouter cette opportunité",
    Quadrant.THREAT: "Ajouter cette menace",
}


def _who_sees(show_organisations: bool) -> str:
    """What the other participants see of a partner's items, as the workshop is set."""
    if show_organisations:
        return "Les autres participants voient vos contributions avec votre organisation, jamais votre nom"
    return "Les autres participants voient vos contributions sans votre organisation ni votre nom"


def short_privacy_notice(show_organisations: bool) -> str:
    return (
        "**Vos données** : votre organisation, votre nom si vous le donnez (effacé après la journée), "
        "vos contributions et vos votes, pour préparer la Convention Territoriale Globale. "
        f"{_who_sees(show_organisations)}. Conservées avec l'atelier jusqu'à la fin de la démarche. "
        f"Un cookie technique ({COOKIE_DAYS} jours) vous reconnaît sur cet appareil ; aucun suivi "
        "publicitaire."
    )


def privacy_notice(show_organisations: bool) -> str:
    return (
        "**Ce qui est enregistré** : votre organisation, votre nom si vous le donnez, vos "
        "contributions et vos votes.  \n"
        "**Pourquoi** : préparer la Convention Territoriale Globale avec les partenaires du "
        f"territoire. {_who_sees(show_organisations)} ; les documents citent des organisations, "
        "jamais des personnes.  \n"
        "**Combien de temps** : votre nom est effacé après la journée participative ; organisation, "
        "contributions et votes restent avec l'atelier jusqu'à ce que la coordination CTG le "
        "supprime, à la fin de la démarche. Pas de compte à créer : un jeton de participation est "
        "gardé dans l'adresse de la page et dans un cookie technique de cet appareil "
        f"({COOKIE_DAYS} jours), pour vous reconnaître si vous revenez. Aucun suivi publicitaire."
    )


def phase_explanation(workshop: WorkshopInfo) -> str:
    """What the partner can do now, in one or two sentences."""
    phase = Phase(workshop.phase)
    if phase == Phase.COLLECT:
        return (
            "Choisissez un sujet, puis écrivez ce que vous voyez dans chaque case : forces, "
            "faiblesses, opportunités, menaces. Vous pouvez corriger ou supprimer vos contributions "
            "jusqu'à la fin du recueil."
        )
    if phase == Phase.GROUP:
        return (
            "Le recueil est terminé : l'animateur regroupe les contributions en double. "
            "Le vote va ouvrir ; touchez « Actualiser » pour voir s'il a commencé."
        )
    if phase == Phase.VOTE:
        return (
            f"Le vote est ouvert : vous avez {workshop.vote_budget} points par sujet, "
            f"{workshop.max_dots_per_item} au plus sur une même contribution. Placez-les sur ce qui "
            "vous semble prioritaire ; « Mes points » retrouve vos choix. Les totaux seront "
            "affichés à la clôture."
        )
    return "L'atelier est clos. Voici le classement des contributions de chaque sujet."


def quadrant_label(quadrant: str) -> str:
    return QUADRANT_LABELS[Quadrant(quadrant)]


# Plural of each quadrant in lower case, for « Voir les 19 forces ».
QUADRANT_NOUNS = {
    Quadrant.STRENGTH: ("force", "forces"),
    Quadrant.WEAKNESS: ("faiblesse", "faiblesses"),
    Quadrant.OPPORTUNITY: ("opportunité", "opportunités"),
    Quadrant.THREAT: ("menace", "menaces"),
}


def quadrant_count(quadrant: str, count: int) -> str:
    """« 1 force », « 19 forces »."""
    singular, plural = QUADRANT_NOUNS[Quadrant(quadrant)]
    return f"{count} {plural if count > 1 else singular}"


# --- Countdown -----------------------------------------------------------------------------------

DEFAULT_TIMEZONE = "Europe/Paris"


def _browser_timezone() -> ZoneInfo:
    """The phone's time zone (sent by the browser), France's when unknown or unusable."""
    name = st.context.timezone
    if isinstance(name, str) and name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo(DEFAULT_TIMEZONE)


def countdown_sentence(ends_at: dt.datetime | None, *, now: dt.datetime | None = None) -> str | None:
    """The facilitator's countdown as a static sentence (no ticking clock on phones), or None.

    `ends_at` is naive UTC, as stored; the hour is the phone's local time."""
    running = countdown_from(ends_at, now=now)
    if running is None:
        return None
    local = running.ends_at.replace(tzinfo=dt.UTC).astimezone(_browser_timezone())
    if running.finished:
        return f"Le temps prévu pour cette étape est écoulé (fin à {local:%H:%M})."
    return f"Temps prévu pour cette étape : jusqu'à {local:%H:%M}."
