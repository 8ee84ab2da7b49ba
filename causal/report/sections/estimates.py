"""Estimates from individual-level data: every estimator, with overlap and balance diagnostics.

For a study with SIMULATED data (Thew), one cohort per declared world is drawn and every
estimator runs on each, next to the world's true effect, to show what adjustment for the
measured covariates can and cannot recover. For real data (NHEFS, LaLonde) the estimates sit
next to the published answers.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from causal.analysis.failure import Failure
from causal.estimate.study import NotEstimable
from causal.plots._figure import figure_bytes, new_figure
from causal.report.model import Callout, Figure, Paragraph, Section, Table
from causal.report.provenance import Text, assumed, count_words, measured, reported, simulated
from causal.report.units import amount, outcome_unit

if TYPE_CHECKING:
    from causal.analysis.result import Analysis


def _table(result, world: str | None) -> pd.DataFrame:

    rows = []
    failed = any(isinstance(e, NotEstimable) for e in result.estimates)
    for estimate, se in zip(result.estimates, result.se_conventions, strict=True):
        status = ({"status": f"not estimable: {estimate.reason}"
                   if isinstance(estimate, NotEstimable) else "estimated"} if failed else {})
        rows.append({
            **({"world (SIMULATED)": world} if world else {}),
            "method": estimate.method,
            "estimand": estimate.estimand_label,
            "measure": (f"{estimate.odds_ratio_kind} OR" if estimate.measure == "or"
                        else estimate.measure.upper()),
            "estimate": estimate.estimate,
            "ci_lower": estimate.ci[0],
            "ci_upper": estimate.ci[1],
            "SE convention of the CI": se,
            **_clustered(estimate, result),
            # each warning beside the estimator it comes from
            "warnings": " | ".join(estimate.warnings),
            **status,
        })
    return pd.DataFrame(rows)


def _clustered(estimate, result) -> dict:
    """The naive interval and the design effect beside a cluster-robust one."""
    if result.clustering is None:
        return {}
    c = getattr(estimate, "clustering", None)
    return {"naive CI (rows independent)": "" if c is None else
            f"{c.naive_ci[0]:.4g}–{c.naive_ci[1]:.4g}",
            "design effect": np.nan if c is None else c.design_effect}


def _num(value: float) -> str:
    """3 significant digits, without scientific notation for large amounts (e.g. dollars)."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def _judged(table: pd.DataFrame, result, truth: float | None) -> pd.DataFrame:
    table = table.copy()
    answers = [result.compared_with(i) for i in range(len(result.estimates))]
    if any(a is not None for a in answers):
        # each answer sits next to the estimate with its method, measure and SE convention
        table["published"] = [np.nan if a is None else a.estimate for a in answers]
        table["published CI"] = ["" if a is None or a.ci is None else f"{a.ci[0]:g}–{a.ci[1]:g}"
                                 for a in answers]
    if truth is not None:
        table["CI covers the experimental truth"] = [
            "" if pd.isna(lo) else "yes" if lo <= truth <= hi else "no"
            for lo, hi in zip(table.ci_lower, table.ci_upper, strict=True)]
    return table


def _bytes(figure: Any, simulated: bool) -> tuple[bytes, bytes]:
    """The PNG and SVG of ``figure``, stamped SIMULATED on the image when its data are
    simulated."""
    from causal.plots._figure import stamp_simulated

    if simulated:
        stamp_simulated(figure)
    return figure_bytes(figure), figure_bytes(figure, "svg")


