"""The report's content model: sections of blocks, rendered to Markdown, HTML and JSON.

A section builder (``causal/report/sections/<name>.py``) returns a :class:`Section`: a title, a
list of blocks (paragraphs, callouts, bullet lists, tables, figures) and a JSON-able ``data``
dict for ``report.json``. Builders read every computed result from the
:class:`causal.analysis.Analysis` they render (``build(analysis) -> Section | None``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from causal.report.provenance import Text

if TYPE_CHECKING:  # the study package is imported only where a path must be loaded
    from causal.study.model import Study


@dataclass(frozen=True)
class Paragraph:
    text: str | Text


@dataclass(frozen=True)
class Callout:
    """A highlighted sentence; ``severity`` colours it (``ok``, ``info``, ``warning``, ``error``)."""

    text: str | Text
    severity: Literal["ok", "info", "warning", "error"] = "info"


@dataclass(frozen=True)
class BulletList:
    items: tuple[str | Text, ...]


@dataclass(frozen=True)
class Table:
    frame: pd.DataFrame
    caption: str = ""
    digits: int = 4


@dataclass(frozen=True)
class Figure:
    """A rendered figure: ``key`` names its PNG file (``<key>.png``) in the report folder."""

    key: str
    caption: str
    png: bytes
    svg: bytes | None = None
    alt: str = ""


Block = Paragraph | Callout | BulletList | Table | Figure


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    blocks: tuple[Block, ...]
    data: dict[str, Any] = field(default_factory=dict)
    #: one line for "At a glance" at the top of the report, if the section has one; its
    #: numbers carry their provenance (causal/report/provenance.py)
    verdict: str | Text = ""
    #: True when the section is about SIMULATED data: it goes to the report's appendix and its
    #: "At a glance" line is listed apart from the real study's
    simulated: bool = False
    #: one short sentence for the opening verdict (causal/report/headline.py), if any
    lead: str | Text = ""


@dataclass(frozen=True)
class Report:
    study: Study
    sections: tuple[Section, ...]
    reproducibility: dict[str, Any]

    @property
    def figures(self) -> list[Figure]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]
