"""How strong would a latent confounder have to be to explain away the doubly robust estimate?

Runs when the study declares ``[data]``: on the real data, or on one SIMULATED cohort per
declared world (the same cohorts, from the same seeds, as the section
``individual_sensitivity``). The project's cross-fitted AIPW is bounded with Chernozhukov,
Cinelli, Newey, Sharma & Syrgkanis's "Long Story Short" omitted-variable bounds
(:mod:`causal.sensitivity.aipw_bounds`): robustness values, the bounds under DoubleML's default
scenario (cf_y = cf_d = 0.03, rho = 1; a scenario assumed by the toolkit, not a finding), and
benchmarks from every measured covariate (refitted out of the model).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from causal.analysis.failure import Failure
from causal.plots._figure import figure_bytes, new_figure
from causal.report.model import Callout, Figure, Paragraph, Section, Table
from causal.report.provenance import Text
from causal.report.units import outcome_unit

if TYPE_CHECKING:
    from causal.analysis.result import Analysis

from causal.analysis.run import DML_SCENARIO as SCENARIO  # DoubleML's defaults


def _f(value: float) -> str:
    """3 significant digits, without scientific notation for large amounts (dollars)."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def _strongest(result: Any) -> Any:
    """The benchmark implying the widest bounds (largest confounding strength)."""
    return max(result.benchmarks, key=lambda b: b.strength, default=None)


def _row(label: str, run: Any) -> dict[str, Any]:
    r = run.result
    top = _strongest(r)
    est = r.estimand.upper()
    return {
        "data": label,
        f"AIPW {est} (SE)": f"{_f(r.estimate)} ({_f(r.std_error)})",
        "RV": r.rv,
        "RVa": r.rva,
        "bounds at cf_y = cf_d = 0.03, rho = 1": f"{_f(r.bounds[0])} to {_f(r.bounds[1])}",
        "one-sided 95% limits": f"{_f(r.ci[0])} to {_f(r.ci[1])}",
        "strongest benchmark": "n/a" if top is None else "none (all imply 0)" if (
            top.strength == 0) else (
            f"{top.label}: cf_y {top.cf_y:.3g}, cf_d {top.cf_d:.3g}, rho {top.rho:.2g}; "
            f"bounds {_f(top.lower)} to {_f(top.upper)}"),
    }


def _sentence(label: str, run: Any, simulated: bool, unit: str | None = None,
              truth: Any = None) -> Text:
    """One data set's line, every number tagged (simulated: one draw; real: measured)."""
    from causal.report.provenance import Number, assumed
    from causal.report.units import amount

    r = run.result
    top = _strongest(r)
    kind = "simulated" if simulated else "measured"
    source = "one draw" if simulated else label
    u = unit

    def tag(value: float, text: str) -> Number:
        return Number(value, kind, source, text)  # type: ignore[arg-type]

    parts: list = [label]
    if truth is not None:
        parts += [" (true OR ", assumed(truth, "the world's assumption", f"{truth:g}"), ")"]
    parts += [f": AIPW {r.estimand.upper()} ", tag(r.estimate, amount(r.estimate, u)),
              "; RV ", tag(r.rv, f"{r.rv:.3f}"), ", RVa ", tag(r.rva, f"{r.rva:.3f}")]
    if top is not None and top.strength == 0:
        parts.append("; no measured covariate, refitted out, implies any confounding by this "
                     "yardstick (each has a benchmark cf_y or cf_d of zero)")
    elif top is not None:
        excludes = r.null < top.ci_lower or r.null > top.ci_upper
        parts += [f"; a latent confounder as strong as {top.label} (the strongest measured "
                  "covariate by this yardstick) would leave the bounds at ",
                  tag(top.lower, amount(top.lower, u)), " to ", tag(top.upper, amount(top.upper, u)),
                  f", {'still excluding' if excludes else 'no longer excluding'} "
                  f"{'zero' if r.null == 0 else r.null} at one-sided 95%"]
    return Text.of(*parts)


def _figure(key: str, run: Any, caption: str, simulated: bool = False) -> Figure:
    from causal.plots.dml_bounds import dml_contour_points, plot_dml_contour

    r = run.result
    figure, ax = new_figure(6.4, 5.2)
    plot_dml_contour(r.contour(), ax=ax, points=dml_contour_points(r),
                     scenario=(r.cf_d, r.cf_y))
    if simulated:
        from causal.plots._figure import stamp_simulated

        stamp_simulated(figure)
    return Figure(key, caption, figure_bytes(figure), figure_bytes(figure, "svg"), alt="DML sensitivity contour plot")


