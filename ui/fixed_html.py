"""Our own fixed HTML for `st.html`: a style sheet or a script written here, never a
participant's text (that is data: `ui/safe.py`).

Handed over as an object, it is taken as it is (`_repr_html_`, Streamlit's documented way for
objects): a string would be re-indented (`textwrap.dedent`) at every run of every page, ~45 µs
for the partner page's style sheet and ~115 µs for the French chrome's script.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FixedHtml:
    body: str

    def _repr_html_(self) -> str:
        return self.body


def fixed_html(body: str) -> FixedHtml:
    """`body` as Streamlit would have cleaned a string (without the re-indenting: ours has none)."""
    return FixedHtml(body.strip())
