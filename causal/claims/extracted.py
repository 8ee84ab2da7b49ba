"""What :func:`~causal.claims.extract.extract` finds: :class:`Extraction`, with its table, its
JSON and the claim-only study file it writes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from causal._results import SummaryMixin, jsonable
from causal.claims.document import PaperText
from causal.errors import ParameterError

#: measures a confirmation must name for an item whose measure the text does not name
NAMEABLE = ("OR", "RR", "HR", "RD", "MD")


@dataclass(frozen=True)
class Extraction(SummaryMixin):
    """The items found in a paper, numbered in reading order, with their checks."""

    paper: PaperText
    items: tuple[Any, ...]

    @property
    def estimates(self) -> list[Any]:
        return [i for i in self.items if i.kind == "estimate"]

    @property
    def ambiguous(self) -> list[Any]:
        return [i for i in self.items if i.is_ambiguous]

    def item(self, number: int) -> Any:
        for item in self.items:
            if item.number == number:
                return item
        raise ParameterError(f"`--include` {number}: no item {number}; the paper has "
                             f"{len(self.items)} item(s), numbered 1 to {len(self.items)}.")

    def summary(self) -> pd.DataFrame:
        """One row per item: number, page, kind, the words as written, numbers, status."""
        rows = []
        for item in self.items:
            checks = "; ".join(f"{f.check} {f.severity}" for f in item.checks)
            row = {"item": item.number, "page": item.where.page, "kind": item.kind,
                   "as_written": "", "estimate": "", "ci": "", "p_value": "",
                   "adjustment": "", "status": "ambiguous" if item.is_ambiguous else "ok",
                   "checks": checks, "quote": " ".join(item.where.quote.split())}
            if item.kind == "estimate":
                row.update(as_written=item.measure_as_written or "(none)",
                           estimate=f"{item.measure} {item.estimate}",
                           ci=(f"{item.ci_level:g}%: " if item.ci_level else "?%: ") +
                           f"{item.ci[0]} to {item.ci[1]}" if item.ci else "",
                           p_value=item.p_value or "", adjustment=item.adjustment)
            elif item.kind == "proportion":
                row.update(estimate=item.describe())
            else:
                row.update(estimate=item.describe())
            rows.append(row)
        return pd.DataFrame(rows, columns=["item", "page", "kind", "as_written", "estimate",
                                           "ci", "p_value", "adjustment", "status", "checks",
                                           "quote"])

    def render_text(self) -> str:
        from causal._results import frame_to_markdown

        if not self.items:
            return (f"No effect estimate, interval or percentage with counts was found in "
                    f"{self.paper.source} ({len(self.paper.pages)} page(s)).")
        frame = self.summary().drop(columns=["quote"])
        lines = [f"{self.paper.source}: {len(self.items)} item(s) on "
                 f"{len(self.paper.pages)} page(s).", "", frame_to_markdown(frame), ""]
        for item in self.items:
            lines.append(f"[{item.number}] p. {item.where.page}, characters "
                         f"{item.where.start}-{item.where.end}: "
                         f"\"{' '.join(item.where.quote.split())}\"")
            for reason in item.ambiguous:
                lines.append(f"    AMBIGUOUS: {reason}")
            for finding in item.checks:
                mark = {"ok": "ok", "info": "note"}.get(finding.severity,
                                                        finding.severity.upper())
                lines.append(f"    {finding.check} {mark}: {finding.message}")
                if "arithmetic" in finding.details:
                    lines.append(f"      arithmetic: {finding.details['arithmetic']}")
        if self.ambiguous:
            lines += ["", f"{len(self.ambiguous)} ambiguous item(s) are left out of --study "
                          f"unless confirmed with --include N (or N:MEASURE when the measure "
                          f"is not named)."]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        items = []
        for item in self.items:
            record: dict[str, Any] = {
                "item": item.number, "kind": item.kind, "page": item.where.page,
                "span": [item.where.start, item.where.end], "quote": item.where.quote,
                "provenance": item.where.provenance, "ambiguous": list(item.ambiguous),
                "checks": [{"check": f.check, "severity": f.severity, "message": f.message,
                            "details": f.details} for f in item.checks]}
            if item.kind == "estimate":
                record.update(measure=item.measure, measure_as_written=item.measure_as_written,
                              estimate=item.estimate,
                              ci=list(item.ci) if item.ci else None,
                              ci_as_written=item.ci_as_written, ci_level=item.ci_level,
                              p_value=item.p_value, p_as_written=item.p_as_written,
                              adjustment=item.adjustment, adjustment_cue=item.adjustment_cue)
            elif item.kind == "proportion":
                record.update(percent=item.percent, events=item.events, total=item.total)
            else:
                record.update(first_percent=item.first, second_percent=item.second)
            items.append(record)
        return jsonable({"source": self.paper.source, "kind": self.paper.kind,
                         "pages": len(self.paper.pages), "sha256": self.paper.sha256,
                         "items": items})

    # ------------------------------------------------------------------ the study file --
    def selected(self, include: dict[int, str | None] | None = None) -> list[tuple[Any, str]]:
        """(item, measure) for every estimate and comparison going into the study file:
        the unambiguous ones and those confirmed in ``include`` ({number: measure or None})."""
        include = dict(include or {})
        for number, measure in include.items():
            item = self.item(number)
            if item.kind == "proportion":
                raise ParameterError(f"`--include` {number}: item {number} is a percentage "
                                     f"with counts ({item.describe()}), not an estimate or a "
                                     f"comparison of two groups; it cannot be a claim.")
            if measure is not None and measure not in NAMEABLE:
                raise ParameterError(f"`--include` {number}:{measure}: the measure must be one "
                                     f"of {', '.join(NAMEABLE)}; got {measure!r}.")
            if item.kind == "estimate" and item.measure not in NAMEABLE and measure is None:
                raise ParameterError(
                    f"`--include` {number}: the text does not name item {number}'s measure "
                    f"({'; '.join(item.ambiguous)}); confirm it as {number}:OR, {number}:RR, "
                    f"{number}:HR, {number}:RD or {number}:MD.")
        out = []
        for item in self.items:
            if item.kind == "proportion":
                continue
            if item.is_ambiguous and item.number not in include:
                continue
            measure = include.get(item.number) or (
                "RR" if item.kind == "estimate" and item.measure == "IRR"
                else getattr(item, "measure", "RR"))
            if item.kind == "estimate":
                _check_usable(item, measure)
            out.append((item, measure))
        return out

    def study_toml(self, *, name: str, include: dict[int, str | None] | None = None,
                   citation: str | None = None, rare_outcome: bool | None = None) -> str:
        """A claim-only study file: one ``[[claims]]`` per selected estimate or comparison,
        each estimate's source its quote (``reported, p. 4: '...'``).

        ``rare_outcome`` must be stated when an OR or HR goes in (the study file's
        ``[evalue] rare_outcome``): the paper's text does not say it, so the user does, and
        the file says it is the user's statement.
        """
        chosen = self.selected(include)
        if not chosen:
            raise ParameterError(
                f"`--study`: no estimate to write; {len(self.items)} item(s) found, "
                f"{len(self.ambiguous)} ambiguous (confirm some with --include N).")
        q = _toml_string
        ratio_measures = sorted({m for i, m in chosen if i.kind == "estimate"
                                 and m in ("OR", "HR")})
        lines = [
            f"# Claim-only study written by `causal extract` from {self.paper.source}",
            f"# (sha256 {self.paper.sha256}). Every number is as printed in the paper; each",
            "# estimate's `source` quotes the text it came from. REPLACE the treatment and",
            "# outcome names below with the paper's, and check every claim against the paper.",
            "", "[study]", f"name = {q(name)}",
            f"title = {q('Estimates extracted from ' + _short(self.paper.source))}",
            'treatment = "exposure"   # REPLACE: a short name for the exposure',
            'outcome = "outcome"      # REPLACE: a short name for the outcome', "",
            "[source]",
            f"citation = {q(citation or 'REPLACE with the citation of ' + _short(self.paper.source))}",
            f"notes = {q('Extracted by causal extract; sha256 of the file: ' + self.paper.sha256)}",
        ]
        if ratio_measures and rare_outcome is None:
            raise ParameterError(
                f"`rare_outcome` must be stated for the {' and '.join(ratio_measures)} going "
                f"into the study file (from the command line --rare-outcome or "
                f"--common-outcome: is the outcome below about 15% in every group?); got "
                f"neither.")
        if rare_outcome is not None:
            lines += ["", "# Stated by the user of `causal extract`, not printed in the paper: "
                          "an OR or HR is a", "# risk ratio only when the outcome is rare "
                          "(< 15%).", "[evalue]",
                      f"rare_outcome = {'true' if rare_outcome else 'false'}"]
        for item, measure in chosen:
            lines += ["", "[[claims]]",
                      f"label = {q(f'item {item.number} (p. {item.where.page})')}"]
            if item.kind == "comparison":
                lines += ["[claims.treated]", 'label = "first group printed (read as exposed)"',
                          f"percent = {q(item.first)}", f"source = {q(item.where.provenance)}",
                          "[claims.control]", 'label = "second group printed"',
                          f"percent = {q(item.second)}", f"source = {q(item.where.provenance)}"]
                continue
            lines += ["[[claims.estimates]]",
                      f"label = {q(item.measure_as_written or measure)}",
                      f"measure = {q(measure)}", f"estimate = {q(item.estimate)}"]
            if item.ci is not None:
                lines.append(f"ci = [{q(item.ci[0])}, {q(item.ci[1])}]")
                if item.ci_level is not None and item.ci_level != 95:
                    lines.append(f"alpha = {round(1 - item.ci_level / 100, 6)!r}")
            if item.p_value is not None:
                lines.append(f"p_value = {q(item.p_value)}")
            if measure == "RD" and item.units != "proportion":
                lines.append(f"units = {q(item.units)}")
            lines += [f"adjustment = {q(item.adjustment)}", "headline = true",
                      f"source = {q(item.where.provenance)}"]
            if item.is_ambiguous:
                lines.append(f"# confirmed by the user (--include {item.number}); ambiguous "
                             f"because: {'; '.join(item.ambiguous)}")
        return "\n".join(lines) + "\n"


def _check_usable(item: Any, measure: str) -> None:
    from causal.claims.text_checks import reported_estimate
    from causal.errors import CausalError

    try:
        reported_estimate(item, measure=measure)
    except CausalError as error:
        raise ParameterError(f"item {item.number} cannot be a claim even when confirmed: "
                             f"{str(error).rstrip('.')}.") from None


def _short(source: str) -> str:
    return re.split(r"[\\/]", source)[-1]


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; control characters are escaped)."""
    return json.dumps(str(value), ensure_ascii=False)
