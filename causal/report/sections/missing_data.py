"""Missing data in the estimates section: who was analysed, complete cases beside multiple
imputation, and the delta-adjusted tipping point of a missing outcome.

Used by :mod:`causal.report.sections.estimates` when the study reads its data with
``[data] missing = "multiple_imputation"``; the section's data (``missing_data``) is what the
ROBINS-I missing-data domain cites.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from causal.estimate.study import NotEstimable
from causal.plots._figure import figure_bytes, new_figure
from causal.report.model import Figure, Paragraph, Table


def _ci(e: Any) -> str:
    if isinstance(e, NotEstimable):
        return f"not estimable: {e.reason}"
    return f"{e.estimate:.3g} ({e.ci[0]:.3g}–{e.ci[1]:.3g})"


#: a Barnard-Rubin df above this is shown as such: the between-imputation variance is
#: negligible and the t interval is the normal one to the digits shown
LARGE_DF = 10_000


def _shown_df(df: float) -> Any:
    return f"> {LARGE_DF:,}" if df > LARGE_DF else round(df, 1)


def _shown_fmi(fmi: float) -> Any:
    return "< 0.001" if 0 < fmi < 0.001 else round(fmi, 3)


def side_by_side(result: Any, *, shown: bool = False) -> pd.DataFrame:
    """One row per estimator: the complete-case estimate and CI beside the pooled MI one.

    ``shown``: df and FMI formatted for the report's table (a df above :data:`LARGE_DF` as
    "> 10,000", an FMI below 0.001 as "< 0.001"); otherwise numbers (report.json)."""
    imputed = result.imputed
    rows = []
    for cc, mi in zip(result.estimates, imputed.estimates, strict=True):
        pool = getattr(mi, "pool", None)
        rows.append({"method": cc.method,
                     "estimand": cc.estimand_label,
                     "measure": (f"{cc.odds_ratio_kind} OR" if cc.measure == "or"
                                 else cc.measure.upper()),
                     f"complete cases (n = {result.n:,})": _ci(cc),
                     f"multiple imputation (n = {imputed.n:,}, m = {imputed.m})": _ci(mi),
                     "fraction of missing information": (
                         None if pool is None else
                         _shown_fmi(pool.fmi) if shown else round(pool.fmi, 6)),
                     "Barnard-Rubin df": (None if pool is None else
                                          _shown_df(pool.df) if shown else round(pool.df, 1))})
    return pd.DataFrame(rows)


def blocks(result: Any, key: str) -> tuple[list[Any], dict[str, Any]]:
    """The report blocks and the data of the missing-data part of the estimates section."""
    imputed = result.imputed
    flow = imputed.flow
    out: list[Any] = [
        Paragraph(f"**Who was analysed.** {flow.line()}."),
        Table(flow.summary(), caption="Rows per arm: all rows with a known treatment, the "
                                      "complete cases, and the rows missing each declared "
                                      "column (STROBE item 12c)."),
        Table(side_by_side(result, shown=True), caption=(
            f"Complete cases beside multiple imputation. {imputed.method[0].upper()}"
            f"{imputed.method[1:]}; treatment and outcome are in every imputation model. Each "
            "estimator is run on every imputed data set and pooled by Rubin's rules; the "
            "interval is a t interval with Barnard-Rubin degrees of freedom. Both analyses "
            "assume the data are missing at random given the variables in the model "
            "(complete cases: given the treatment and covariates only).")),
    ]
    data: dict[str, Any] = {"flow": flow.line(), "rows_read": flow.n_read,
                            "complete_cases": sum(flow.complete.values()),
                            "rows_imputed": flow.n_imputed_rows, "imputations": imputed.m,
                            "seed": imputed.seed, "method": imputed.method,
                            "missing": flow.missing,
                            "complete_case_vs_mi": side_by_side(result).to_dict("records")}
    tipping = imputed.tipping
    if isinstance(tipping, str) or tipping is None:
        sentence = tipping or "the delta-adjusted tipping point was not computed"
        out.append(Paragraph(f"**Missing not at random.** {sentence[0].upper()}{sentence[1:]}."))
        data["tipping"] = sentence
        return out, data
    from causal.plots.missing_outcome import plot_delta_tipping

    out.append(Paragraph(f"**Missing not at random (delta-adjusted tipping point).** "
                         f"{tipping.sentence()} The analysis is the {tipping.method}; delta is "
                         "a hypothesis about the unobserved outcomes, not an estimate."))
    figure, ax = new_figure(6.4, 3.8)
    plot_delta_tipping(tipping, ax=ax)
    ax.set_title("Pooled estimate against the MNAR shift delta (0 = missing at random)",
                 fontsize=10)
    out.append(Figure(f"missing_delta_tipping_{key}", "Delta-adjusted multiple imputation: "
                      "the pooled estimate and its CI as the treated arm's missing outcomes "
                      "are shifted by delta.", figure_bytes(figure), figure_bytes(figure, "svg"), alt="delta tipping plot"))
    data["tipping"] = {"arm": tipping.arm, "scale": tipping.scale,
                       "tipping_delta_ci": tipping.tipping_ci,
                       "tipping_delta_estimate": tipping.tipping_estimate,
                       "sentence": tipping.sentence(),
                       "curve": tipping.summary().to_dict("records")}
    return out, data
