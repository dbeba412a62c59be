"""Helpers of the partner's page: identity kept across reloads, messages, words, phone styling.

Identity. A participant is their token (128 random bits). Once joined, the page writes it
into the URL (`?atelier=CODE&jeton=TOKEN`): a reload, a bookmark, a dropped websocket or a
restarted server re-run the page with the same URL, hence the same participant. It is also
kept in the session (page switches drop the URL's parameters) and in a cookie
`ctg_jeton_CODE` set by a tiny script, so that scanning the QR code again or typing the code
again on the same device finds the participant back. `st.context.cookies` is read-only and
only holds what the browser sent when the page was loaded: a new cookie counts from the next
page load, which is exactly when it is needed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import re
import threading
from collections.abc import Callable, Iterable
from typing import Literal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ctg_workshop.day.participation import Identity, WorkshopInfo, is_valid_token, known_organisations
from ctg_workshop.day.phases import countdown_from
from ctg_workshop.privacy import participant_data_json
from ctg_workshop.storage.db import read_session
from ctg_workshop.storage.models import Phase, Quadrant
from ctg_workshop.wording import QUADRANT_LABELS
from ui import actions
from ui.engine import engine
from ui.safe import plain

CODE_PARAM = "atelier"
TOKEN_PARAM = "jeton"
TOPIC_PARAM = "sujet"
COOKIE_PREFIX = "ctg_jeton_"
COOKIE_DAYS = 180
PAGE_KEY = "participer"
COUNTER_KEY = "participer_counter"
VIEWS_KEY = "participer_views"

_IDENTITY = "participer_identity"
_UNSAVED = "participer_unsaved"
_FORGOTTEN = "participer_forgotten_codes"
_CALLBACK_MARKS = "participer_callback_marks"
_TRANSIENT = "participer_transient_fragments"
_PENDING_CLEAR = "participer_pending_clear"
_EXPIRE_COOKIE = "participer_expire_cookie"
_SAFE_COOKIE_PART = re.compile(r"^[A-Za-z0-9_-]+$")

Kind = Literal["success", "error", "info", "warning"]

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


# --- Shared data ------------------------------------------------------------------------------

ORGANISATIONS_TTL_S = 20


@st.cache_data(ttl=ORGANISATIONS_TTL_S, show_spinner=False, max_entries=50)
def organisations_of(workshop_id: int) -> list[str]:
    """The organisations already in the workshop, for the join form: read once per workshop and
    per 20 s for every phone this process serves (hundreds of phones join within minutes)."""
    with read_session(engine()) as session:
        return known_organisations(session=session, workshop_id=workshop_id)


def my_data_download(identity: Identity) -> Callable[[], bytes]:
    """What « Télécharger mes données » sends (RGPD right of access): everything stored about
    this participant, as JSON. Built only when the button is tapped, not on every run."""
    database = engine()

    def build() -> bytes:
        with read_session(database) as session:
            return participant_data_json(
                session=session, workshop_id=identity.workshop_id, reference=identity.token
            )

    return build


# --- Page chrome -------------------------------------------------------------------------------

_PAGE_CSS = f"""
<style>
/* Touch targets of at least 48 px (RGAA 13.x / WCAG 2.5.5) on the partner's page. */
.st-key-{PAGE_KEY} button {{ min-height: 48px; }}
.st-key-{PAGE_KEY} textarea, .st-key-{PAGE_KEY} input {{ font-size: 1rem; }}
/* One heading level per part of the page (h1 workshop, h2 quadrant), sized for a phone. */
.st-key-{PAGE_KEY} h1 {{ font-size: 1.75rem; }}
.st-key-{PAGE_KEY} h2 {{ font-size: 1.4rem; }}
/* Long words and links typed by partners wrap instead of widening the page. */
.st-key-{PAGE_KEY} [data-testid="stMarkdownContainer"] {{ overflow-wrap: anywhere; }}
/* The dots left stay in sight, under Streamlit's header, while the partner scrolls through the
   cards: the sticky box is the wrapper Streamlit puts around the keyed container (a sticky box
   moves only within its parent, and the container's own parent is just as tall as it is). */
