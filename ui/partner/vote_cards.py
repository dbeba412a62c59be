"""A topic's vote cards as ONE element: a Streamlit custom component (v2, inline script and
style, no build step) that draws every card from JSON data and sends back the tapped item and
action as a trigger (`{"item": 12, "action": "add"}`), in place of twenty fragments of widgets.
Under a quadrant's first cards, « Voir les 19 forces » sends the quadrant as a `view` trigger.
The data goes as JSON in bytes (`board_data`): Streamlit forwards bytes as they are, where it
would walk a dict looking for data frames, or test a string against every kind of table it
knows (~0.2 ms at every run of the page and every tap).

What the script may do with participant text: `textContent` only (never `innerHTML` or markup),
so a text such as « <b>x</b><script> » shows as typed. The cards are updated in place by item
id (a keyboard or screen-reader user stays on the button they pressed), one click listener is
installed once, and a button that cannot act is `aria-disabled` (not `disabled`: it would lose
the focus) with its reason in words under it. A polite live region says what the last tap did.
The buttons are named « Ajouter un point » (as before) and « Retirer un point » (« Retirer »
before: the name now says what it takes back), each described by the card's text
(`aria-describedby`), « Ajouter » also by its reason when it cannot act.

The script keeps a line break: Streamlit reads a one-line string holding « / » as a file path.
"""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from ctg_workshop.day.ballot import VoteChoice
from ui.partner.text import folded, one_line

TAP_EVENT = "tap"
VIEW_EVENT = "view"  # « Voir les … » under a quadrant's cards
ADD, REMOVE = "add", "remove"

