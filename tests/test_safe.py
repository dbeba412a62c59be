"""ui.safe.plain: a participant's text in a Markdown context renders as exactly its characters."""

import html
import re
import string

import pytest

from ui.safe import WORD_JOINER, plain

CORPUS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "**gras** _italique_ ~~barré~~",
    "[lien](https://exemple.fr)",
    "![image](https://x/y.png)",
    "# Titre\n## Sous-titre",
    ":red[rouge] :material/home: :smile:",
    "$x^2$ et $$y$$",
    "javascript:alert(1)",
    "voir https://exemple.fr, www.exemple.fr ou contact@exemple.fr",
    "1. liste\n- puce\n> citation",
    "    bloc de code ?",
    "`code` et ```bloc```",
    "a\\*b",
]


def _unescape(markdown: str) -> str:
    """What a CommonMark reader shows for the escaped text (backslash escapes, references; the
    word joiners that keep addresses from becoming links are invisible)."""
    shown = re.sub(r"\\(.)", r"\1", markdown.replace("  \n", "\n"))
    return html.unescape(shown).replace("\u00a0", " ").replace(WORD_JOINER, "")


@pytest.mark.parametrize("text", CORPUS)
def test_shows_exactly_the_typed_characters(text):
    assert _unescape(plain(text)) == text


@pytest.mark.parametrize("text", CORPUS)
def test_leaves_no_markup_trigger(text):
    """Every punctuation character is either backslash-escaped or a numeric reference."""
    residue = re.sub(r"&#\d+;", "", re.sub(r"\\.", "", plain(text)))
    assert not any(character in string.punctuation for character in residue)
