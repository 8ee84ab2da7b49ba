"""A whole literature stress-tested at once: E-values and consistency flags for a table of
published findings (``findings``), and a summary of their distribution (``summary``).

Layer: analysis (after ``sensitivity``: the closed forms are the library's E-value and
selection-bias formulas, vectorised over findings; before ``plots`` and ``report``).
"""

from __future__ import annotations

from causal._lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "read_findings": "causal.literature.findings",
    "evalue_rows": "causal.literature.findings",
    "LiteratureSummary": "causal.literature.summary",
    "summarise": "causal.literature.summary",
    "findings_from_extractions": "causal.literature.summary",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports("causal.literature", _EXPORTS, globals())
