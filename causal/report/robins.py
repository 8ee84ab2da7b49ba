"""A risk-of-bias summary organised by the domains of ROBINS-I (Sterne et al. 2016).

For each of the seven domains it lists which analyses in this report speak to it and what they
found, read from the other sections' data after they are built (nothing is recomputed). It
assigns no risk-of-bias level: that judgement is the reviewer's, and the section says so.

References
----------
Sterne, J. A. C. et al. (2016). ROBINS-I: a tool for assessing risk of bias in non-randomised
studies of interventions. BMJ 355, i4919.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from causal.report.model import Callout, Paragraph, Section, Table

Data = dict[str, dict[str, Any]]


def _departure(data: Data, component: str) -> str:
    protocol = data.get("target_trial", {}).get("protocol")
    if protocol is None:
        return ""
    frame = protocol if isinstance(protocol, pd.DataFrame) else pd.DataFrame(protocol)
    names = {"eligibility": "Eligibility criteria", "treatment_strategies": "Treatment strategies",
             "time_zero": "Time zero", "outcome": "Outcome",
             "causal_contrast": "Causal contrast of interest", "assignment":
                 "Assignment procedures", "follow_up": "Follow-up period"}
    row = frame[frame["component"] == names.get(component, component)]
    if row.empty or row.iloc[0]["departs"] != "yes":
        return ""
    return f"target trial ({component.replace('_', ' ')}): {row.iloc[0]['departure']}"


def _confounding(data: Data) -> list[str]:
    found = []
    graph = data.get("graph")
    if graph is not None:
        found.append("causal graph: " + ("no adjustment for measured variables identifies "
                                         "the effect" if graph.get("identifiable") is False
                                         else "the effect is identifiable by adjustment"))
    if "evalue" in data:
        e = data["evalue"]
        limit = e.get("evalue_ci")
        # no CI was reported: there is no E-value for a CI limit, and none is printed
        found.append(f"E-value {e['evalue_point']:.2f} (estimate); no CI reported, so no "
                     "E-value for a CI limit" if limit is None or limit != limit else
                     f"E-values {e['evalue_point']:.2f} (estimate) and {limit:.2f} (CI)")
    scenarios = data.get("sensitivity", {}).get("scenarios", [])
    if scenarios:
        tipped = sum(s["tips_ci"] for s in scenarios)
        found.append(f"{tipped} of {len(scenarios)} named scenarios (hypotheses of the study "
                     f"file) bring the CI to the null")
    if "probabilistic_bias" in data:
        pba = data["probabilistic_bias"]
        found.append(f"probabilistic bias analysis: {pba['share_tipped_total']:.0%} of draws "
                     f"at or beyond the null under assumed priors with random error "
                     f"({pba['share_tipped']:.0%} with systematic error only)")
    if ("individual_sensitivity" in data and data["individual_sensitivity"].get("cases")
            and not data["individual_sensitivity"].get("simulated")):
        case = data["individual_sensitivity"]["cases"][0]
        found.append(f"on the data: E-value {case['evalue_point']:.2f}, RV_q {case['rv_q']:.2f}")
    lead = data.get("negative_controls", {}).get("lead")
    if lead:
        found.append(f"negative controls ({lead['n_controls']}, {lead['estimator']}): "
                     f"systematic error mean {lead['null_mean']:.3f}, SD {lead['null_sd']:.3f}"
                     f" ({lead['scale']}); calibrated estimate {lead['calibrated']:.3g} "
                     f"({lead['calibrated_ci'][0]:.3g} to {lead['calibrated_ci'][1]:.3g})")
    graph = data.get("graph") or {}
    bad = [d["node"] for d in graph.get("adjusted_descendants", []) if d.get("forbidden")]
    if bad:  # ROBINS-I signalling question 1.6: adjustment for post-intervention variables
        found.append(f"causal graph: the model adjusts for {', '.join(bad)}, which the "
                     f"treatment affects (post-intervention adjustment, signalling question "
                     f"1.6)")
    if "target_trial" in data and (text := _departure(data, "assignment")):
        found.append(text)
    return found


def _selection(data: Data) -> list[str]:
    found = []
    if "selection_bias" in data:
        table = data["selection_bias"]["evalues"]
        first = table.iloc[0] if isinstance(table, pd.DataFrame) else table[0]
        found.append(f"selection-bias E-value {first['E-value (estimate)']:.2f} with no "
                     f"assumptions ({data['selection_bias']['analysed']})")
    for component in ("eligibility", "time_zero"):
        if text := _departure(data, component):
            found.append(text)
    if "time_ordering" in data:
        rows = data["time_ordering"]["rows"]
        frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
        found.append(f"SIMULATED time ordering: median crude OR up to "
                     f"{frame['crude OR: median'].max():.2f} with no true effect")
    return found


def _classification(data: Data) -> list[str]:
    found = []
    if text := _departure(data, "treatment_strategies"):
        found.append(text)
    if "time_ordering" in data:  # uptake classified at any time during follow-up
        rows = data["time_ordering"]["rows"]
        frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
        found.append(f"SIMULATED time ordering: classifying uptake at any time during "
                     f"therapy gives median crude ORs up to "
                     f"{frame['crude OR: median'].max():.2f} with no true effect")
    return found


def _deviations(data: Data) -> list[str]:
    found = []
    if text := _departure(data, "causal_contrast"):
        found.append(text)
    return found


def _missing(data: Data) -> list[str]:
    found = []
    audit = data.get("audit")
    if audit is not None and audit.get("problems"):
        found.append(f"audit: {audit['problems']} problem(s) in the published numbers, e.g. a "
                     f"reported OR that no table with the reported group sizes reproduces, so "
                     f"the analysed sample may be smaller than reported")
    for world in data.get("estimates", {}).get("worlds", []):
        dropped = world.get("rows_dropped")
        if dropped:  # complete-case analysis: say how many rows it lost
            lost = sum(dropped.values())
            read = lost + int(world["n"])
            found.append(f"complete-case analysis: {lost:,} of {read:,} rows ({lost / read:.0%})"
                         f" dropped for a missing value; unbiased only if missingness does "
                         f"not depend on the outcome given the treatment and covariates")
    if "selection_bias" in data:
        found.append("selection-bias bounds: " + data["selection_bias"]["analysed"])
    found += _imputed(data)
    return found


def _imputed(data: Data) -> list[str]:
    """The estimates section's missing-data analysis: flow, complete case vs MI, tipping."""
    missing = data.get("estimates", {}).get("missing_data")
    if not missing:
        return []
    found = [f"who was analysed: {missing['flow']}"]
    rows = missing["complete_case_vs_mi"]
    if rows:  # the paper's kind of estimate (outcome regression) when there is one
        first = next((r for r in rows if r["method"] == "outcome regression"), rows[0])
        cc, mi = (v for k, v in first.items() if k.startswith(("complete cases",
                                                               "multiple imputation")))
        found.append(f"complete cases vs multiple imputation ({missing['imputations']} "
                     f"imputations), {first['method']} ({first['measure']}): {cc} vs {mi}")
    tipping = missing.get("tipping")
    found.append("missing not at random: " + (tipping["sentence"] if isinstance(tipping, dict)
                                              else str(tipping)))
    return found