def _figures(result, key: str, label: str, simulated: bool = False) -> list[Figure]:
    from causal.plots.estimate import plot_forest, plot_love, plot_overlap

    figures = []
    # one interval per estimator: IPW with the default (sandwich) SE only
    shown = [e for e, kind in zip(result.estimates, result.ipw_se or
                                  (None,) * len(result.estimates), strict=True)
             if kind in (None, "sandwich") and not isinstance(e, NotEstimable)]
    ratio = [e for e in shown if e.measure in ("or", "rr")]
    additive = [e for e in shown if e.measure not in ("or", "rr")]
    for name, group in (("ratio", ratio), ("difference", additive)):
        if not group:
            continue
        figure, ax = new_figure(6.4, 0.45 * len(group) + 1.4)
        plot_forest(group, ax=ax)
        title = f"Estimates {label}"
        truth = result.truth.get("true_conditional_odds_ratio")
        if truth and name == "ratio":
            ax.axvline(truth, color="#b2182b", ls="--", lw=1)
            title += f"\n(red dashed line: the true conditional OR, {truth:g})"
        ax.set_title(title, fontsize=10)
        figures.append(Figure(f"estimates_forest_{name}_{key}",
                              f"Estimates and 95% CIs, {label}.", *_bytes(figure, simulated),
                              alt=f"forest plot {label}"))
    weighted = next((e for e in shown if e.method == "IPW"), None)
    if weighted is not None:
        figure, ax = new_figure(6.4, 3.6)
        plot_overlap(weighted, ax=ax)
        figures.append(Figure(f"estimates_overlap_{key}", f"Propensity-score overlap, {label}.",
                              *_bytes(figure, simulated), alt=f"overlap {label}"))
        figure, ax = new_figure(6.4, 0.3 * len(weighted.diagnostics["balance"]) + 1.6)
        plot_love(weighted, ax=ax)
        figures.append(Figure(f"estimates_love_{key}", f"Covariate balance before and after "
                              f"inverse probability weighting, {label}.", *_bytes(figure, simulated),
                              alt=f"love plot {label}"))
    return figures


