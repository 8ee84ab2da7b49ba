"""The literature summary: how large the E-values of a set of findings are, and how many fall
below stated thresholds, with Markdown, HTML and JSON renderings that say where each number
comes from.

Every E-value is *computed from reported numbers* (the estimate and CI each row gives, with
its source); the outcome's rarity is *declared* by whoever wrote the table (a row that does
not declare it enters the summary under two scenarios, "undeclared read as rare" and "read as
common", and the summary says how many such rows there are). Thresholds are the user's.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, format_number, frame_to_markdown, jsonable

DEFAULT_THRESHOLDS = (1.25, 1.5, 2.0)
QUANTITIES = (("evalue_point", "E-value (point)"), ("evalue_ci", "E-value (CI limit)"),
              ("selection_evalue_point", "selection-bias E-value (point)"),
              ("selection_evalue_ci", "selection-bias E-value (CI limit)"))


@dataclass(frozen=True)
class LiteratureSummary(SummaryMixin):
    """Distribution of the findings' E-values (see the module docstring)."""

    rows: pd.DataFrame
    thresholds: tuple[float, ...]
    scenarios: dict[str, pd.DataFrame] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        status = self.rows["status"]
        return {"findings": len(self.rows),
                "computed": int((status == "computed from reported numbers").sum()),
                "rarity_not_declared": int(status.str.startswith("rarity").sum()),
                "not_computed": int(status.str.startswith("not computed").sum()),
                "ci_not_symmetric": int((self.rows["ci_symmetric"] == False).sum()),  # noqa: E712
                "p_disagrees": int((self.rows["p_consistent"] == False).sum())}  # noqa: E712

    def summary(self) -> pd.DataFrame:
        """One row per scenario and quantity: n, median, quartiles, share below thresholds."""
        records = []
        for scenario, frame in self.scenarios.items():
            for column, name in QUANTITIES:
                values = frame[column].to_numpy(dtype=float)
                values = values[~np.isnan(values)]
                record: dict[str, Any] = {"scenario": scenario, "quantity": name,
                                          "n": len(values)}
                if len(values):
                    q1, median, q3 = np.quantile(values, [0.25, 0.5, 0.75])
                    record.update(median=median, q1=q1, q3=q3)
                else:
                    record.update(median=np.nan, q1=np.nan, q3=np.nan)
                for t in self.thresholds:
                    record[f"share_below_{t:g}"] = (float(np.mean(values < t)) if len(values)
                                                    else np.nan)
                records.append(record)
        return pd.DataFrame(records)

    def to_dict(self) -> dict[str, Any]:
        return jsonable({
            "schema": "causal-literature", "schema_version": "1.0",
            "provenance": {
                "estimates": "reported (each row's source column)",
                "evalues": "computed from reported numbers (VanderWeele & Ding 2017; "
                           "selection: Smith & VanderWeele 2019, general target)",
                "rare_outcome": "declared by the findings table (not by the papers), or not "
                                "declared: then both conversions",
                "thresholds": "stated by the user"},
            "inputs": self.inputs, "counts": self.counts,
            "thresholds": list(self.thresholds), "summary": self.summary().to_dict("records"),
        })

    def sentences(self) -> list[str]:
        c = self.counts
        out = [f"{c['findings']:,} findings: {c['computed']:,} with E-values computed from "
               f"the reported numbers, {c['rarity_not_declared']:,} whose outcome rarity is not "
               f"declared (both conversions shown), {c['not_computed']:,} not computed (the "
               f"row says why)."]
        frame = self.summary()
        first = frame[frame["quantity"] == "E-value (CI limit)"]
        for record in first.to_dict("records"):
            if record["n"]:
                shares = ", ".join(f"{100 * record[f'share_below_{t:g}']:.0f}% below {t:g}"
                                   for t in self.thresholds)
                out.append(f"{record['scenario']}: median E-value of the CI limit "
                           f"{record['median']:.2f} (IQR {record['q1']:.2f} to "
                           f"{record['q3']:.2f}; n = {record['n']:,}); {shares}.")
        out.append(f"Consistency: {c['ci_not_symmetric']:,} CI(s) not symmetric on the log "
                   f"scale after rounding, {c['p_disagrees']:,} p-value(s) disagreeing with "
                   f"their CI.")
        return out

    def render_text(self) -> str:
        return "\n".join(self.sentences()) + "\n\n" + frame_to_markdown(self.summary(), 3)

    def to_markdown(self, figure: str | None = None) -> str:
        lines = ["# Literature stress test: E-values of published findings", "",
                 *[f"- {s}" for s in self.sentences()], "", _PROVENANCE_MD, "",
                 frame_to_markdown(self.summary(), 3), ""]
        if figure:
            lines += [f"![E-values of the findings]({figure})", "",
                      "*E-values computed from the reported numbers; one point per finding.*",
                      ""]
        lines += [f"- {k}: {v}" for k, v in self.inputs.items()]
        return "\n".join(lines) + "\n"

    def to_html(self, figure_png: bytes | None = None) -> str:
        import base64

        frame = self.summary()
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(format_number(v, 3))}</td>"
                                        for v in row) + "</tr>"
                       for row in frame.itertuples(index=False))
        figure = ""
        if figure_png:
            data = base64.b64encode(figure_png).decode("ascii")
            figure = (f'<figure><img src="data:image/png;base64,{data}" alt="E-values of the '
                      f'findings"><figcaption>E-values computed from the reported numbers.'
                      f'</figcaption></figure>')
        items = "".join(f"<li>{html.escape(s)}</li>" for s in self.sentences())
        inputs = "".join(f"<li>{html.escape(str(k))}: {html.escape(str(v))}</li>"
                         for k, v in self.inputs.items())
        return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
                "Literature stress test</title><style>body{font-family:sans-serif;max-width:"
                "60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}td,th{"
                "border:1px solid #ccc;padding:.2rem .4rem}</style></head><body>"
                "<h1>Literature stress test: E-values of published findings</h1>"
                f"<ul>{items}</ul><p>{html.escape(_PROVENANCE_MD)}</p>"
                f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
                f"{figure}<ul class=\"repro\">{inputs}</ul></body></html>\n")

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, allow_nan=False) + "\n"


