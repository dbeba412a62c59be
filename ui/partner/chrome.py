"""The partner's page style and its small browser scripts: touch targets, the dots left kept in
sight, the organisations the browser suggests, the scroll back to the vote's views."""

from __future__ import annotations

import itertools
import json

import streamlit as st

from ui.fixed_html import fixed_html

COUNTER_KEY = "participer_counter"
VIEWS_KEY = "participer_views"

# The page's own part of the screen, not Streamlit's header or menu. Not a container of ours around
# the page: the vote's fragment snapshots every container it is drawn in, at every full run.
_PAGE = '[data-testid="stMain"]'
_PAGE_CSS = f"""
<style>
/* Touch targets of at least 48 px (RGAA 13.x / WCAG 2.5.5) on the partner's page. */
{_PAGE} button {{ min-height: 48px; }}
{_PAGE} textarea, {_PAGE} input {{ font-size: 1rem; }}
/* One heading level per part of the page (h1 workshop, h2 quadrant), sized for a phone. */
{_PAGE} h1 {{ font-size: 1.75rem; }}
{_PAGE} h2 {{ font-size: 1.4rem; }}
/* Long words and links typed by partners wrap instead of widening the page. */
{_PAGE} [data-testid="stMarkdownContainer"] {{ overflow-wrap: anywhere; }}
/* The dots left stay in sight, under Streamlit's header, while the partner scrolls through the
   cards: the sticky box is the wrapper Streamlit puts around the keyed container (a sticky box
   moves only within its parent, and the container's own parent is just as tall as it is). */
{_PAGE} [data-testid="stLayoutWrapper"]:has(> .st-key-{COUNTER_KEY}) {{
  position: sticky; top: 3.75rem; z-index: 10;
}}
.st-key-{COUNTER_KEY} {{ background: #FFFFFF; padding-bottom: 0.25rem; }}
/* Brought into view under the header and the dots left when the partner changes page or view. */
.st-key-{VIEWS_KEY} {{ scroll-margin-top: 11rem; }}
</style>
"""


_PAGE_STYLE = fixed_html(_PAGE_CSS)


def page_style() -> None:
    st.html(_PAGE_STYLE)


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
