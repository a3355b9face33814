"""Delivered text made inert before it reaches a renderer that reads markup.

Plotly draws a subset of HTML in every label, legend and hover text (``<a href>`` becomes a live
link, ``<b style>`` can cover the chart), and Streamlit's markdown turns ``![x](url)`` into an
image the browser fetches. Names of places, plans, stations and indicators come from the files
people deliver, so each one passes through here first. No Streamlit or Plotly imports.
"""

from __future__ import annotations

import html
import re

# What makes Markdown out of plain characters anywhere in a line (links, images, emphasis, code,
# HTML, Streamlit's :colour[...] and :material/...: directives, $math$, ~strike~, tables);
# a backslash before ASCII punctuation makes it literal.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>!$~|:&])")
# ... and what does so only at the start of a line (headings, lists, quotes).
_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+(?=[.)]))")


def plotly_text(value: object) -> str:
    """``value`` as text Plotly shows literally: ``<`` ``>`` ``&`` as entities."""
    return "" if value is None else html.escape(str(value), quote=False)


def plotly_texts(values) -> list[str]:
    """Every value of a list or series through :func:`plotly_text`."""
    return [plotly_text(v) for v in values]


def markdown_text(value: object) -> str:
    """``value`` as Markdown that renders as the same characters and nothing more."""
    if value is None:
        return ""
    text = _MARKDOWN.sub(r"\\\1", " ".join(str(value).splitlines()))
    return _LINE_START.sub(lambda m: m[1] + "\\" + m[2] if not m[2][0].isdigit()
                           else m[1] + m[2] + "\\", text)
