"""Which sensitivity diagnostics flag fragility on individual data? (E-value, OVB, Rosenbaum)

Runs when the study declares ``[data]``. For simulated data (Thew), one SIMULATED cohort per
declared ``[[worlds]]``, each seeded from the report's random state; for real data (NHEFS,
LaLonde), the data themselves. On each: the adjusted model as logistic regression (E-value of
the conditional OR; a mean difference for a continuous outcome) and as a linear (probability)
model (omitted-variable bias with benchmark covariates, Cinelli & Hazlett 2020), and
propensity-score matching with Rosenbaum's Γ* (McNemar for a 0/1 outcome, Wilcoxon otherwise).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from causal.analysis.failure import Failure
from causal.plots._figure import figure_bytes, new_figure
from causal.report.model import (
    BulletList,
    Callout,
    Figure,
    Paragraph,
    Section,
    Table,
)
from causal.report.provenance import Text
from causal.report.sections._worlds import latent_name, null_worlds
from causal.report.units import outcome_unit

if TYPE_CHECKING:
    from causal.analysis.result import Analysis


def _cases(analysis: Analysis) -> list[tuple[str, pd.DataFrame, int | None, Any]]:
    """(label, data, seed, world) per data set the analysis used (and could analyse)."""
    return [(case.label, case.data.frame, case.data.seed, case.world)
            for case in analysis.individual]


def _ci_text(low: float, high: float, unit: str | None = None) -> str:
    from causal.report.units import amount_ci

    return amount_ci(low, high, unit)


def _row(label: str, r: Any, bench_label: str, unit: str | None = None) -> dict[str, Any]:
    from causal.report.units import amount

    reg, ev, ovb, ros = r.measure, r.evalue, r.ovb, r.rosenbaum
    last = ovb.bounds[-1] if ovb.bounds else None
    additive = reg.short_name in ("MD", "RD")
    u = unit if reg.short_name == "MD" else None
    return {
        "data": label,
        "adjusted estimate (CI)": (f"{reg.short_name} {amount(reg.estimate, u)} "
                                   f"({_ci_text(*reg.ci, u)})" if additive else
                                   f"{reg.short_name} {reg.estimate:.3g} "
                                   f"({_ci_text(*reg.ci)})"),
        "E-value (point / CI)": f"{ev.point:.2f} / {ev.ci:.2f}" if ev.ci is not None
        else f"{ev.point:.2f} / no CI",
        f"{ovb.model} estimate (SE)": (f"{amount(ovb.estimate, u)} "
                                       f"({amount(ovb.std_error, u)})"),
        "RV_q": ovb.rv_q,
        "RV_q,alpha": ovb.rv_qa,
        f"largest benchmark bound ({bench_label})": (
            f"{last.label}: {amount(last.estimate, u)} ({_ci_text(*last.ci, u)})"
            if last else "n/a"),
        "Gamma* (matched pairs)": (f"{ros.gamma_star:.2f}" if ros.gamma_star is not None
                                   else "none: not significant at Gamma = 1"
                                   if "not significant" in ros.gamma_star_note else "> 1e8"),
    }


def _figure(key: str, r: Any, caption: str, simulated: bool = False) -> Figure:
    from causal.plots.ovb import plot_ovb_contour

    figure, ax = new_figure()
    points = r.ovb.benchmark_points()
    if r.latent is not None:
        points.append((f"{r.latent[0]} (true; known only in simulation)", r.latent[1],
                       r.latent[2]))
    grid = r.ovb.contour()
    plot_ovb_contour(grid, ax=ax, points=points)
    if simulated:
        from causal.plots._figure import stamp_simulated

        stamp_simulated(figure)
    return Figure(key, caption, figure_bytes(figure), figure_bytes(figure, "svg"), alt="OVB contour plot")


def _gamma_text(ros: Any) -> str:
    if ros.gamma_star is not None:
        return f"Gamma* = {ros.gamma_star:.2f}"
    p_at_one = ros.bounds.p_upper[ros.bounds.gamma == 1.0]
    if p_at_one.size and p_at_one[0] >= ros.alpha:
        return (f"the matched-pair test is not significant even without hidden bias "
                f"(p = {p_at_one[0]:.3g}), so there is no Gamma*")
    return f"Gamma*: {ros.gamma_star_note}"


def _fragile(r: Any) -> list[str]:
    """Which diagnostics flag the estimate as fragile (facts, no thresholds of our own)."""
    out = []
    first = next((b for b in r.ovb.bounds if b.ci[0] <= 0 <= b.ci[1]
                  or np.sign(b.estimate) != np.sign(r.ovb.estimate)), None)
    if first is not None:
        out.append(f"a confounder {first.label} removes significance")
    if r.rosenbaum.gamma_star is None:
        out.append("the matched-pair test is not significant")
    if r.evalue.ci is None or r.evalue.ci <= 1:
        out.append("the CI includes the null")
    return out


def _verdict(cases: list, results: list, simulated: bool, unit: str | None = None) -> Text:
    from causal.report.provenance import Number, assumed, estimate_text
    from causal.report.units import amount, amount_ci

    parts: list = []
    for (label, _, _, world), r in zip(cases, results, strict=True):
        name = label.removeprefix("SIMULATED: ")

        def tag(value: float, text: str, name: str = name, **kw: Any) -> Number:
            return Number(value, "simulated" if simulated else "measured",
                          "one draw" if simulated else name, text, **kw)

        m = r.measure
        flags = _fragile(r)
        parts += [" | " if parts else "", f"{name}"]
        if world is not None:
            parts += [" (true OR ", assumed(world.true_odds_ratio, "the world's assumption",
                                            f"{world.true_odds_ratio:g}"), ")"]
        shown = (f"{m.short_name} {amount(m.estimate, unit)} (95% CI "
                 f"{amount_ci(*m.ci, unit)})" if m.short_name == "MD" else
                 estimate_text(m.short_name, m.estimate, m.ci))
        parts += [": ", tag(m.estimate, shown, ci=m.ci),
                  ", E-value ", tag(r.evalue.point, f"{r.evalue.point:.2f}"),
                  ", RV_q ", tag(r.ovb.rv_q, f"{r.ovb.rv_q:.2f}"), ", "]
        parts += (["Gamma* ", tag(r.rosenbaum.gamma_star, f"{r.rosenbaum.gamma_star:.2f}")]
                  if r.rosenbaum.gamma_star is not None else ["no Gamma*"])
        parts.append(f"; flagged fragile: {', '.join(_flag_words(flags))}" if flags else
                     "; no diagnostic flags it")
    prefix = ("On one SIMULATED cohort per world (single draws): " if simulated else
              "Individual data: ")
    return Text.of(prefix, *parts, ".")


def _flag_words(flags: list[str]) -> list[str]:
    """The fragility flags without bare multipliers ("1x phq9_baseline" -> "as strong as")."""
    out = []
    for flag in flags:
        for k, words in (("1x ", "as strong as "), ("2x ", "twice as strong as "),
                         ("3x ", "three times as strong as ")):
            flag = flag.replace(f"a confounder {k}", f"a confounder {words}")
        out.append(flag)
    return out


def _flags(label: str, r: Any, unit: str | None = None) -> str:
    from causal.report.units import amount

    ovb, ros, ev = r.ovb, r.rosenbaum, r.evalue
    last = ovb.bounds[-1] if ovb.bounds else None
    survives = last is not None and (last.ci[0] > 0 if ovb.estimate > 0 else last.ci[1] < 0)
    text = (f"{label}: E-value {ev.point:.2f} (CI {ev.ci if ev.ci is not None else 1:.2f}); "
            f"RV_q {ovb.rv_q:.3f}, RV_q,alpha {ovb.rv_qa:.3f}")
    if last is not None:
        shown = amount(last.estimate, unit if r.measure.short_name == "MD" else None)
        text += (f"; a confounder {last.label} would leave the estimate at {shown} "
                 f"({'still significant' if survives else 'no longer significant'})")
    text += "; " + _gamma_text(ros)
    if r.latent is not None:
        name, r2d, r2y = r.latent
        beyond = min(r2d, r2y) > ovb.rv_q
        text += (f". The simulated {name} has partial R² {r2d:.3f} with treatment and "
                 f"{r2y:.3f} with outcome, {'beyond' if beyond else 'within'} the robustness "
                 f"value")
    return text + "."


def build(analysis: Analysis) -> Section | None:
    if analysis.study.data is None:
        return None

    spec = analysis.study.data
    options = analysis.study.individual_sensitivity
    stated = analysis.study.evalue.rare_outcome
    done = [c for c in analysis.individual if c.individual is not None]
    failures = [c.individual for c in done if isinstance(c.individual, Failure)]
    kept = [c for c in done if not isinstance(c.individual, Failure)]
    if not done:
        return None
    simulated = spec.simulated
    if not kept:
        return _skipped("individual_sensitivity", "Which diagnostics flag fragility? "
                        "(individual data)", failures, simulated)
    cases = [(c.label, c.data.frame, c.data.seed, c.world) for c in kept]
    results = [c.individual for c in kept]
    bench = results[0].benchmark_choice
    chosen = ("named in the study file" if options.benchmarks else
              "the measured covariate that best predicts treatment")
    blocks: list = [Callout(f.sentence(), "warning") for f in failures]
    if simulated:
        descriptions = [f"'{w.name}' (true conditional OR {w.true_odds_ratio:g}; seed {s})"
                        for _, _, s, w in cases if w is not None]
        blocks.append(Paragraph(
            f"All data in this section are SIMULATED: one cohort of {len(cases[0][1])} per "
            f"declared world, {', '.join(descriptions)}, each seeded from the report's random "
            f"state {analysis.random_state}. "
            + "".join(f"In the '{w.name}' world the treatment does nothing: the whole "
                      f"adjusted estimate is bias from the unmeasured "
                      f"{latent_name(analysis.study)}. " for w in null_worlds(analysis.study))
            + "The point of this section is to see which diagnostics flag that fragility, and "
            "which would call a pure artefact robust."))
    else:
        blocks.append(Paragraph(
            f"{'Real data' if spec.kind == 'bundled' else 'The study' + chr(39) + 's data'} "
            f"({spec.description or spec.source}; n = {len(cases[0][1])}). "))
    multiples = ", ".join(f"{k:g}x" for k in options.kd)
    test_name = ("exact McNemar on discordant pairs" if results[0].rosenbaum.test == "mcnemar"
                 else "Wilcoxon signed rank, Pratt zeros")
    blocks.append(Paragraph(
        "On each data set: the study's adjusted model fitted as "
        + (f"logistic regression (conditional OR; the E-value reads it as a "
           f"{'rare' if results[0].measure.rare_outcome else 'common'} outcome "
           f"({'as the study file states' if isinstance(stated, bool) else 'not stated in the study file; taken from the sample prevalence, rare below 15%'})"
           f", RR ~ {'OR' if results[0].measure.rare_outcome else 'sqrt(OR)'})"
           if results[0].measure.short_name == "OR" else
           "least squares (a mean difference; its E-value uses the SMD approximation)")
        + f"; the same adjustment as a {results[0].ovb.model} model for omitted-variable bias "
        f"(Cinelli & Hazlett 2020), with confounders {multiples} "
        f"as strong as {bench} ({chosen}) as benchmarks; and 1:1 propensity-score matching "
        f"with Rosenbaum bounds ({test_name}), giving Γ*, the hidden bias at which significance at 5% is lost."))
    for (label, *_), r in zip(cases, results, strict=True):
        clustered = [note for note in r.ovb.notes if note.startswith("cluster-robust")]
        if clustered:  # [data] cluster: every interval here is the cluster-robust one
            blocks.append(Callout(
                f"{label}: the E-value's interval ({r.measure.ci[0]:.3g} to "
                f"{r.measure.ci[1]:.3g}) is cluster-robust (CR1); omitted-variable bias: "
                f"{clustered[0]}.", "info"))
    unit = outcome_unit(analysis.study)
    frame = pd.DataFrame([_row(label, r, bench, unit) for (label, *_), r in zip(cases, results,
                                                                         strict=True)])
    blocks.append(Table(frame, caption=("SIMULATED cohorts, one per world: " if simulated
                                        else "Real data: ") + "E-value, robustness values, "
                        "benchmark bounds and Gamma*.", digits=3))
    blocks.append(BulletList(tuple(_flags(label, r, unit) for (label, *_), r
                                   in zip(cases, results, strict=True))))
    if simulated and len(results) > 1:
        blocks.append(Callout(
            "These diagnostics are computed from the data alone: they say how strong a hidden "
            "confounder would have to be, not whether one exists. Only because the data are "
            f"SIMULATED is the latent {latent_name(analysis.study)}'s actual strength known "
            "(marked on the contour "
            "plots); benchmarks against a measured covariate help only if the hidden "
            "confounder is no stronger than a few times that covariate.", "warning"))
    for i, ((label, _, _, _), r) in enumerate(zip(cases, results, strict=True)):
        caption = (f"{label}: adjusted "
                   f"{r.ovb.model} estimate over confounder partial R²s; red dashed: zero; "
                   f"diamonds: confounders k times as strong as {bench}"
                   + ("; the simulated latent confounder's true position is marked too."
                      if r.latent is not None else "."))
        blocks.append(_figure(f"individual_ovb_contour_{i + 1}", r, caption, simulated))
    verdict = _verdict(cases, results, simulated, unit)
    lead = "" if simulated else Text.of(verdict.parts[0].replace("Individual data: ",
                                                                 "Sensitivity on the data: "),
                                        *verdict.parts[1:-1],
                                        " ([individual sensitivity](#individual_sensitivity)).")
    data = {"simulated": simulated, "random_state": analysis.random_state,
            "benchmarks": bench, "kd": list(options.kd),
            "cases": [{"label": label, "seed": seed,
                       "world": None if world is None else world.name,
                       "summary_ovb": r.ovb.summary(), "summary_rosenbaum":
                           r.rosenbaum.summary(), "evalue_point": r.evalue.point,
                       "evalue_ci": r.evalue.ci, "rv_q": r.ovb.rv_q, "rv_qa": r.ovb.rv_qa,
                       "gamma_star": r.rosenbaum.gamma_star,
                       "latent": None if r.latent is None else list(r.latent)}
                      for (label, _, seed, world), r in zip(cases, results, strict=True)]}
    return Section("individual_sensitivity",
                   "Which diagnostics flag fragility? (individual data"
                   + (", SIMULATED)" if simulated else ")"), tuple(blocks), data,
                   verdict=verdict, simulated=simulated, lead=lead)


def _skipped(key: str, title: str, failures: list, simulated: bool) -> Section:
    """A section whose every analysis failed or was skipped: what and why."""
    sentences = [f.sentence() for f in failures]
    return Section(key, title, tuple(Callout(s, "warning") for s in sentences),
                   {"skipped": sentences}, verdict=Text.of("; ".join(sentences)),
                   simulated=simulated)
