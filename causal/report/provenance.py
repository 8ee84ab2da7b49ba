"""Where every number in a report comes from.

A report's reader must be able to tell, for each number, whether the paper *reported* it (with
its source tag), it was *computed* from reported numbers, the study file *assumed* it (a
hypothesis, with the file's stated justification), it was *simulated* (one draw, or the mean of
R draws), or it was *measured* on real data. Sections write their verdict lines and key
sentences as :class:`Text`: a sequence of plain strings and :class:`Number` values. The
renderers show the provenance visibly: the Markdown in words after the number, the HTML as a
styled tag, the JSON as one record per number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Provenance = Literal["reported", "computed", "assumed", "simulated", "measured"]
PROVENANCES: tuple[str, ...] = ("reported", "computed", "assumed", "simulated", "measured")

#: how each provenance reads in words (Markdown) and in the HTML legend
PROVENANCE_WORDS = {
    "reported": "reported by the paper",
    "computed": "computed from reported numbers",
    "assumed": "assumed by the study file (a hypothesis)",
    "simulated": "simulated",
    "measured": "measured on real data",
}


@dataclass(frozen=True)
class Number:
    """A number with its provenance.

    Parameters
    ----------
    value : float
        The number itself (for JSON and tests).
    provenance : {"reported", "computed", "assumed", "simulated", "measured"}
    source : str
        What backs it: the source tag (``"[A]"``), the study file's justification, "one draw"
        or "mean of 200 draws", the data set's name, or what it was computed from.
    text : str
        How it is printed (default: ``value`` with 3 significant digits).
    """

    value: float
    provenance: Provenance
    source: str = ""
    text: str = ""
    #: the interval printed with the value, if ``text`` shows one (e.g. a 95% CI)
    ci: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if self.provenance not in PROVENANCES:
            raise ValueError(f"`provenance` must be one of {', '.join(PROVENANCES)}; got "
                             f"{self.provenance!r}.")
        if not self.text:
            object.__setattr__(self, "text", f"{self.value:.3g}")

    @property
    def tag(self) -> str:
        """The provenance in a few words, e.g. ``reported [A]`` or ``simulated, one draw``."""
        if not self.source:
            return self.provenance
        joiner = " " if self.source.startswith("[") else ", "
        return f"{self.provenance}{joiner}{self.source}"

    @property
    def marker(self) -> str:
        """The compact marker: the provenance, with a short source tag (``reported B``)."""
        import re

        tags = re.findall(r"\[(\w{1,3})\]", self.source) if self.source.startswith("[") else []
        return self.provenance + (f" {'/'.join(dict.fromkeys(tags))}" if tags else "")

    def to_dict(self) -> dict[str, Any]:
        record = {"value": float(self.value), "text": self.text,
                  "provenance": self.provenance, "source": self.source}
        if self.ci is not None:
            record["ci"] = [float(self.ci[0]), float(self.ci[1])]
        return record


Part = str | Number


@dataclass(frozen=True)
class Text:
    """Prose with tagged numbers: plain strings and :class:`Number` values in reading order."""

    parts: tuple[Part, ...]

    @classmethod
    def of(cls, *parts: Part | Text) -> Text:
        """Join strings, numbers and other texts into one text."""
        flat: list[Part] = []
        for part in parts:
            if isinstance(part, Text):
                flat.extend(part.parts)
            elif part != "":
                flat.append(part)
        return cls(tuple(flat))

    def __add__(self, other: Part | Text) -> Text:
        return Text.of(self, other)

    def __radd__(self, other: Part) -> Text:
        return Text.of(other, self)

    def __bool__(self) -> bool:
        return bool(self.parts)

    def __contains__(self, item: str) -> bool:
        """Substring test on the plain text (tags excluded)."""
        return item in self.plain

    @property
    def numbers(self) -> tuple[Number, ...]:
        return tuple(p for p in self.parts if isinstance(p, Number))

    @property
    def plain(self) -> str:
        """The text without provenance tags."""
        return "".join(p.text if isinstance(p, Number) else p for p in self.parts)

    def markdown(self, short: bool = False) -> str:
        """The text with each number's provenance in words after it: ``2.54 _(reported
        [A])_``; ``short=True`` gives the compact marker ``2.54 [reported A]`` (the verdict,
        with a legend), which pastes as plain text."""
        if short:
            return "".join(f"{p.text} [{p.marker}]" if isinstance(p, Number) else p
                           for p in self.parts)
        return "".join(f"{p.text} _({p.tag})_" if isinstance(p, Number) else p
                       for p in self.parts)

    def __str__(self) -> str:
        return self.plain


def plain(value: str | Text) -> str:
    return value.plain if isinstance(value, Text) else value


def words(value: str | Text) -> int:
    """Word count of the prose (provenance tags excluded)."""
    return len(plain(value).split())


# ---- constructors used by the sections ---------------------------------------------------
def reported(value: float, source: str, text: str = "",
             ci: tuple[float, float] | None = None) -> Number:
    return Number(value, "reported", source, text, ci)


def computed(value: float, source: str = "", text: str = "",
             ci: tuple[float, float] | None = None) -> Number:
    return Number(value, "computed", source, text, ci)


def assumed(value: float, source: str = "", text: str = "",
            ci: tuple[float, float] | None = None) -> Number:
    return Number(value, "assumed", source, text, ci)


def estimate_text(measure: str, value: float, ci: tuple[float, float] | None,
                  digits: int = 2, level: str = "95%") -> str:
    """``OR 2.54 (95% CI 1.32–4.89)``; money and large numbers with thousands separators."""
    fmt = _formatter(value, ci, digits)
    text = f"{measure} {fmt(value)}" if measure else fmt(value)
    if ci is not None:
        text += f" ({level} CI {fmt(ci[0])} to {fmt(ci[1])})" if min(ci) < 0 else \
            f" ({level} CI {fmt(ci[0])}–{fmt(ci[1])})"
    return text


def _formatter(value: float, ci: tuple[float, float] | None, digits: int):
    scale = max(abs(v) for v in (value, *(ci or ())))
    if scale >= 100:
        return lambda v: f"{v:,.0f}"
    return lambda v: f"{v:.{digits}f}"


def simulated(value: float, source: str, text: str = "",
              ci: tuple[float, float] | None = None) -> Number:
    return Number(value, "simulated", source, text, ci)


def measured(value: float, source: str = "", text: str = "",
             ci: tuple[float, float] | None = None) -> Number:
    return Number(value, "measured", source, text, ci)


_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen", "twenty")


def count_words(count: int) -> str:
    """A small count in words: counts of the report's own rows (tests, scenarios, problems)
    are not data, and words keep them apart from the tagged numbers."""
    return _WORDS[count] if 0 <= count < len(_WORDS) else f"{count:,}"


def draws(count: int) -> str:
    """How a simulated number was obtained, for its tag."""
    return "one draw" if count == 1 else f"mean of {count} draws"
