"""Explain-away section: would a study of this size report the headline OR with no true effect?"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from causal.report.model import Callout, Figure, Paragraph, Section, Table
from causal.report.provenance import Number, Text, assumed, simulated
from causal.report.sections._worlds import latent_name
from causal.sensitivity.simulations.explain_away_result import ExplainAwayResult

if TYPE_CHECKING:
    from causal.analysis.result import Analysis


def reported_number(value: float) -> Number:
    return Number(value, "reported", "the headline estimate", f"OR {value:g}")


def key_cells(result: ExplainAwayResult, count: int = 5) -> pd.DataFrame:
    """A few cells along the diagonal (equal confounder ORs) for the report's table."""
    size = min(result.uptake_ors.size, result.recovery_ors.size)
    picks = sorted(set(np.linspace(0, size - 1, min(count, size)).round().astype(int)))
    rows = []
    for i in picks:
        rows.append({
            "confounder OR with uptake": result.uptake_ors[i],
            "confounder OR with recovery": result.recovery_ors[i],
            "mean adjusted OR (simulated)": result.mean_or[i, i],
            "MC SE (log OR)": result.mean_log_or_se[i, i],
            f"P(OR >= {result.reported_or:g})": result.p_at_least[i, i],
            "P(CI above 1)": result.p_ci_above[i, i],
            "RR_EU": result.rr_eu[i, i], "RR_UD": result.rr_ud[i, i]})
    return pd.DataFrame(rows)


MODE_WORDS = {"overall": "the reported overall uptake and overall recovery",
              "arms": "the reported uptake and the reported recovery in each arm"}


def matching_sentence(result: ExplainAwayResult, feasible: np.ndarray) -> str:
    """The frontier's matching mode, and how many cells each mode can match (one grid)."""
    matched = int(result.matched.sum())
    mode = MODE_WORDS.get(result.margins, result.margins)
    text = (f"One frontier, one matching mode: every cell is solved so that the simulated "
            f"cohorts reproduce {mode} (mode '{result.margins}'); {matched} of "
            f"{result.matched.size} cells could be matched that way, and the frontier is read "
            f"off those cells.")
    if result.margins == "overall":
        text += (f" In the stricter mode that also reproduces the recovery of each arm (with "
                 f"measured severity lowering recovery as assumed), only {int(feasible.sum())} "
                 f"of the same {feasible.size} cells can be matched at all, all among the "
                 f"strongest confounders on the grid: weaker confounders cannot create the "
                 f"reported crude contrast with no true effect. No frontier is drawn in that "
                 f"mode.")
    return text


def answer(result: ExplainAwayResult) -> tuple[str, str]:
    """The plain-language paragraph and the one-line verdict."""
    reported = result.reported_or
    mean_cross = result.diagonal_crossing("mean")
    prob_cross = result.diagonal_crossing("probability")
    weakest = result.mean_or[0, 0]
    top = result.mean_or[-1, -1]
    pct = f"{result.prevalence:.0%}"
    bench = result.benchmarks.get("phq9_baseline")
    bench_text = (f" For orientation only: the study file ASSUMES (it does not measure) that "
                  f"baseline PHQ-9 severity changes the odds of uptake and recovery by "
                  f"{bench[2]:.2f} and {bench[3]:.2f} per SD in the simulated world (a binary "
                  f"confounder of that strength would sit at about {bench[0]:.1f} and "
                  f"{bench[1]:.1f} on the grid); these are not evidence about real clients."
                  if bench else "")
    if np.isfinite(mean_cross):
        core = (f"a hidden binary factor present in {pct} of clients would have to multiply the "
                f"odds of taking up support and the odds of recovery each by about "
                f"{mean_cross:.1f} for the paper's adjusted model to report OR {reported:g} on "
                f"average")
        prob = (f"; at equal strengths of about {prob_cross:.1f} half of such studies would "
                f"report {reported:g} or more" if np.isfinite(prob_cross) else "")
        verdict = (f"With no true effect, a hidden binary confounder ({pct} prevalence) needs ORs "
                   f"of about {mean_cross:.1f} with both uptake and recovery for the simulated "
                   f"study of {result.n} to report OR {reported:g} on average (matching mode "
                   f"'{result.margins}')")
    else:
        core = (f"even the strongest hidden binary factor on the grid (ORs "
                f"{result.uptake_ors[-1]:g} with uptake and {result.recovery_ors[-1]:g} with "
                f"recovery, present in {pct} of clients) gives a mean adjusted OR of {top:.2f}, "
                f"short of {reported:g}")
        prob = ""
        verdict = (f"No hidden binary confounder on the grid (ORs up to "
                   f"{result.uptake_ors[-1]:g}) makes a null effect report OR {reported:g} on "
                   f"average (strongest: {top:.2f})")
    with np.errstate(invalid="ignore"):
        eu, ud = np.diagonal(result.rr_eu), np.diagonal(result.rr_ud)
        bias = eu * ud / (eu + ud - 1)
    hits = np.flatnonzero(bias >= result.evalue_rr)
    e_first = result.uptake_ors[hits[0]] if hits.size else np.inf
    evalue_text = (" The E-value curve (dotted) lies inside the simulated frontier: it bounds "
                   "the worst case over all confounders, while this simulation fixes one binary "
                   "confounder and the study's covariates." if e_first < mean_cross else
                   " The E-value curve (dotted) is the worst-case bound over all confounders; "
                   "this simulation fixes one binary confounder and the study's covariates.")
    paragraph = (f"If employment support did nothing, how strong would self-selection have to be "
                 f"for a study of exactly this size and design ({result.n} clients, the paper's "
                 f"margins, the paper's adjusted logistic model) to report an adjusted OR of "
                 f"{reported:g}? In {result.replicates} SIMULATED cohorts per grid cell, with "
                 f"no hidden confounding the adjusted OR averages {weakest:.2f} (true OR 1), and "
                 f"{core}{prob}.{bench_text}{evalue_text}")
    return paragraph, verdict + "."


