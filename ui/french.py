"""French for the words Streamlit writes itself on our pages (RGAA 3.1 / 8.7: no English left
unannounced in a French page).

Streamlit 1.67 has no setting for the language of its own interface: the file uploader's
« Drag and drop file here » and « Browse files », the skip link, the labels of its icon buttons
(« Show password », « Increment »…), the data editor's menus. `french_chrome()` adds one small
script (once per page, in the sidebar) that sets `<html lang="fr">` and rewrites those strings —
text nodes and the `aria-label`, `title` and `placeholder` attributes — from the fixed table
`TRANSLATIONS`, as Streamlit draws them (a MutationObserver). It never touches what people typed:
texts inside our text and Markdown elements, code blocks and form fields are skipped. What it
cannot reach (texts drawn inside a canvas, such as the data editor's grid, or the browser's own
dialogs) is listed in docs/accessibilite.md.
"""

from __future__ import annotations

import functools
import json
import re

import streamlit as st

from ui.fixed_html import FixedHtml, fixed_html

# Streamlit's English → French, exactly as Streamlit 1.67 writes them.
TRANSLATIONS: dict[str, str] = {
    "Skip to main content": "Aller au contenu principal",
    "Drag and drop file here": "Glissez-déposez le fichier ici",
    "Drag and drop files here": "Glissez-déposez les fichiers ici",
    "Browse files": "Parcourir les fichiers",
    "Upload": "Téléverser",
    "file upload": "Téléverser un fichier",
    "Press Enter to submit form": "Appuyez sur Entrée pour envoyer le formulaire",
    "Press Enter to apply": "Appuyez sur Entrée pour valider",
    "Press ⌘+Enter to submit form": "Appuyez sur ⌘+Entrée pour envoyer le formulaire",
    "Press Ctrl+Enter to submit form": "Appuyez sur Ctrl+Entrée pour envoyer le formulaire",
    "Press Ctrl+Enter to apply": "Appuyez sur Ctrl+Entrée pour valider",
    "Press ⌘+Enter to apply": "Appuyez sur ⌘+Entrée pour valider",
    "Choose an option": "Choisissez une option",
    "No results": "Aucun résultat",
    "Show password": "Afficher le mot de passe",
    "Hide password": "Masquer le mot de passe",
    "Expand sidebar": "Ouvrir le menu latéral",
    "Collapse sidebar": "Fermer le menu latéral",
    "Increment": "Augmenter",
    "Decrement": "Diminuer",
    "Choose date": "Choisir une date",
    "Copy to clipboard": "Copier dans le presse-papiers",
    "Copy": "Copier",
    "Copied": "Copié",
    "Link to heading": "Lien vers ce titre",
    "App pages": "Pages de l'application",
    "Sidebar": "Menu latéral",
    "Clear all": "Tout effacer",
    "Clear value": "Effacer",
    "Running...": "Calcul en cours…",
    "Connecting": "Connexion",
    "Download as CSV": "Télécharger en CSV",
    "Search": "Rechercher",
    "Fullscreen": "Plein écran",
    "Close fullscreen": "Quitter le plein écran",
    "Add row": "Ajouter une ligne",
    "Delete row": "Supprimer la ligne",
    "Delete rows": "Supprimer les lignes",
    "Sort ascending": "Trier par ordre croissant",
    "Sort descending": "Trier par ordre décroissant",
    "Autosize": "Ajuster la largeur",
    "Pin column": "Épingler la colonne",
    "Unpin column": "Détacher la colonne",
    "Hide column": "Masquer la colonne",
    "Format": "Format",
    "Show/hide columns": "Afficher ou masquer des colonnes",
    "Deselect all": "Tout désélectionner",
    "Select all": "Tout sélectionner",
}
# « Limit 10MB per file • JSON », « 10MB per file » (the size and the types are Streamlit's).
PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^Limit (\d+)\s?MB per file(.*)$", "$1 Mo maximum par fichier$2"),
    (r"^(\d+)\s?MB per file(.*)$", "$1 Mo par fichier$2"),
    (r"^Remove (.+)$", "Retirer $1"),
    (r"^Help for (.+)$", "Aide : $1"),
)
# What people typed or what our pages wrote: never rewritten…
SKIP = (
    "[data-testid='stText'], [data-testid='stMarkdownContainer'], [data-testid='stCode'], "
    "textarea, input, [contenteditable]"
)
# …except the words Streamlit itself writes in Markdown inside its own widgets (« Upload »).
STREAMLIT_OWN = (
    "[data-testid='stFileUploader'] button, [data-testid='stFileUploaderDropzone'], "
    "[data-testid='stHeaderActionElements']"
)


@functools.cache  # the same text for every run of every page: built once
def _script() -> str:
    table = json.dumps(TRANSLATIONS, ensure_ascii=False)
    patterns = json.dumps([[re.sub(r"\\", r"\\", pattern), french] for pattern, french in PATTERNS])
    return f"""<script>(() => {{
document.documentElement.lang = "fr";
if (window.__ctgFrench) return; window.__ctgFrench = true;
const table = {table};
const patterns = {patterns}.map(([source, french]) => [new RegExp(source), french]);
const skip = {json.dumps(SKIP)};
const own = {json.dumps(STREAMLIT_OWN)};
const ours = (element) => element.closest(skip) && !element.closest(own);
const french = (text) => {{
  const trimmed = text.trim();
  if (Object.hasOwn(table, trimmed)) return text.replace(trimmed, table[trimmed]);
  for (const [pattern, replacement] of patterns) {{
    if (pattern.test(trimmed)) return text.replace(trimmed, trimmed.replace(pattern, replacement));
  }}
  return null;
}};
const translateNode = (node) => {{
  if (node.nodeType === Node.TEXT_NODE) {{
    const parent = node.parentElement;
    if (!parent || ours(parent)) return;
    const done = french(node.nodeValue);
    if (done !== null && done !== node.nodeValue) node.nodeValue = done;
    return;
  }}
  if (node.nodeType !== Node.ELEMENT_NODE || node.closest("script, style")) return;
  if (ours(node)) {{
    for (const inner of node.querySelectorAll(own)) translateNode(inner);
    return;
  }}
  for (const name of ["aria-label", "title", "placeholder"]) {{
    const value = node.getAttribute(name);
    const done = value && french(value);
    if (done && done !== value) node.setAttribute(name, done);
  }}
  for (const child of node.childNodes) translateNode(child);
}};
translateNode(document.body);
new MutationObserver((changes) => {{
  for (const change of changes) {{
    if (change.type === "childList") change.addedNodes.forEach(translateNode);
    else translateNode(change.target);
  }}
}}).observe(document.body, {{childList: true, subtree: true, characterData: true,
  attributes: true, attributeFilter: ["aria-label", "title", "placeholder"]}});
}})();</script>"""


@functools.cache
def _chrome() -> FixedHtml:
    return fixed_html(_script())


def french_chrome() -> None:
    """Set the page's language to French and translate Streamlit's own words (see module)."""
    st.sidebar.html(_chrome(), unsafe_allow_javascript=True)
