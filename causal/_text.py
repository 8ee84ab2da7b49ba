"""Make user-supplied text harmless where it is shown: terminals and Markdown.

Study titles, labels, node and column names come from files a user may not have written.
Shown raw they could move the cursor, recolour or clear a terminal (escape sequences), reorder
what is displayed (bidirectional overrides), or carry HTML into a Markdown report. HTML
output is escaped by its template engine (autoescape); these two helpers cover the rest.
"""

from __future__ import annotations

import re

#: Every format character (Unicode category Cf: bidirectional marks, embeddings, overrides and
#: isolates, zero-width spaces and joiners, the Arabic letter mark, the byte-order mark, tag
#: characters...) and the line and paragraph separators (Zl, Zp), as of Unicode 15. They are
#: invisible, or move what is displayed ("Trojan source"), so they are shown as escapes.
#: tests/test_hostile_markdown.py checks this list against :mod:`unicodedata`.
INVISIBLE = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
             "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
             "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
             "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
# C0 controls except tab and newline, DEL, C1 controls, and the invisible characters above.
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{INVISIBLE}]")
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
# Line breaks inside one piece of text: a user's string must not start a new Markdown block.
# (CommonMark ends lines only at LF, CR and CRLF; U+2028 and the like are escaped as invisible.)
_BREAKS = re.compile("\r\n|[\n\r]")
# Links this tool writes: to an anchor of the same report, or an image of its own figures.
_OWN_LINK = re.compile(r"\[[^\[\]]*\]\(#[A-Za-z0-9_-]+\)|!\[[^\[\]]*\]\([A-Za-z0-9_-]+\.png\)")
# A "[" that could open a link, an image or a reference definition: one followed, anywhere
# later on the line, by "](", "][" or "]:".
_OPENING = re.compile(r"\[(?=.*\][(\[:])")
# "<" that could open an HTML tag, comment or processing instruction in Markdown.
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


def terminal_safe(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``), never executed."""
    return _UNSAFE.sub(lambda m: _escape(m.group()), text)


def _escape(char: str) -> str:
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else \
        f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}"


def invisible_shown(text: str) -> str:
    """``text`` with each invisible format character or line separator shown as an escape
    (``\\u200f``), e.g. for HTML, where the template engine escapes markup but not these."""
    return _INVISIBLE.sub(lambda m: _escape(m.group()), text)


def one_line(text: str) -> str:
    """``text`` with its line breaks (LF, CR, CRLF) as spaces, so that
    a user's string cannot open a new Markdown block (a heading, a list, a fake verdict)."""
    return _BREAKS.sub(" ", text)


def markdown_links_safe(line: str) -> str:
    """A Markdown line in which only this tool's own links survive: ``[text](#anchor)`` and
    ``![alt](figure.png)``. Any other ``[`` that could open a link, an image (a
    ``javascript:`` target, a remote image) or a reference definition is escaped (``\\[``),
    so it shows as the text it is."""
    parts = _OWN_LINK.split(line)
    own = _OWN_LINK.findall(line)
    out = [_OPENING.sub(r"\\[", parts[0])]
    for link, rest in zip(own, parts[1:], strict=False):
        out += [link, _OPENING.sub(r"\\[", rest)]
    return "".join(out)


def markdown_safe(text: str) -> str:
    """``text`` with raw HTML neutralised for Markdown renderers: a ``<`` that could open a
    tag becomes ``&lt;`` (shown as ``<`` by every renderer, never parsed as a tag); ``p < .05``
    is left as it is. Control characters are escaped as in :func:`terminal_safe`."""
    return _TAG_START.sub("&lt;", terminal_safe(text))