_JS = """
const make = (tag, className) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
};

function button(id, action, label) {
  const node = make("button", action);
  node.type = "button";
  node.dataset.item = String(id);
  node.dataset.action = action;
  node.textContent = label;
  return node;
}

function newCard(id) {
  const parts = { node: make("article", "card") };
  parts.node.setAttribute("aria-labelledby", `t-${id}`);
  parts.text = make("p", "text");
  parts.text.id = `t-${id}`;
  parts.more = make("details", "more");
  const summary = make("summary");
  summary.textContent = "Lire la suite";
  parts.rest = make("p", "rest");
  parts.more.append(summary, parts.rest);
  parts.org = make("p", "org");
  parts.membersTitle = make("p", "members-title");
  parts.membersTitle.textContent = "Regroupe aussi :";
  parts.members = make("ul", "members");
  const points = make("p", "points");
  parts.count = make("strong");
  parts.max = document.createTextNode("");
  parts.dots = make("span", "dots");
  parts.dots.setAttribute("aria-hidden", "true");
  points.append("Vos points ici : ", parts.count, parts.max, parts.dots);
  const row = make("div", "row");
  parts.add = button(id, "add", "Ajouter un point");
  parts.remove = button(id, "remove", "Retirer un point");
  row.append(parts.add, parts.remove);
  parts.why = make("p", "why");
  parts.why.id = `w-${id}`;
  parts.node.append(parts.text, parts.more, parts.org, parts.membersTitle, parts.members, points, row, parts.why);
  return parts;
}

function fill(parts, card, max, root) {
  const signed = card.org ? `\\n\\u2014 ${card.org}` : "";
  parts.text.textContent = card.rest ? card.text : card.text + signed;
  parts.more.hidden = !card.rest;
  parts.rest.textContent = card.rest ? `\\u2026 ${card.rest}` : "";
  parts.org.hidden = !(card.rest && card.org);
  parts.org.textContent = card.org ? `\\u2014 ${card.org}` : "";
  const members = card.members.join("\\n");
  if (parts.membersKey !== members) {
    parts.membersKey = members;
    parts.members.replaceChildren(...card.members.map((text) => {
      const li = make("li");
      li.textContent = text;
      return li;
    }));
  }
  parts.membersTitle.hidden = parts.members.hidden = card.members.length === 0;
  parts.count.textContent = String(card.dots);
  parts.max.textContent = ` sur ${max} `;
  parts.dots.textContent = "\\u25cf".repeat(card.dots) + "\\u25cb".repeat(Math.max(0, max - card.dots));
  parts.add.setAttribute("aria-disabled", card.why ? "true" : "false");
  parts.add.setAttribute("aria-describedby", card.why ? `t-${card.id} w-${card.id}` : `t-${card.id}`);
  parts.remove.setAttribute("aria-describedby", `t-${card.id}`);
  if (card.dots === 0 && root.activeElement === parts.remove) parts.add.focus();
  parts.remove.hidden = card.dots === 0;
  parts.why.hidden = !card.why;
  parts.why.textContent = card.why || "";
}

export default function ({ data: raw, parentElement, setTriggerValue }) {
  const root = parentElement;
  const data = JSON.parse(new TextDecoder().decode(raw)); // bytes: see board_data
  let box = root.querySelector(".ctg-vote");
  if (!box) {
    box = make("div", "ctg-vote");
    box.ctgSections = new Map();
    box.ctgCards = new Map();
    box.ctgLive = make("p", "live");
    box.ctgLive.setAttribute("role", "status");
    box.ctgLive.setAttribute("aria-live", "polite");
    box.append(box.ctgLive);
    box.addEventListener("click", (event) => {
      const more = event.target.closest("button[data-view]");
      if (more) {
        box.ctgSend("view", more.dataset.view);
        return;
      }
      const target = event.target.closest("button[data-item]");
      if (!target || target.getAttribute("aria-disabled") === "true") return;
      box.ctgSend("tap", { item: Number(target.dataset.item), action: target.dataset.action });
    });
    root.append(box);
  }
  box.ctgSend = setTriggerValue;
  const sections = new Set();
  const cards = new Set();
  let before = box.ctgLive;
  for (const section of data.sections) {
    const key = `${section.level}:${section.key}`;
    let s = box.ctgSections.get(key);
    if (!s) {
      s = { node: make("section"), list: make("div", "cards") };
      if (section.level) {
        s.heading = make(`h${section.level}`);
        s.node.append(s.heading);
      }
      s.more = make("button", "see-all");
      s.more.type = "button";
      s.node.append(s.list, s.more);
      box.ctgSections.set(key, s);
    }
    if (s.heading) s.heading.textContent = section.title;
    s.more.hidden = !section.more;
    s.more.textContent = section.more ? section.more.label : "";
    if (section.more) s.more.dataset.view = section.more.view;
    else delete s.more.dataset.view;
    if (before.nextSibling !== s.node) before.after(s.node);
    before = s.node;
    sections.add(key);
    let previous = null;
    for (const card of section.cards) {
      let parts = box.ctgCards.get(card.id);
      if (!parts) {
        parts = newCard(card.id);
        box.ctgCards.set(card.id, parts);
      }
      fill(parts, card, data.max, root);
      const wanted = previous ? previous.nextSibling : s.list.firstChild;
      if (wanted !== parts.node) s.list.insertBefore(parts.node, wanted);
      previous = parts.node;
      cards.add(card.id);
    }
  }
  for (const [id, parts] of box.ctgCards) {
    if (!cards.has(id)) {
      parts.node.remove();
      box.ctgCards.delete(id);
    }
  }
  for (const [key, s] of box.ctgSections) {
    if (!sections.has(key)) {
      s.node.remove();
      box.ctgSections.delete(key);
    }
  }
  if (data.note && data.note.seq !== box.ctgSeq) {
    box.ctgSeq = data.note.seq;
    box.ctgLive.textContent = data.note.text;
  }
}
"""

