"""Participant text is data, never markup.

Streamlit renders Markdown (and a few directives of its own: `:red[…]`, `:material/…:`,
`$…$`) in `st.markdown`, `st.write`, captions, and in the labels of buttons, radios,
expanders and tabs. Wherever a participant's text goes into one of those, it goes through
`plain()`: every ASCII punctuation character is backslash-escaped (CommonMark allows it for
all of them), so no tag, link, emphasis, heading, list, LaTeX or directive can form, and the
reader sees exactly the characters that were typed. Line breaks stay line breaks.

Escaping is not enough for web and e-mail addresses: GitHub-flavoured Markdown turns
`https://…`, `www.…` and `a@b.fr` into links even with escaped punctuation. So `.`, `:`,
`@` and `/` become numeric character references (`&#46;`…): the reader sees the same
characters, and no address can be recognised.
"""

from __future__ import annotations

import re
import string

_LEADING_SPACES = re.compile(r"^ +")
_AUTOLINK_TRIGGERS = re.compile(r"\\([.:@/])")
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")


def plain(text: str) -> str:
    """`text` escaped for a Markdown context: it renders as exactly these characters."""
    escaped = _PUNCTUATION.sub(r"\\\1", text)
    escaped = _AUTOLINK_TRIGGERS.sub(lambda match: f"&#{ord(match.group(1))};", escaped)
    # Leading spaces would make an indented code block: no-break spaces are not indentation.
    lines = [_LEADING_SPACES.sub(lambda m: "\u00a0" * len(m.group()), line) for line in escaped.split("\n")]
    # A Markdown line break needs two trailing spaces; a blank line stays a paragraph break.
    return "  \n".join(lines)
