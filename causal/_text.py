"""Make user-supplied text harmless where it is shown: terminals and Markdown.

Study titles, labels, node and column names come from files a user may not have written.
Shown raw they could move the cursor, recolour or clear a terminal (escape sequences), reorder
what is displayed (bidirectional overrides), or carry HTML into a Markdown report. HTML
output is escaped by its template engine (autoescape); these two helpers cover the rest.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and the Unicode bidirectional
# embedding/override/isolate characters ("Trojan source").
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# "<" that could open an HTML tag, comment or processing instruction in Markdown.
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


def terminal_safe(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``), never executed."""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                       else f"\\u{ord(m.group()):04x}", text)


def markdown_safe(text: str) -> str:
    """``text`` with raw HTML neutralised for Markdown renderers: a ``<`` that could open a
    tag becomes ``&lt;`` (shown as ``<`` by every renderer, never parsed as a tag); ``p < .05``
    is left as it is. Control characters are escaped as in :func:`terminal_safe`."""
    return _TAG_START.sub("&lt;", terminal_safe(text))
