"""Negative controls: the controls' estimates, the fitted empirical null, the calibrated estimate
and CI (Schuemie et al. 2014, 2018), a funnel plot, and proximal 2SLS when declared.

Everything is computed by :func:`causal.analysis.negative_controls.negative_control_results`
(``analysis.extras["negative_controls"]``); this module renders it. The controls' ``why`` is
the study file's assumption and is printed as such.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from causal.analysis.failure import Failure
from causal.report.model import BulletList, Callout, Figure, Paragraph, Section, Table
from causal.report.provenance import Text, computed, count_words

if TYPE_CHECKING:
    from causal.analysis.result import Analysis

#: the estimator whose calibration leads the section, in order of preference (the paper's kind
#: of estimate first, as in the refutations section)
PREFERRED = ("outcome regression", "AIPW", "IPW")
TITLE = "Negative controls: measured residual confounding and empirical calibration"


def _lead_estimator(calibrated: tuple[Any, ...]) -> Any:
    usable = [c for c in calibrated if not isinstance(c.calibration, Failure)]
    for method in PREFERRED:
        for c in usable:
            if c.method == method:
                return c
    return usable[0] if usable else None


def _shown(value: float, ratio: bool) -> float:
    return math.exp(value) if ratio else value


def _calibration_rows(calibrated: tuple[Any, ...]) -> pd.DataFrame:
    rows = []
    for c in calibrated:
        r = c.calibration
        if isinstance(r, Failure):
            rows.append({"estimator": f"{c.method}: {c.label}", "controls": len(c.controls),
                         "estimate": c.main.estimate, "ci_lower": c.main.ci[0],
                         "ci_upper": c.main.ci[1], "p_value": c.main.p_value,
                         "calibrated": math.nan, "calibrated_ci_lower": math.nan,
                         "calibrated_ci_upper": math.nan, "calibrated_p": math.nan,
                         "null_mean": math.nan, "null_sd": math.nan, "ease": math.nan,
                         "note": f"not calibrated: {r.reason}"})
            continue
        ratio = c.main.is_ratio
        k = r.calibrated
        rows.append({"estimator": f"{c.method}: {c.label}", "controls": r.null.n_controls,
                     "estimate": c.main.estimate, "ci_lower": c.main.ci[0],
                     "ci_upper": c.main.ci[1], "p_value": c.main.p_value,
                     "calibrated": _shown(k.log_estimate, ratio),
                     "calibrated_ci_lower": _shown(k.ci_lower, ratio),
                     "calibrated_ci_upper": _shown(k.ci_upper, ratio),
                     "calibrated_p": r.calibrated_p, "null_mean": r.null.mean,
                     "null_sd": r.null.sd, "ease": r.null.ease,
                     "note": "null on the log scale" if ratio else "null on the estimate's scale"})
    return pd.DataFrame(rows)


def _row(name: str, e: Any, note: str) -> dict[str, Any]:
    return {"column": name, "estimate": e.estimate, "ci_lower": e.ci[0], "ci_upper": e.ci[1],
            "p_value": e.p_value, "n": e.n, "note": note}


def _missing_row(name: str, result: Any) -> dict[str, Any]:
    reason = result.reason if isinstance(result, Failure) else "not estimable by this estimator"
    return {"column": name, "estimate": math.nan, "ci_lower": math.nan, "ci_upper": math.nan,
            "p_value": math.nan, "n": math.nan, "note": reason}


def _control_rows(lead: Any, outcomes: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    estimates = dict(lead.controls)
    rows = [_row(f"{lead.main.outcome} (main outcome)", lead.main,
                 "the main effect, for comparison")]
    for column, result in outcomes:
        e = estimates.get(column)
        rows.append(_missing_row(column, result) if e is None
                    else _row(column, e, "measured on the data"))
    return pd.DataFrame(rows)


def _exposure_rows(lead: Any, exposures: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    rows = []
    for column, result in exposures:
        match = [] if isinstance(result, Failure) else [
            e for e in result.fitted
            if (e.method, e.measure, e.label) == (lead.method, lead.measure, lead.label)]
        rows.append(_row(column, match[0], "measured on the data") if match
                    else _missing_row(column, result))
    return pd.DataFrame(rows)


def _funnel(lead: Any) -> Figure:
    from causal.plots._figure import figure_bytes, new_figure
    from causal.plots.negative_controls import plot_funnel
    from causal.sensitivity.negative_controls.empirical_calibration import log_estimates_of

    ratio = lead.main.is_ratio
    values = [e.estimate for _, e in lead.controls]
    y = log_estimates_of(values) if ratio else values
    main_y = math.log(lead.main.estimate) if ratio else lead.main.estimate
    figure, ax = new_figure()
    plot_funnel(y, [e.std_error for _, e in lead.controls], null_mean=lead.calibration.null.mean,
                null_sd=lead.calibration.null.sd, main=(main_y, lead.main.std_error),
                log_scale=ratio, ax=ax)
    return Figure("negative_controls_funnel",
                  f"Negative-control outcomes estimated by {lead.method} {lead.label} against "
                  "their standard errors. Dashed: where 95% of controls would fall with no "
                  "systematic error; shaded: the fitted empirical null's 95% region. Diamond: "
                  "the main estimate.", figure_bytes(figure),
                  alt="funnel plot of negative-control estimates")


def _published(result: Any) -> list:
    if result is None:
        return []
    if isinstance(result, Failure):
        return [Callout(result.sentence(), "warning")]
    return [Paragraph("Calibration of the claim's headline with the control estimates the study "
                      "file gives ([[negative_control_estimates]], reported numbers; computed "
                      "from them)."),
            Table(result.summary()[["quantity", "estimate", "ci_lower", "ci_upper", "p_value",
                                    "note"]],
                  caption="Headline before and after empirical calibration (computed from "
                          "reported numbers).")]


def build(analysis: Analysis) -> Section | None:
    results = analysis.extras.get("negative_controls")
    study = analysis.study
    if results is None and study.negative_controls is None:
        return None
    declared = study.negative_controls
    blocks: list = [Paragraph(
        "A negative-control outcome is one the treatment cannot affect: any 'effect' the "
        "study's own estimators find on it is residual confounding or other bias, measured "
        "rather than bounded (Lipsitch, Tchetgen Tchetgen & Cohen 2010). Several of them fit "
        "an empirical null, the distribution of systematic error (mean and SD, by maximum "
        "likelihood allowing for each control's own SE), which calibrates the main estimate's "
        "p-value and CI (Schuemie et al. 2014, 2018; the conventions of OHDSI's "
        "EmpiricalCalibration). Calibration assumes the main estimate's systematic error is "
        "drawn from the same distribution as the controls'.")]
    if declared is not None:
        blocks.append(BulletList(tuple(
            f"`{c.column}` (negative-control {c.role}): ASSUMED by the study file: {c.why}"
            for c in (*declared.outcomes, *declared.exposures))))
        graph = study.graph
        if graph is not None:
            nodes = set(graph.graph.nodes)
            absent = [c.column for c in declared.outcomes if c.column not in nodes]
            blocks.append(Paragraph(
                "Checked against the study's graph: no declared negative-control outcome is a "
                "descendant of the treatment"
                + (f" (not nodes of the graph, so not checked: {', '.join(absent)})"
                   if absent else "") + "."))
    data: dict[str, Any] = {"declared": [] if declared is None else [
        {"column": c.column, "role": c.role, "why": c.why}
        for c in (*declared.outcomes, *declared.exposures)]}
    verdict: Text | str = ""
    if results is not None:
        for _, result in (*results.outcomes, *results.exposures):
            if isinstance(result, Failure):
                blocks.append(Callout(result.sentence(), "warning"))
        lead = _lead_estimator(results.calibrated)
        if results.calibrated:
            table = _calibration_rows(results.calibrated)
            data["calibration"] = table
            if lead is not None:
                controls = _control_rows(lead, results.outcomes)
                data["controls"] = controls
                blocks.append(Table(controls, caption=f"Negative-control outcomes, each "
                                    f"estimated by {lead.method} {lead.label} with the main "
                                    "effect's covariates, beside the main effect (measured on "
                                    "the data; no control should show an effect)."))
                if results.exposures:
                    exposures = _exposure_rows(lead, results.exposures)
                    data["exposures"] = exposures
                    blocks.append(Table(exposures, caption=(
                        f"Negative-control exposures, each analysed by {lead.method} "
                        f"{lead.label} as the treatment of {study.outcome!r}, adjusting for "
                        f"the covariates and for {study.treatment!r} (measured on the data; "
                        "none should show an effect).")))
                r = lead.calibration
                k = r.calibrated
                ratio = lead.main.is_ratio
                point = _shown(k.log_estimate, ratio)
                ci = (_shown(k.ci_lower, ratio), _shown(k.ci_upper, ratio))
                scale = "log scale" if ratio else "the estimate's scale"
                blocks.append(Callout(Text.of(
                    f"Empirical null from {r.null.n_controls} negative controls ({scale}): "
                    "mean ", computed(r.null.mean, "fitted empirical null", f"{r.null.mean:.3f}"),
                    ", SD ", computed(r.null.sd, "fitted empirical null", f"{r.null.sd:.3f}"),
                    "; expected absolute systematic error (EASE, Schuemie et al. 2020) ",
                    computed(r.null.ease, "fitted empirical null", f"{r.null.ease:.3f}"),
                    f". {lead.method}: {lead.label} {lead.main.estimate:#.3g} "
                    f"({lead.main.ci[0]:#.3g} to {lead.main.ci[1]:#.3g}) becomes ",
                    computed(point, "empirical calibration", f"{point:#.3g}"),
                    f" ({ci[0]:#.3g} to {ci[1]:#.3g}) after calibration; calibrated p ",
                    computed(r.calibrated_p, "empirical calibration", f"{r.calibrated_p:.3g}"),
                    "."), "info"))
                verdict = Text.of(
                    f"Negative controls ({count_words(r.null.n_controls)}): systematic error "
                    "mean ", computed(r.null.mean, "fitted empirical null", f"{r.null.mean:.3f}"),
                    ", SD ", computed(r.null.sd, "fitted empirical null", f"{r.null.sd:.3f}"),
                    f" ({scale}); calibrated {lead.method} estimate ",
                    computed(point, "empirical calibration",
                             f"{point:#.3g} (95% CI {ci[0]:#.3g} to {ci[1]:#.3g})", ci=ci),
                    ".")
                data["lead"] = {"estimator": f"{lead.method}: {lead.label}",
                                "n_controls": r.null.n_controls, "null_mean": r.null.mean,
                                "null_sd": r.null.sd, "ease": r.null.ease,
                                "scale": scale, "calibrated": point,
                                "calibrated_ci": list(ci), "calibrated_p": r.calibrated_p}
                blocks.append(_funnel(lead))
            blocks.append(Table(table, caption="Every estimator of the main effect before and "
                                "after calibration with the negative controls estimated the "
                                "same way (computed from the measured estimates).", digits=3))
        proximal = results.proximal
        if isinstance(proximal, Failure):
            blocks.append(Callout(proximal.sentence(), "warning"))
        elif proximal is not None:
            blocks.append(Paragraph(
                "Proximal two-stage least squares (Tchetgen Tchetgen et al. 2020) uses the "
                "negative-control exposure and outcome as proxies of the unmeasured confounder. "
                "It assumes a linear outcome model without interactions, that the exposure proxy "
                "affects neither outcome, that neither the treatment nor the exposure proxy "
                "affects the outcome proxy, and that the proxies are relevant (first-stage F "
                "shown)."))
            blocks.append(Table(proximal.summary()[["quantity", "estimate", "ci_lower",
                                                    "ci_upper", "p_value", "note"]],
                                caption="Proximal 2SLS (measured on the data; HC0 sandwich SE)."))
            for note in proximal.notes:
                blocks.append(Callout(note, "warning"))
            data["proximal"] = proximal.summary()
        blocks += _published(results.published)
        if results.published is not None and not isinstance(results.published, Failure):
            data["published"] = results.published.to_dict()
    return Section("negative_controls", TITLE, tuple(blocks), data, verdict=verdict)
