"""What an audit finds: one :class:`Finding` per check, collected in an :class:`AuditResult`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from causal._results import SummaryMixin, jsonable
from causal.claims.model import SEVERITIES, Severity


@dataclass(frozen=True)
class Finding:
    """One result of one audit check."""

    check: str
    subject: str
    severity: Severity
    message: str
    details: dict[str, Any] = field(default_factory=dict)


#: checks that, failing on the same estimate, describe one problem (see AuditResult.problems)
_SAME_PROBLEM = ("counts", "tables")
#: how :meth:`AuditResult.render_text` marks each severity
_MARKS = {"ok": "ok     ", "info": "note   ", "warning": "WARNING", "error": "PROBLEM"}


@dataclass(frozen=True)
class AuditResult(SummaryMixin):
    """All findings of :func:`audit`, worst first within the order the checks ran."""

    findings: tuple[Finding, ...]

    @property
    def worst(self) -> Severity:
        if not self.findings:
            return "ok"
        return max((f.severity for f in self.findings), key=SEVERITIES.index)

    def by_check(self, check: str) -> list[Finding]:
        return [f for f in self.findings if f.check == check]

    @property
    def problems(self) -> list[tuple[Finding, ...]]:
        """Warning and error findings grouped into distinct problems, in order of appearance.

        Several checks can describe one problem: an estimate that the group counts cannot
        produce fails both ``counts`` (the counts give another value) and ``tables`` (no table
        with the group sizes reproduces it). Those findings on the same estimate are one
        problem; every other failing finding is a problem of its own.
        """
        groups: dict[tuple[str, str], list[Finding]] = {}
        for finding in self.findings:
            if finding.severity not in ("warning", "error"):
                continue
            family = "counts" if finding.check in _SAME_PROBLEM else finding.check
            groups.setdefault((finding.subject, family), []).append(finding)
        return [tuple(group) for group in groups.values()]

    def summary(self) -> pd.DataFrame:
        """One row per finding: check, subject, severity and message (the audit's own table)."""
        return pd.DataFrame(
            [{"check": f.check, "subject": f.subject, "severity": f.severity,
              "message": f.message} for f in self.findings],
            columns=["check", "subject", "severity", "message"],
        )

    def to_dict(self) -> dict[str, Any]:
        """``{"worst": severity, "findings": one record per finding}`` in plain JSON types."""
        return jsonable({"worst": self.worst, "findings": self.to_records()})

    def render_text(self, label: str = "") -> str:
        """One line per finding, ``[WARNING] label: check: message``; ``label`` names the claim
        when a study has several (empty: no label)."""
        prefix = f"{label}: " if label else ""
        return "\n".join(f"[{_MARKS[f.severity]}] {prefix}{f.check}: {f.message}"
                         for f in self.findings)

    def to_records(self) -> list[dict[str, Any]]:
        return [{"check": f.check, "subject": f.subject, "severity": f.severity,
                 "message": f.message, "details": f.details} for f in self.findings]