def _outcomes(data: Data) -> list[str]:
    found = []
    if "multi_bias" in data:
        m = data["multi_bias"]
        found.append(f"multi-bias E-value {m['evalue_point']:.2f} with differential outcome "
                     f"misclassification, selection and confounding together")
    if text := _departure(data, "outcome"):
        found.append(text)
    return found


def _reported(data: Data) -> list[str]:
    found = []
    family = data.get("claims")
    if family is not None:  # several outcomes or subgroups: the room for selective reporting
        found.append(f"{family['n_claims']} outcomes or subgroups reported; the study file, "
                     f"not the source, marks one primary")
    claim = data.get("claim", {})
    estimates = claim.get("estimates", [])
    if len(estimates) > 1:
        found.append(f"{len(estimates)} models reported ("
                     + ", ".join(e["label"] for e in estimates) + ")")
    audit = data.get("audit")
    if audit is not None:
        found.append("audit: " + ("the published numbers agree with each other"
                                  if not audit.get("problems") else
                                  f"{audit['problems']} problem(s) in the published numbers"))
    return found


#: short names of the sections, for the table
SHORT = {"graph": "causal graph", "evalue": "E-values", "sensitivity": "named scenarios",
         "multi_bias": "multi-bias", "probabilistic_bias": "probabilistic bias analysis",
         "individual_sensitivity": "individual-data sensitivity", "target_trial":
             "target trial", "selection_bias": "selection bias", "time_ordering":
             "time ordering", "audit": "audit", "claim": "the claim", "claims": "the claims",
         "estimates": "estimates", "randomised":
             "randomised evidence", "negative_controls": "negative controls"}