.st-key-{PAGE_KEY} [data-testid="stLayoutWrapper"]:has(> .st-key-{COUNTER_KEY}) {{
  position: sticky; top: 3.75rem; z-index: 10;
}}
.st-key-{COUNTER_KEY} {{ background: #FFFFFF; padding-bottom: 0.25rem; }}
/* Brought into view under the header and the dots left when the partner changes page or view. */
.st-key-{VIEWS_KEY} {{ scroll-margin-top: 11rem; }}
</style>
"""


def page_style() -> None:
    st.html(_PAGE_CSS)


def organisation_suggestions(widget_key: str, organisations: list[str]) -> None:
    """Give the text field `widget_key` the browser's own suggestion list (an HTML `datalist`)
    of the organisations already in the workshop: one field that offers the known names as the
    partner types and takes a new one as typed (a text field keeps what was typed, a select box
    with new options drops it on blur and says « Add: » in English).

    The names are participant data: they travel as a JSON array (every `<` written `\\u003c`,
    so no tag can close the script) and become `option.value` through the DOM, never markup."""
    names = json.dumps(organisations, ensure_ascii=False).replace("<", "\\u003c")
    list_id = f"ctg-suggestions-{widget_key}"
    st.html(
        "<script>(() => {"
        f"const names = {names}; const id = {json.dumps(list_id)};"
        f"const selector = {json.dumps(f'.st-key-{widget_key} input')};"
        "let list = document.getElementById(id);"
        "if (!list) { list = document.createElement('datalist'); list.id = id; document.body.append(list); }"
        "list.replaceChildren(...names.map((name) => { const o = document.createElement('option');"
        " o.value = name; return o; }));"
        "const attach = () => { const input = document.querySelector(selector);"
        " if (input && input.getAttribute('list') !== id) input.setAttribute('list', id); };"
        "attach(); new MutationObserver(attach).observe(document.body, {childList: true, subtree: true});"
        "})();</script>",
        unsafe_allow_javascript=True,
        width="content",
    )


# --- Identity ----------------------------------------------------------------------------------


def requested_code() -> str:
    return st.query_params.get(CODE_PARAM, "")


def cookie_name(code: str) -> str:
    return f"{COOKIE_PREFIX}{code}"


def browser_cookies() -> dict[str, str]:
    """The cookies the browser sent when the page was loaded (none outside a browser)."""
    cookies = st.context.cookies.to_dict()
    if not isinstance(cookies, dict):
        return {}
    return {
        name: value for name, value in cookies.items() if isinstance(name, str) and isinstance(value, str)
    }


def candidate_tokens(code: str) -> list[str]:
    """Tokens that may name this device's participant in the workshop `code`, best first."""
    remembered = st.session_state.get(_IDENTITY) or {}
    candidates = [
        st.query_params.get(TOKEN_PARAM, ""),
        remembered.get("token", "") if remembered.get("code") == code else "",
    ]
    if code not in st.session_state.get(_FORGOTTEN, set()):
        candidates.append(browser_cookies().get(cookie_name(code), ""))
    unique = dict.fromkeys(token for token in candidates if is_valid_token(token))
    return list(unique)


def remembered_codes() -> list[str]:
    """Workshop codes this device joined before (from its cookies)."""
    return sorted(
        name.removeprefix(COOKIE_PREFIX)
        for name, value in browser_cookies().items()
        if name.startswith(COOKIE_PREFIX) and is_valid_token(value)
    )


def remember(identity: Identity) -> None:
    """Keep the identity in the session, a cookie, and the URL until the browser has the cookie.

    Once the browser sends the cookie back (it loaded the page with it), the token leaves the
    address bar: sharing the page's address no longer hands over one's identity and dots. The
    personal link stays in « Votre lien personnel »."""
    if st.query_params.get(CODE_PARAM) != identity.workshop_code:
        st.query_params[CODE_PARAM] = identity.workshop_code
    if browser_cookies().get(cookie_name(identity.workshop_code)) == identity.token:
        if TOKEN_PARAM in st.query_params:
            del st.query_params[TOKEN_PARAM]
    elif st.query_params.get(TOKEN_PARAM) != identity.token:
        st.query_params[TOKEN_PARAM] = identity.token
    st.session_state[_IDENTITY] = {"code": identity.workshop_code, "token": identity.token}
    st.session_state.get(_FORGOTTEN, set()).discard(identity.workshop_code)


def forget(code: str) -> None:
    """This device stops being the participant (a shared computer, a wrong organisation)."""
    st.session_state.pop(_IDENTITY, None)
    if TOKEN_PARAM in st.query_params:
        del st.query_params[TOKEN_PARAM]
    # The cookie the browser sent at page load stays in st.context.cookies: ignore it from now on.
    st.session_state.setdefault(_FORGOTTEN, set()).add(code)
    st.session_state[_EXPIRE_COOKIE] = code


def cookie_script() -> None:
    """Write or expire the identity cookie when the browser does not hold the right value yet."""
    expired = st.session_state.pop(_EXPIRE_COOKIE, None)
    remembered = st.session_state.get(_IDENTITY) or {}
    code, token = remembered.get("code", ""), remembered.get("token", "")
    if expired and _SAFE_COOKIE_PART.match(expired):
        _run_cookie_js(cookie_name(expired), "", max_age=0)
        return
    safe = bool(_SAFE_COOKIE_PART.match(code) and _SAFE_COOKIE_PART.match(token))
    if safe and browser_cookies().get(cookie_name(code)) != token:
        _run_cookie_js(cookie_name(code), token, max_age=COOKIE_DAYS * 24 * 3600)


def _run_cookie_js(name: str, value: str, *, max_age: int) -> None:
    # name and value only hold [A-Za-z0-9_-] (checked by the callers); json.dumps quotes them.
    cookie = f"{name}={value}; path=/; max-age={max_age}; SameSite=Lax"
    st.html(
        "<script>document.cookie = "
        f"{json.dumps(cookie)} + (location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
        width="content",
    )


_scrolls = itertools.count()


def scroll_to_views() -> None:
    """Bring the choice of view and the first card into sight: after « Suivantes » at the bottom
    of a page of cards, the next page starts far above the partner's thumb."""
    # A new script each time (the number), or the browser would keep the element and not run it.
    # The dots left stay stuck above (sticky): their height varies with the message under them,
    # so the views stop just under their bottom edge, « Afficher » never hidden behind them.
    st.html(
        f"<script>/* {next(_scrolls)} */ (() => {{"
        f"const views = document.querySelector('.st-key-{VIEWS_KEY}'); if (!views) return;"
        f"const counter = document.querySelector('.st-key-{COUNTER_KEY}');"
        "const below = counter ? counter.getBoundingClientRect().height : 0;"
        "views.style.scrollMarginTop = `calc(3.75rem + ${Math.ceil(below) + 8}px)`;"
        "views.scrollIntoView({block: 'start'}); })();</script>",
        unsafe_allow_javascript=True,
        width="content",
    )


def personal_link(identity: Identity) -> str | None:
    """The URL that brings this participant back on any device (None outside a browser)."""
    base = st.context.url
    if not base:
        return None
    query = urlencode({CODE_PARAM: identity.workshop_code, TOKEN_PARAM: identity.token})
    return f"{base}?{query}"


# --- Buttons that survive a server restart ------------------------------------------------------
#
# Actions run in button callbacks, before the page is drawn, so the page shows their effect at
# once. A server restarted under an open page has not registered those callbacks yet: the first
# tap would do nothing. `tap_button` then runs the action itself and draws the page again.
# A callback leaves a mark under its button's name; the button, drawn later in the same run,
# takes it back: no mark means no callback ran, whether the run is the whole page or a fragment.
# (A tap inside a fragment that reaches a restarted server before the page has been drawn again
# there — the browser redraws it as soon as it reconnects — is dropped by Streamlit, which does
# not know that fragment yet: nothing happens and nothing is shown as saved; tapping again works.)


_callback = threading.local()


def _run_callback(mark: str, action: Callable[..., None], *args: object) -> None:
    st.session_state.setdefault(_CALLBACK_MARKS, set()).add(mark)
    _callback.running = True
    try:
        action(*args)
    finally:
        _callback.running = False


def tap_button(label: str, action: Callable[..., None], *args: object, form: bool = False, **options) -> None:
    """A button (or a form's submit button) that runs `action(*args)` once per tap."""
    make = st.form_submit_button if form else st.button
    mark = str(options.get("key") or label)
    tapped = make(label, on_click=_run_callback, args=(mark, action, *args), **options)
    if not tapped or options.get("disabled"):
        return  # a disabled button can only be « tapped » by a forged message: nothing happens
    marks = st.session_state.get(_CALLBACK_MARKS, set())
    if mark in marks:
        marks.discard(mark)
        return
    action(*args)
    st.rerun()


# --- Fragments: a tap redraws its part of the page, not the whole page ----------------------------
#
# Each SWOT quadrant and each vote card is an `st.fragment`: a tap inside it re-runs only that
# fragment (a few elements instead of the page). One tap, one run: a callback that returns
# normally lets Streamlit redraw the fragment the tap came from, in the run that ran the
# callback. The dots left, at the top of the vote, are drawn in the same run: every card writes
# them into a placeholder outside itself (`st.empty`, see pages/participer.py `vote_card`), which
# Streamlit 1.67 allows once the card has written there in a full run. Only when another fragment
# still shows a message, a correction form or a confirmation (`mark_transient`) must it be drawn
# again too: the callback then asks for both by key (`st.rerun([...])`), which costs Streamlit a
# second run. A message for the top of the page (the phase has changed) needs the whole page:
# the fragment asks for it (`follow_the_page`).


def fragment_run() -> bool:
    """True while this run re-runs only fragments (a tap inside one, in a browser)."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def start_page_run() -> None:
    """At the top of the page (a run of the whole page): no fragment shows a message yet."""
    st.session_state.pop(_TRANSIENT, None)


def mark_transient(fragment_key: str) -> None:
    """The fragment being drawn shows something that the next tap elsewhere must remove."""
    st.session_state.setdefault(_TRANSIENT, set()).add(fragment_key)


def redraw_after_tap(own: str, *others: str) -> None:
    """From the callback of a tap in the fragment `own` (`st.fragment(key=…)`): redraw it, the
    fragments `others`, and those marked transient, nothing else. When only `own` needs it, the
    callback returns and Streamlit redraws `own` in this very run; otherwise one keyed rerun
    redraws them all. In a run of the whole page (a first draw, a restarted server, AppTest) it
    does nothing: the whole page is drawn anyway."""
    if not (getattr(_callback, "running", False) and fragment_run()):
        return
    transient = st.session_state.pop(_TRANSIENT, set())
    wanted = dict.fromkeys([*others, *sorted(transient)])
    wanted.pop(own, None)
    if wanted:
        st.rerun([own, *wanted])


def follow_the_page() -> None:
    """At the top of a fragment: draw the whole page if a message waits at its top."""
    if fragment_run() and "top" in st.session_state.get(actions.MESSAGES, {}):
        st.rerun()


def clear_field_later(widget_key: str) -> None:
    """Empty a text field the next time it is drawn (it may already be drawn in this run)."""
    st.session_state.setdefault(_PENDING_CLEAR, set()).add(widget_key)


def apply_pending_clear(widget_key: str) -> None:
    """Call right before drawing the field."""
    pending = st.session_state.get(_PENDING_CLEAR, set())
    if widget_key in pending:
        pending.discard(widget_key)
        st.session_state[widget_key] = ""


# --- Messages ----------------------------------------------------------------------------------


def flash(slot: str, kind: Kind, message: str) -> None:
    """A message shown once, where `slot` is rendered (after the callback's rerun): the one
    message store of `ui/actions.py`."""
    actions.say(slot, kind, message)


def show_flash(slot: str, fragment_key: str | None = None) -> None:
    """The message waiting for `slot`, if any (inside the fragment `fragment_key`, if given)."""
    message = actions.pending(slot)
    if message is not None:
        kind, text = message
        getattr(st, kind)(plain(text))
        if fragment_key:
            mark_transient(fragment_key)


def keep_unsaved(where: str, text: str) -> None:
    """A text the phase change kept from being saved: shown until the partner dismisses it."""
    if text.strip():
        st.session_state.setdefault(_UNSAVED, {})[where] = text


def unsaved_texts() -> dict[str, str]:
    return st.session_state.get(_UNSAVED, {})


def dismiss_unsaved(where: str) -> None:
    st.session_state.get(_UNSAVED, {}).pop(where, None)


# --- Rendering participant text ----------------------------------------------------------------
#
# Participant text goes into `st.text` (no Markdown, no HTML). Where it must sit inside Markdown
# (an alert, a heading), `ui.safe.plain()` escapes it: punctuation escaped, and no web or e-mail
# address can be recognised, even by the browser's renderer.


# A card shows at most about eight lines on a 360 px phone (~38 characters a line); a longer
# text folds, the rest behind « Lire la suite ».
CARD_LINES = 8
PHONE_LINE_CHARS = 38


def phone_lines(text: str) -> int:
    """How many lines `text` takes on a phone, roughly (its line breaks, its long lines)."""
    return sum(max(1, math.ceil(len(line) / PHONE_LINE_CHARS)) for line in text.split("\n"))


def folded(text: str) -> tuple[str, str]:
    """(what a card shows, what « Lire la suite » adds): the whole text and "" when it fits in
    `CARD_LINES` lines; else its first lines, cut at a word with « … », and the rest."""
    if phone_lines(text) <= CARD_LINES:
        return text, ""
    shown: list[str] = []
    budget = CARD_LINES - 1  # the last line holds « … »
    for line in text.split("\n"):
        need = max(1, math.ceil(len(line) / PHONE_LINE_CHARS))
        if need > budget:
            room = budget * PHONE_LINE_CHARS
            if room > 0:
                cut = line[:room].rsplit(" ", 1)[0] if " " in line[:room] else line[:room]
                shown.append(cut)
            break
        shown.append(line)
        budget -= need
    start = "\n".join(shown).rstrip()
    return f"{start} …", text[len(start) :].lstrip()


def item_text(text: str, organisation: str | None = None) -> None:
    """A partner's item as plain text, with its organisation when shown; a long text folds
    after about eight lines, the rest behind « Lire la suite » (a card never gets taller)."""
    start, rest = folded(text)
    st.text(start, width="stretch")
    if rest:
        with st.expander("Lire la suite"):
            st.text(f"… {rest}", width="stretch")
    if organisation:
        st.text(f"— {organisation}", width="stretch")


def one_line(text: str) -> str:
    """An item's text on one logical line, its line breaks shown as « / »: in a list, a line
    of an item cannot pass for another item (« Idée\\n• Fermer le centre — CAF du Nord »)."""
    return " / ".join(line.strip() for line in text.split("\n") if line.strip())


def bullet_list(texts: Iterable[str]) -> None:
    """Several partners' texts, one bullet each, as plain text; an item's own line breaks never
    start a new line there (see `one_line`)."""
    lines = [f"• {one_line(text)}" for text in texts]
    if lines:
        st.text("\n".join(lines), width="stretch")


def member_list(members: Iterable[str]) -> None:
    texts = list(members)
    if texts:
        st.markdown("Regroupe aussi :")
        bullet_list(texts)
