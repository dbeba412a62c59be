"""Participant text is data, never markup.

Streamlit renders Markdown (and a few directives of its own: `:red[…]`, `:material/…:`,
`$…$`) in `st.markdown`, `st.write`, captions, and in the labels of buttons, radios,
expanders and tabs. Wherever a participant's text goes into one of those, it goes through
`plain()`: every ASCII punctuation character is backslash-escaped (CommonMark allows it for
all of them), so no tag, link, emphasis, heading, list, LaTeX or directive can form, and the
reader sees exactly the characters that were typed. Line breaks stay line breaks.

Escaping is not enough for web and e-mail addresses: GitHub-flavoured Markdown turns
`https://…`, `www.…` and `a@b.fr` into links even with escaped punctuation. So `.`, `:`,
`@` and `/` become numeric character references (`&#46;`…). That is still not enough in the
browser: Streamlit's renderer finds addresses in the text *after* decoding escapes and
references (checked in Chromium, tests/test_security.py). So a WORD JOINER (U+2060, invisible,
no width, no line break) is put where an address would start — after `www`, after the `:` of
`http://`, after `@` — and no address can be recognised in what is decoded either. The reader
sees the typed characters.
"""

from __future__ import annotations

import re
import string

_LEADING_SPACES = re.compile(r"^ +")
_AUTOLINK_TRIGGERS = re.compile(r"\\([.:@/])")
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")


# An alert (`st.info`, `st.error`…) takes a leading emoji or `:material/…:` of its text as its
# icon; `icon=NO_ICON` says it has none, and spares that search (~70 µs for a French text:
# Streamlit's emoji pattern is hashed again at every call).
NO_ICON = ""

WORD_JOINER = "\u2060"
# Where GitHub's autolinks start: `www.`, `http://` / `https://`, `name@domain`.
_ADDRESS_STARTS = re.compile(r"(?i)(?<=www)(?=\.)|(?<=https:)(?=//)|(?<=http:)(?=//)|(?<=@)")


def break_addresses(text: str) -> str:
    """`text` with an invisible WORD JOINER where a web or e-mail address would be recognised."""
    return _ADDRESS_STARTS.sub(WORD_JOINER, text)


def plain(text: str) -> str:
    """`text` escaped for a Markdown context: it renders as exactly these characters."""
    escaped = _PUNCTUATION.sub(r"\\\1", break_addresses(text))
    escaped = _AUTOLINK_TRIGGERS.sub(lambda match: f"&#{ord(match.group(1))};", escaped)
    # Leading spaces would make an indented code block: no-break spaces are not indentation.
    lines = [_LEADING_SPACES.sub(lambda m: "\u00a0" * len(m.group()), line) for line in escaped.split("\n")]
    # A Markdown line break needs two trailing spaces; a blank line stays a paragraph break.
    return "  \n".join(lines)
