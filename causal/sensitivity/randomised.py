"""An observational effect beside randomised evidence, with the differences stated.

Randomised trials of a related intervention rarely measure the same outcome in the same
population. :func:`compare_with_randomised` puts them side by side on their own scales and
refuses to do so silently: an entry whose outcome or population differs from the observational
one must carry a ``caveat`` saying so. Nothing is pooled or converted between scales.

Effects are given either as arms (two proportions, with the group sizes when known) and shown
as a risk difference in percentage points, or as a reported measure
(:class:`~causal.measures.OddsRatio`, :class:`~causal.measures.RiskRatio`,
:class:`~causal.measures.RiskDifference`) shown as reported. A risk-difference CI from arms is
the Wald interval ``RD -/+ z sqrt(p1 (1 - p1) / n1 + p0 (1 - p0) / n0)`` and needs the sizes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal.study.values.evidence import EvidenceEntry, check_comparable


@dataclass(frozen=True)
class RandomisedComparison(SummaryMixin):
    """The observational effect and the randomised entries, each on its own scale."""

    observational: EvidenceEntry
    randomised: tuple[EvidenceEntry, ...]

    @property
    def caveats(self) -> tuple[tuple[str, str], ...]:
        """``(label, caveat)`` of every randomised entry that carries one."""
        return tuple((entry.label, entry.caveat) for entry in self.randomised if entry.caveat)

    def summary(self) -> pd.DataFrame:
        rows = self.observational.rows()
        for entry in self.randomised:
            rows += entry.rows()
        return summary_frame(rows)


def compare_with_randomised(observational: EvidenceEntry,
                            randomised: Sequence[EvidenceEntry]) -> RandomisedComparison:
    """Put an observational effect beside randomised estimates.

    Parameters
    ----------
    observational : EvidenceEntry
        With ``design="observational"``.
    randomised : sequence of EvidenceEntry
        Each with ``design="randomised"``; an entry whose ``outcome`` or ``population`` differs
        from the observational one must state a ``caveat``.

    Returns
    -------
    RandomisedComparison
    """
    check_comparable(observational, randomised)
    return RandomisedComparison(observational, tuple(randomised))