_CSS = """
.ctg-vote { font-family: var(--st-font); font-size: var(--st-base-font-size, 1rem); color: var(--st-text-color); line-height: 1.5; }
.ctg-vote [hidden] { display: none !important; }
.ctg-vote .live { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.ctg-vote h2, .ctg-vote h3 { font-family: var(--st-heading-font, inherit); font-weight: 700; line-height: 1.2; }
.ctg-vote h2 { font-size: 1.4rem; margin: 1.5rem 0 0.75rem; }
.ctg-vote h3 { font-size: 1.1rem; margin: 1rem 0 0.5rem; }
.ctg-vote section:first-of-type h2, .ctg-vote section:first-of-type h3 { margin-top: 0.25rem; }
.ctg-vote .cards { display: flex; flex-direction: column; gap: 1rem; margin-bottom: 1rem; }
.ctg-vote .card { border: 1px solid var(--st-border-color, #D5DADB); border-radius: var(--st-base-radius, 0.5rem); padding: 1rem; min-width: 0; }
.ctg-vote p { margin: 0 0 0.5rem; }
.ctg-vote .text, .ctg-vote .rest, .ctg-vote .org, .ctg-vote li { white-space: pre-wrap; overflow-wrap: anywhere; }
.ctg-vote summary { cursor: pointer; padding: 0.6rem 0; min-height: 44px; box-sizing: border-box; }
.ctg-vote summary:focus-visible, .ctg-vote button:focus-visible { outline: 3px solid var(--st-primary-color); outline-offset: 2px; }
.ctg-vote .members { margin: 0 0 0.5rem; padding-left: 1.25rem; }
.ctg-vote .dots { letter-spacing: 0.1em; }
.ctg-vote .row { display: flex; flex-wrap: wrap; gap: 0.5rem; }
.ctg-vote button { min-height: 48px; min-width: 44px; padding: 0.5rem 1rem; font: inherit; cursor: pointer; border-radius: var(--st-button-radius, 0.5rem); border: 1px solid var(--st-primary-color); }
.ctg-vote button.add { background: var(--st-primary-color); color: #FFFFFF; }
.ctg-vote button.see-all { display: block; margin: -0.25rem 0 1rem; background: var(--st-background-color, #FFFFFF); color: var(--st-text-color); border-color: var(--st-border-color, #B0B7B8); }
.ctg-vote button.remove { background: var(--st-background-color, #FFFFFF); color: var(--st-text-color); border-color: var(--st-border-color, #B0B7B8); }
.ctg-vote button[aria-disabled="true"] { background: #E6E6E6; color: #4D4D4D; border-color: #BDBDBD; cursor: not-allowed; }
.ctg-vote .why { font-size: 0.875rem; color: #4D4D4D; margin: 0.5rem 0 0; }
"""

vote_cards = st.components.v2.component("ctg_atelier.vote_cards", js=_JS, css=_CSS)


def component_key(topic_key: str) -> str:
    """The component's key for a topic (stable: the cards stay in place between runs)."""
    return "participer_cards_" + topic_key.replace("__", "_-")  # Streamlit refuses « __ » in it


def card_data(choice: VoteChoice, my_dots: int, why: str | None) -> dict[str, Any]:
    """One card as the script draws it: its text folded as on a phone, plain strings only."""
    start, rest = folded(choice.text)
    return {
        "id": choice.item_id,
        "text": start,
        "rest": rest,
        "org": choice.organisation or "",
        "members": [one_line(text) for text in choice.members],
        "dots": my_dots,
        "why": why or "",
    }


def parse_tap(value: object) -> tuple[int, bool] | None:
    """(item id, True for « Ajouter ») from what the browser sent, or None if it is not a tap
    the script could send (anything may arrive: the message can be forged)."""
    if not isinstance(value, dict):
        return None
    item, action = value.get("item"), value.get("action")
    if type(item) is not int or action not in (ADD, REMOVE):
        return None
    return item, action == ADD


def board_data(data: dict[str, Any]) -> bytes:
    """The component's data as the script reads it (JSON in bytes: see the module's docstring)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def parse_view(value: object, offered: set[str]) -> str | None:
    """The quadrant a « Voir les … » asked for, if the cards offered it (None otherwise)."""
    return value if isinstance(value, str) and value in offered else None