def build(analysis: Analysis) -> Section | None:
    from causal.plots._figure import figure_bytes, new_figure
    from causal.plots.explain_away import plot_explain_away
    from causal.sensitivity.simulations.explain_away import arms_feasibility

    data = analysis.study.data
    if analysis.study.explain_away is None or data is None or not data.simulated:
        return None
    result = analysis.extras.get("explain_away")
    if result is None:
        return None
    figure, ax = new_figure(6.6, 5.2)
    plot_explain_away(result, ax=ax)
    from causal.plots._figure import stamp_simulated

    stamp_simulated(figure)  # cohorts under a null effect: simulated data
    paragraph, verdict = answer(result)
    feasible = arms_feasibility(analysis.study, result.uptake_ors, result.recovery_ors,
                                result.prevalence)
    unmatched = int((~result.matched).sum())
    blocks: list = [
        Paragraph(paragraph),
        Figure("explain_away",
               "SIMULATED cohorts under a true OR of 1: geometric-mean adjusted OR over the "
               "hidden binary confounder's ORs with uptake (x) and recovery (y). Solid: where "
               f"the mean adjusted OR equals {result.reported_or:g}; dashed: where half of the "
               f"studies report at least {result.reported_or:g}; dotted: the E-value curve, "
               "drawn where each cell's implied risk ratios (RR_EU, RR_UD, from the solved "
               "model, marginal over the covariates) have a bounding factor equal to the "
               f"reported OR on the risk-ratio scale ({result.evalue_rr:.2f} = sqrt(OR), common "
               "outcome); diamonds: a binary confounder as strong per SD as the study file ASSUMES "
               "measured covariates to be in the simulated world (assumed, not measured).",
               figure_bytes(figure), figure_bytes(figure, "svg"), alt="contour plot of the simulated adjusted OR"),
        Table(key_cells(result), caption="SIMULATED: cells with equal confounder ORs "
                                         f"(prevalence {result.prevalence:g}, "
                                         f"{result.replicates} replicates each).", digits=3),
        Callout(matching_sentence(result, feasible), "info"),
        Paragraph(f"Simulation time {result.wall_seconds:.1f} s (CPU "
                  f"{result.cpu_seconds:.1f} s); {unmatched} cell(s) unmatched."),
    ]
    payload = {"prevalence": result.prevalence, "replicates": result.replicates,
               "margins": result.margins, "reported_or": result.reported_or,
               "diagonal_mean_crossing": result.diagonal_crossing("mean"),
               "diagonal_probability_crossing": result.diagonal_crossing("probability"),
               "simulated": True, "arms_feasible": feasible.tolist(),
               "summary_sentence": verdict, "matched_cells": int(result.matched.sum()),
               "arms_feasible_cells": int(feasible.sum()), "cells_total": int(feasible.size),
               "benchmarks": {name: [float(v) for v in values]
                              for name, values in result.benchmarks.items()},
               "cells": result.to_frame().replace({np.nan: None}).to_dict(orient="records")}
    return Section("explain_away", "Could self-selection alone produce the reported OR? "
                   "(simulation)", tuple(blocks), payload,
                   verdict=verdict_text(result, _calibrated(analysis.study),
                                        latent_name(analysis.study)),
                   simulated=True)


def _calibrated(study) -> object | None:
    """The world calibrated to reproduce the reported OR with no effect (through its model's
    continuous latent confounder), if the study file declares one."""
    return next((w for w in study.worlds if w.calibration and w.true_odds_ratio == 1), None)


def verdict_text(result: ExplainAwayResult, calibrated=None,
                 latent: str = "latent confounder") -> Text:
    """The at-a-glance line with each number tagged. The binary confounder's ORs are odds
    ratios for the presence of a factor, not risk ratios: they are not comparable with the
    E-value, and the line says so; the calibrated world's OR per SD is given beside them."""
    cross = result.diagonal_crossing("mean")
    per_cell = f"mean of {result.replicates} draws per cell"
    reported = reported_number(result.reported_or)
    if np.isfinite(cross):
        text = Text.of("SIMULATED, with no true effect: a hidden binary confounder present in ",
                       assumed(result.prevalence, "the grid's assumption",
                               f"{result.prevalence:.0%}"),
                       " of clients needs ORs of about ",
                       simulated(cross, per_cell, f"{cross:.1f}"),
                       " with both uptake and recovery for a simulated study of this size to "
                       "report ", reported, f" on average (matching mode '{result.margins}': "
                       f"{MODE_WORDS.get(result.margins, result.margins)}); these are odds "
                       "ratios of a binary factor, not comparable with the E-value (a "
                       "risk-ratio bound)")
        if calibrated is not None:
            value = calibrated.latent_odds_ratio
            text += Text.of(f". The calibrated world '{calibrated.name}' needs a continuous "
                            f"{latent} with OR ",
                            simulated(value, "calibrated on simulated cohorts, study file: "
                                      + calibrated.calibration.split(":")[0], f"{value:.2f}"),
                            " per SD for both uptake and recovery")
        return text + "."
    top = result.mean_or[-1, -1]
    return Text.of("SIMULATED: no hidden binary confounder on the grid makes a null effect report ",
                   reported, " on average (strongest cell: ",
                   simulated(top, per_cell, f"{top:.2f}"), ").")