def build(analysis: Analysis) -> Section | None:

    spec = analysis.study.data
    if spec is None or not analysis.worlds:
        return None
    blocks: list = []
    data: dict = {"simulated": spec.simulated, "worlds": []}
    verdicts: list[Text] = []
    #: warnings of the real data's estimates the verdict keeps even when it quotes no
    #: estimates (poor overlap, a complete-case loss)
    cautions: list[Text] = []
    truth = analysis.benchmark_truth
    worlds_by_name = {w.name: w for w in analysis.study.worlds} if spec.simulated else {}
    unit = outcome_unit(analysis.study)
    headline = analysis.study.claim.headline
    if isinstance(truth, Failure):
        blocks.append(Callout(truth.sentence(), "warning"))
        truth = None
    truth_se = analysis.extras.get("benchmark_se")
    if truth is not None:
        se_text = "" if truth_se is None else f" (SE {truth_se:,.0f})"
        blocks.append(Callout(f"The experimental benchmark ([data.benchmark], randomised "
                              f"controls) gives an effect of {truth:,.2f}{se_text}: the "
                              f"experiment's estimate, with its own sampling error, that the "
                              f"observational estimates below are judged against.", "info"))
    for index, computed in enumerate(analysis.worlds):
        world = computed.world
        result = computed.estimates
        if isinstance(result, Failure):
            blocks.append(Callout(result.sentence(), "error"))
            verdicts.append(Text.of(result.sentence().removesuffix(".")))
            continue
        label = (f"in one SIMULATED cohort of {result.n} (a single draw) from the world '{world}'"
                 if world else f"on the {result.n} rows of the data")
        key = "data" if world is None else f"world{index + 1}"
        if world:
            true_or = result.truth.get("true_conditional_odds_ratio")
            blocks.append(Paragraph(
                f"**World '{world}' (SIMULATED).** {result.description.rstrip('.')}. The true "
                f"conditional OR of the treatment is {true_or:g}"
                + (f"; {', '.join(spec.latent)} latent and not adjusted for." if spec.latent
                   else ".")))
        else:
            blocks.append(Paragraph(f"**Data.** {result.description}."))
            imputing = getattr(result, "imputed", None) is not None
            arms = ", ".join(f"{count} {arm}" for arm, count in result.dropped.items())
            if result.dropped and imputing:
                blocks.append(Callout(
                    f"Rows with a missing value in a declared column ({arms}) are left out of "
                    f"the complete-case estimates below ({result.n} rows); multiple "
                    f"imputation ([data] missing = \"multiple_imputation\") analyses them "
                    f"too, in the table that compares the two.", "info"))
            elif result.dropped:
                blocks.append(Callout(
                    f"Rows with a missing value in a declared column were dropped "
                    f"([data] missing = \"complete_case\"): {arms}; {result.n} rows "
                    f"remain. Complete-case analysis is unbiased only if missingness does not "
                    f"depend on the outcome given the treatment and covariates.", "warning"))
            if imputing:  # [data] missing = "multiple_imputation"
                from causal.report.sections import missing_data

                shown, data["missing_data"] = missing_data.blocks(result, key)
                blocks.extend(shown)
        if getattr(result, "clustering", None) is not None:
            sentence = result.clustering_sentence()
            blocks.append(Callout(sentence[0].upper() + sentence[1:] + ". The design effect "
                                  "is the cluster-robust variance over the naive one; every "
                                  "sensitivity analysis below starts from the cluster-robust "
                                  "interval.", "info"))
        table = _judged(_table(result, None), result, truth)
        blocks.append(Table(table, caption=f"Estimates {label}. 'conditional OR' is a logistic "
                                           f"coefficient; 'marginal OR' compares two "
                                           f"standardised risks; they differ even without "
                                           f"confounding. The SE column names how each "
                                           f"interval's standard error was computed; IPW is "
                                           f"repeated with the SE a published answer used "
                                           f"(its `se` in the study file) and compared with "
                                           f"that answer only."))
        if result.published:
            blocks.append(Table(pd.DataFrame([{
                "published": p.label, "method": p.method, "estimate": p.estimate,
                "ci": "" if p.ci is None else f"{p.ci[0]:g}–{p.ci[1]:g}",
                "SE convention": p.se or ("" if p.ci is None else "not stated"),
                "source": p.source}
                for p in result.published]), caption="Published answers for these data."))
        # each estimator's warnings are in its row ("warnings" column); the design's here
        for note in getattr(result, "design_notes", ()):
            blocks.append(Callout(note[0].upper() + note[1:] + ".", "warning"))
        if getattr(analysis.study, "randomised", False):
            blocks.append(Callout(
                "The study declares the treatment randomised ([design] randomised = true): "
                "the crude (unadjusted) contrast is the design-based estimate; the adjusted "
                "estimates estimate the same effect and adjust only for precision.", "info"))
        blocks.extend(_figures(result, key, label, spec.simulated))
        fitted = [e for e in result.estimates if not isinstance(e, NotEstimable)]
        failed = [e for e in result.estimates if isinstance(e, NotEstimable)]
        for e in failed:
            blocks.append(Callout(
                f"{e.method} ({e.label}) is not estimable on these data: {e.reason} Every "
                f"analysis that needs it says it was skipped.", "error"))
        conditional = next((e for e in fitted if e.odds_ratio_kind == "conditional"), None)
        entry = {"world": world, "n": result.n, "data_sha256": result.data_hash,
                 **({"rows_dropped": dict(result.dropped)} if result.dropped else {}),
                 "truth": result.truth if world else ({"experimental_effect": truth}
                                                      if truth is not None else {}),
                 "estimates": table.to_dict("records")}
        data["worlds"].append(entry)
        if world and conditional is not None:
            true_or = result.truth.get("true_conditional_odds_ratio")
            text = Text.of(f"'{world}': adjusted OR ",
                           simulated(conditional.estimate, "one draw",
                                     f"{conditional.estimate:.2f}"),
                           " (true OR ", assumed(true_or, "the world's assumption",
                                                 f"{true_or:g}"))
            spec_world = worlds_by_name.get(world)
            if spec_world is not None and spec_world.calibration and headline is not None:
                text += Text.of("; the world is calibrated so that the mean over many draws "
                                "is the reported ",
                                reported(headline.value, headline.source,
                                         f"{headline.value:g}"),
                                ", so one draw can land far from it")
            verdicts.append(text + ")")
        elif not world:
            source = f"{result.n:,} rows"

            def _num(value: float) -> str:
                return amount(value, unit)

            # one range per estimand and measure: an odds ratio and a risk difference are not
            # one scale, an ATE and an ATT not one quantity
            by_measure: dict[str, list[float]] = {}
            for e in fitted:
                kind = (f"{e.odds_ratio_kind} OR" if e.measure == "or"
                        else e.measure.upper())
                key = (e.label if e.estimand in ("crude", "conditional")
                       else f"{e.estimand_label} {kind}")
                by_measure.setdefault(key, []).append(e.estimate)
            parts: list = []
            for label, found in by_measure.items():
                low, high = min(found), max(found)
                if len(found) == 1:
                    parts += ["; " if parts else "", f"{label} ",
                              measured(low, source, _num(low))]
                    continue
                parts += ["; " if parts else "", f"{label} estimates range ",
                          measured(low, source, _num(low)), " to ",
                          measured(high, source, _num(high))]
            text = Text.of(*parts)
            if "published" in table:
                pieces: list = []
                for i, r in enumerate(table.itertuples()):
                    answer = result.compared_with(i)
                    if answer is None or pd.isna(r.published) or pd.isna(r.estimate):
                        continue
                    pieces += [", " if pieces else "; ", f"{r.method} ",
                               measured(r.estimate, source, _num(r.estimate)), " (published ",
                               reported(r.published, answer.source or "published",
                                        _num(r.published)), ")"]
                text += Text.of(*pieces)
            if truth is not None:
                covered = int((table["CI covers the experimental truth"] == "yes").sum())
                # the experiment's answer is an estimate (with SE), not a known truth
                text += Text.of("; the experiment's estimate is ",
                                measured(truth, "the randomised experiment's difference in "
                                         "means" + ("" if truth_se is None else
                                                    f", SE {truth_se:,.0f}"),
                                         amount(truth, unit)),
                                f", and {count_words(covered)} of {count_words(len(table))} "
                                "estimators' intervals "
                                "cover it")
            separated = [(e, w) for e in fitted for w in e.warnings if "separates" in w]
            if separated:  # a poor-overlap warning belongs in the verdict, not only in a row
                methods = list(dict.fromkeys(e.method for e, _ in separated))
                found = re.search(r"([\d.]+)% of scores lie outside", separated[0][1])
                share = None if found is None else float(found.group(1))
                caution = Text.of("poor overlap: ",
                                  *((measured(share / 100, source, f"{share:g}%"),
                                     " of propensity scores extreme (")
                                    if share is not None else ("extreme propensity scores (",)),
                                  ", ".join(methods[:-1]) + (" and " if len(methods) > 1
                                                             else "") + methods[-1] + ")")
                text += Text.of("; ", caution)
                cautions.append(caution)
            if result.dropped:  # a complete-case loss belongs in the verdict
                lost = sum(result.dropped.values())
                read = lost + result.n
                caution = Text.of("complete cases only: ",
                                  measured(lost, "rows dropped for a missing value",
                                           f"{lost:,}"), " of ",
                                  measured(read, "rows read", f"{read:,}"), " rows (",
                                  measured(lost / read, "share dropped", f"{lost / read:.0%}"),
                                  ") dropped for a missing value")
                text += Text.of("; ", caution)
                cautions.append(caution)
            verdicts.append(text)
        if failed:
            names = ", ".join(f"{e.method} {e.measure.upper()}" for e in failed)
            verdicts.append(Text.of(f"not estimable{'' if not world else ' in ' + repr(world)}"
                                    f": {names}"))
    if spec.simulated:
        blocks.insert(0, Callout(
            "These estimates use SIMULATED cohorts shaped like the paper's sample (no "
            "individual data were published). They show what the paper's adjusted model would "
            "report in worlds where the truth is known.", "info"))
    joined: list = []
    for text in verdicts:
        joined += ["; " if joined else "", text]
    verdict = Text.of("Estimates on one SIMULATED cohort per world (single draws): "
                      if spec.simulated else "Estimates on the data: ", *joined, ".")
    data["cautions"] = cautions
    return Section("estimates", "Estimates from individual-level data", tuple(blocks), data,
                   verdict=verdict, simulated=spec.simulated,
                   lead="" if spec.simulated else Text.of(
                       "Estimators on the data: ", *joined, " ([estimates](#estimates))."))
