"""ui.safe.plain: a participant's text in a Markdown context renders as exactly its characters."""

import html
import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctg_workshop.text import normalize_text
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


# Any text a participant can send (the entry paths normalise it first), beyond the corpus above.
# Excluded: the two invisible characters plain() itself adds (a no-break space for leading
# spaces, the word joiner), which the reader cannot tell from what they stand for.
typed_text = st.text(
    st.characters(codec="utf-8", exclude_characters="\u00a0\u2060"), min_size=1, max_size=300
).map(normalize_text)


@settings(max_examples=300, deadline=None)
@given(typed_text)
def test_any_text_shows_exactly_its_characters(text):
    assert _unescape(plain(text)) == text


@settings(max_examples=300, deadline=None)
@given(typed_text)
def test_any_text_leaves_no_markup_trigger(text):
    residue = re.sub(r"&#\d+;", "", re.sub(r"\\.", "", plain(text)))
    assert not any(character in string.punctuation for character in residue)