#: (ROBINS-I domain, sections that speak to it, what they found)
DOMAINS: tuple[tuple[str, tuple[str, ...], Callable[[Data], list[str]]], ...] = (
    ("Confounding", ("graph", "evalue", "sensitivity", "multi_bias", "probabilistic_bias",
                     "individual_sensitivity", "target_trial", "negative_controls"),
     _confounding),
    ("Selection of participants", ("selection_bias", "target_trial", "time_ordering"),
     _selection),
    ("Classification of interventions", ("target_trial", "time_ordering"), _classification),
    ("Deviations from intended interventions", ("target_trial",), _deviations),
    ("Missing data", ("audit", "selection_bias", "estimates:missing_data",
                      "estimates:rows_dropped"), _missing),
    ("Measurement of outcomes", ("multi_bias", "target_trial"), _outcomes),
    ("Selection of the reported result", ("claims", "claim", "audit"), _reported),
)


def _holds(data: Data, key: str) -> bool:
    """``"section:part"``: the section speaks to the domain only when its data hold the part
    (``rows_dropped``: rows a complete-case analysis dropped, in any of its data sets)."""
    section, part = key.split(":")
    value = data.get(section, {})
    if part == "rows_dropped":
        return any(w.get("rows_dropped") for w in value.get("worlds", []))
    return bool(value.get(part))


def robins_section(sections: list[Section]) -> Section | None:
    """The ROBINS-I summary from the built sections (None when no domain has an analysis)."""
    data: Data = {s.key: s.data for s in sections}
    titles = {s.key: SHORT.get(s.key, s.title) + (" (SIMULATED)" if s.simulated else "")
              for s in sections}
    rows = []
    for domain, keys, finder in DOMAINS:
        # "section:part": the section speaks to the domain only when its data hold the part
        present = list(dict.fromkeys(
            k.split(":")[0] for k in keys if k in data or (":" in k and _holds(data, k))))
        findings = finder(data) if present else []
        # a domain lists its analyses only when they found something: never an analysis
        # beside "nothing in this report speaks to it"
        rows.append({"domain (ROBINS-I)": domain,
                     "analyses in this report": "; ".join(
                         f"[{titles[k]}](#{k})" for k in present) if findings else "none",
                     "what they found": "; ".join(findings) or
                     "nothing in this report speaks to it"})
    if all(r["analyses in this report"] == "none" for r in rows):
        return None
    frame = pd.DataFrame(rows)
    blocks = [
        Callout("This summary supports the reviewer's judgement; it does not replace it. It "
                "assigns no risk-of-bias level: for each ROBINS-I domain it lists the analyses "
                "in this report that speak to it and what they found.", "info"),
        Table(frame, caption="Risk-of-bias domains (Sterne et al. 2016, BMJ 355:i4919) and "
                             "the evidence in this report."),
        Paragraph("Domains with 'nothing in this report speaks to it' are not thereby at low "
                  "risk: the study itself, not this report, must be read for them."),
    ]
    if "randomised" in data:
        blocks.append(Paragraph(
            "Outside the ROBINS-I domains, the [randomised evidence](#randomised) is context for "
            "triangulation; its caveats (other outcomes, other populations) are in that "
            "section."))
    return Section("robins", "Risk of bias by domain (ROBINS-I)", tuple(blocks),
                   {"domains": frame})
