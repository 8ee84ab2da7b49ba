"""Report sections that run on a random subsample of a large data set, and say so.

A section listed in :data:`causal._budgets.REPORT_SECTION_ROWS` whose method is super-linear or
replicate-heavy runs, on a user's data (a file, a DataFrame or bundled data) with more rows than
its budget, on a simple random sample of that many rows drawn without replacement, in the
data's row order. The sample is the same for every listed section with the same budget and
comes only from the report's seed: ``numpy.random.default_rng(SeedSequence([seed,
SUBSAMPLE_TAG]))``, so the report is reproducible and identical wherever it runs. The section
then opens with a callout, "computed on a random subsample of 200,000 of 10,000,000 rows (seed
20240101)", with the reason, and its JSON data carry ``subsample`` (``rows``, ``of``, ``seed``,
``reason``). The estimates section always uses every row.

Simulated studies are never subsampled: their cohorts have the size the study declares.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from causal import _budgets
from causal.report.model import Callout, ReportContext, Section

#: second entry of the subsample's seed sequence (separates it from the report's other streams)
SUBSAMPLE_TAG = 0x5AB5


def _full_table(ctx: ReportContext) -> Any:
    """The study's checked table (declared columns), read once per report."""
    def read() -> Any:
        from causal.data.load import load_study_data

        spec = ctx.study.data
        if spec.checked is not None:
            return spec.checked
        from causal.data.files import TableData

        frame = load_study_data(ctx.study)
        return TableData(frame=frame.reset_index(drop=True), source=spec.source,
                         n_read=frame.attrs.get("n_read", len(frame)),
                         dropped=dict(frame.attrs.get("dropped", {})),
                         missing=frame.attrs.get("missing", spec.missing))

    return ctx.cached("subsample:full", read)


def _row_count(ctx: ReportContext) -> int:
    def count() -> int:
        spec = ctx.study.data
        if spec.checked is not None:
            return len(spec.checked.frame)
        if spec.file is not None and spec.file.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq  # the footer only: no rows read

            return int(pq.ParquetFile(spec.file).metadata.num_rows)
        return len(_full_table(ctx).frame)

    return ctx.cached("subsample:rows", count)


def subsample_plan(ctx: ReportContext, name: str) -> dict[str, Any] | None:
    """``{"rows", "of", "seed", "reason"}`` when section ``name`` subsamples, else None."""
    limit = _budgets.REPORT_SECTION_ROWS.get(name)
    spec = ctx.study.data
    if limit is None or spec is None or spec.simulated:
        return None
    total = _row_count(ctx)
    if total <= limit:
        return None
    return {"rows": int(limit), "of": int(total), "seed": int(ctx.random_state),
            "reason": _budgets.REPORT_SECTION_REASONS.get(name, "")}


def subsampled_context(ctx: ReportContext, plan: dict[str, Any]) -> ReportContext:
    """A context whose study holds the subsample as its data (the cache is shared)."""
    def draw() -> Any:
        from causal.data.files import TableData

        table = _full_table(ctx)
        rng = np.random.default_rng(np.random.SeedSequence([plan["seed"], SUBSAMPLE_TAG]))
        n = len(table.frame)
        rows = np.sort(rng.choice(n, size=plan["rows"], replace=False))
        frame = table.frame.iloc[rows].reset_index(drop=True)
        return TableData(frame=frame, source=table.source, n_read=table.n_read,
                         dropped=dict(table.dropped), missing=table.missing)

    sample = ctx.cached(f"subsample:{plan['rows']}", draw)
    data = dataclasses.replace(ctx.study.data, checked=sample)
    return dataclasses.replace(ctx, study=dataclasses.replace(ctx.study, data=data))


def label(section: Section, plan: dict[str, Any]) -> Section:
    """``section`` opening with the subsample's sentence, and ``subsample`` in its data."""
    sentence = (f"Computed on a random subsample of {plan['rows']:,} of {plan['of']:,} rows "
                f"(seed {plan['seed']}), drawn without replacement: {plan['reason']}, which "
                f"is too slow on every row. Its numbers describe the subsample; the estimates "
                f"section uses every row.")
    return dataclasses.replace(section, blocks=(Callout(sentence, "info"), *section.blocks),
                               data={**section.data, "subsample": dict(plan)})


def build_section(module: Any, name: str, ctx: ReportContext) -> Section | None:
    """``module.build`` on the whole data, or on its subsample with the label."""
    plan = subsample_plan(ctx, name)
    if plan is None:
        return module.build(ctx)
    section = module.build(subsampled_context(ctx, plan))
    return None if section is None else label(section, plan)
