"""Report sections whose analyses ran on a random subsample of a large data set, and say so.

A section listed in :data:`causal._budgets.REPORT_SECTION_ROWS` whose method is super-linear or
replicate-heavy runs, on a user's data (a file, a DataFrame or bundled data) with more rows than
its budget, on a simple random sample of that many rows drawn without replacement, in the
data's row order. The sample is the same for every listed section with the same budget and
comes only from the report's seed: ``numpy.random.default_rng(SeedSequence([seed,
SUBSAMPLE_TAG]))`` (drawn by :mod:`causal.analysis.run`, once per analysis), so the report is reproducible and identical wherever it runs. The section
then opens with a callout, "computed on a random subsample of 200,000 of 10,000,000 rows (seed
20240101)", with the reason, and its JSON data carry ``subsample`` (``rows``, ``of``, ``seed``,
``reason``). The estimates section always uses every row.

Simulated studies are never subsampled: their cohorts have the size the study declares.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from causal.analysis.run import SUBSAMPLE_TAG
from causal.report.model import Callout, Section

if TYPE_CHECKING:
    from causal.analysis.result import Analysis

__all__ = ["SUBSAMPLE_TAG", "build_section", "label"]


def label(section: Section, plan: dict[str, Any]) -> Section:
    """``section`` opening with the subsample's sentence, and ``subsample`` in its data."""
    sentence = (f"Computed on a random subsample of {plan['rows']:,} of {plan['of']:,} rows "
                f"(seed {plan['seed']}), drawn without replacement: {plan['reason']}, which "
                f"is too slow on every row. Its numbers describe the subsample; the estimates "
                f"section uses every row.")
    return dataclasses.replace(section, blocks=(Callout(sentence, "info"), *section.blocks),
                               data={**section.data, "subsample": dict(plan)})


def build_section(module: Any, name: str, analysis: Analysis) -> Section | None:
    """``module.build(analysis)``, labelled when its analysis ran on a subsample."""
    section = module.build(analysis)
    plan = analysis.subsamples.get(name)
    if section is None or plan is None:
        return section
    return label(section, plan)