_PROVENANCE_MD = ("Where the numbers come from: each estimate and CI is reported (the row's "
                  "source); every E-value is computed from those reported numbers; the "
                  "outcome's rarity is declared by the findings table, not by the papers; "
                  "the thresholds are the user's.")


def summarise(rows: pd.DataFrame, *, thresholds: tuple[float, ...] = DEFAULT_THRESHOLDS,
              inputs: dict[str, Any] | None = None) -> LiteratureSummary:
    """The summary of :func:`~causal.literature.evalue_rows`' output."""
    from causal._validation import check_positive

    thresholds = tuple(sorted(check_positive(t, "threshold", what="an E-value threshold")
                              for t in thresholds))
    scenarios = {"as declared": rows}
    undeclared = rows["status"].str.startswith("rarity").to_numpy()
    if undeclared.any():
        for name in ("rare", "common"):
            frame = rows.copy()
            frame.loc[undeclared, "evalue_point"] = frame.loc[undeclared, f"evalue_point_{name}"]
            frame.loc[undeclared, "evalue_ci"] = frame.loc[undeclared, f"evalue_ci_{name}"]
            frame.loc[undeclared, ["selection_evalue_point", "selection_evalue_ci"]] = np.nan
            scenarios[f"undeclared read as {name}"] = frame
    return LiteratureSummary(rows=rows, thresholds=thresholds, scenarios=scenarios,
                             inputs=dict(inputs or {}))


def findings_from_extractions(extractions: list[Any], *, rare_outcome: bool | None = None
                              ) -> pd.DataFrame:
    """One row per unambiguous OR, RR, HR or MD extracted from each paper, its source the
    paper and the quote (``reported, p. 4: '...'``)."""
    records = []
    for extraction in extractions:
        for item in extraction.estimates:
            if item.is_ambiguous or item.measure not in ("OR", "RR", "HR", "MD"):
                continue
            records.append({
                "label": f"{extraction.paper.source} item {item.number}",
                "source": item.where.provenance, "measure": item.measure,
                "estimate": item.estimate,
                "ci_lower": item.ci[0] if item.ci else "",
                "ci_upper": item.ci[1] if item.ci else "",
                "ci_level": f"{item.ci_level:g}" if item.ci_level else "",
                "p_value": item.p_value or "",
                "rare_outcome": "" if rare_outcome is None else str(rare_outcome).lower()})
    return pd.DataFrame(records, columns=["label", "source", "measure", "estimate", "ci_lower",
                                          "ci_upper", "ci_level", "p_value", "rare_outcome"])