def build(analysis: Analysis) -> Section | None:
    if analysis.study.data is None:
        return None
    from causal.report.sections.individual_sensitivity import _skipped

    done = [c for c in analysis.individual if c.dml is not None]
    if not done:
        return None
    failures = [c.dml for c in done if isinstance(c.dml, Failure)]
    kept = [c for c in done if not isinstance(c.dml, Failure)]
    title = "Sensitivity of the doubly robust estimate (Long Story Short)"
    if not kept:
        return _skipped("dml_sensitivity", title, failures, analysis.study.data.simulated)
    cases = [(c.label, c.data.frame, c.data.seed, c.world) for c in kept]
    runs = [c.dml for c in kept]
    simulated = runs[0].simulated
    first = runs[0].result
    outcome_kind = ("risk difference" if _binary(cases[0][1], analysis.study.outcome)
                    else "mean difference")
    blocks: list = [Paragraph(
        f"The doubly robust estimate itself ({first.estimand.upper()}, {outcome_kind}; "
        f"cross-fitted AIPW, 5 folds) bounded with the omitted-variable bounds of "
        f"Chernozhukov, Cinelli, Newey, Sharma & Syrgkanis (Long Story Short): a latent "
        f"confounder that explains a share cf_y of the outcome's residual variation and adds "
        f"a share cf_d to the variation of the Riesz representer (the weights that debias the "
        f"estimate) moves it by at most |rho| sqrt(cf_y cf_d / (1 - cf_d)) sqrt(sigma² nu²). "
        f"RV is the cf_y = cf_d at which the bound reaches {first.null:g}, RVa the one at which "
        f"its one-sided 95% confidence limit does (computed from the data). The scenario "
        f"cf_y = cf_d = 0.03, rho = 1 is DoubleML's default, assumed here, not estimated. "
        f"Benchmarks refit the AIPW without each measured covariate (on the same folds) and "
        f"read off the cf_y, cf_d and rho it accounts for (DoubleML's gain statistics): "
        f"yardsticks, not measurements of the latent confounder. A benchmark cf_y (cf_d) of 0 "
        f"means that refitting without the covariate did not increase the out-of-fold "
        f"residual variance of the outcome (did not decrease that of the Riesz "
        f"representer).")]
    blocks[:0] = [Callout(f.sentence(), "warning") for f in failures]
    for label, run in zip([label for label, *_ in cases], runs, strict=True):
        elements = run.result.elements
        if elements is not None and elements.cluster is not None:
            import numpy as np

            naive = float(np.sqrt(np.mean(elements.phi_theta**2) / elements.n))
            blocks.append(Callout(
                f"{label}: the bounds' confidence limits and RVa are cluster-robust (CR1 over "
                f"{int(elements.cluster.max()) + 1} clusters): the estimate's SE is "
                f"{elements.std_error / naive:.3g} times the one that treats rows as "
                "independent; the bounds themselves do not depend on it.", "info"))
    failed = [(f.analysis.removeprefix("DML sensitivity (").removesuffix(")"), f.reason)
              for f in failures]
    if simulated:
        blocks.insert(0, Callout(
            "All data in this section are SIMULATED: one cohort per declared world, the same "
            "cohorts as in the section on individual-data diagnostics.", "info"))
    labels = [label for label, *_ in cases]
    frame = pd.DataFrame([_row(label, run) for label, run in zip(labels, runs, strict=True)] +
                         [{"data": label, "not computable": why} for label, why in failed])
    blocks.append(Table(frame, caption=("SIMULATED cohorts: " if simulated else "Real data: ")
                        + "AIPW estimate, robustness values and bounds.", digits=3))
    for i, (label, run) in enumerate(zip(labels, runs, strict=True)):
        table = run.result.benchmark_table()
        blocks.append(Table(table, caption=f"{label}: benchmarks (each measured covariate, or "
                                           f"group, refitted out), and the bounds they imply "
                                           f"at their own rho.", digits=3))
        blocks.append(_figure(
            f"dml_sensitivity_contour_{i + 1}", run,
            f"{label}: the bound nearest {run.result.null:g} over cf_d (x) and cf_y (y), "
            f"|rho| = 1; red dashed: {run.result.null:g}; diamonds: benchmarks; circle: the "
            f"assumed scenario 0.03, 0.03.", simulated))
    prefix = ("On one SIMULATED cohort per world (single draws): " if simulated else
              "Individual data: ")
    unit = outcome_unit(analysis.study)
    lines: list = []
    for (label, _, _, world), run in zip(cases, runs, strict=True):
        lines += [" | " if lines else "", _sentence(
            label.removeprefix("SIMULATED: "), run, simulated,
            None if _binary(cases[0][1], analysis.study.outcome) else unit,
            None if world is None else world.true_odds_ratio)]
    for label, _why in failed:
        lines += [" | ", f"{label.removeprefix('SIMULATED: ')}: not computable (see the "
                  "section)"]
    verdict = Text.of(prefix, *lines, ".")
    data = {"simulated": simulated, "scenario": SCENARIO, "random_state": analysis.random_state,
            "not_computable": [{"label": label, "reason": why} for label, why in failed],
            "cases": [{"label": label, "world": run.world, "seed": run.seed,
                       "data_sha256": run.data_hash, "summary": run.result.summary(),
                       "benchmarks": run.result.benchmark_table(), "rv": run.result.rv,
                       "rva": run.result.rva}
                      for label, run in zip(labels, runs, strict=True)]}
    return Section("dml_sensitivity", "Sensitivity of the doubly robust estimate (Long Story "
                   "Short)" + (", SIMULATED" if simulated else ""), tuple(blocks), data,
                   verdict=verdict, simulated=simulated)


def _binary(data: pd.DataFrame, outcome: str) -> bool:
    return set(pd.unique(data[outcome].dropna())) <= {0, 1}
