"""The ``[[published]]`` tables of a study: numbers the literature reports for its real data.

Each table has ``label``, ``method`` (e.g. ``"ipw"``, ``"crude"``), ``measure`` (OR, RR, HR,
RD or MD), ``estimate``, and optionally ``ci = [lower, upper]``, ``std_error``, ``source`` and
``note``. Tests and reports compare estimates on the data with them. An IPW answer may say
which standard error its interval used: ``se = "sandwich"`` or ``"fixed_weights"`` (validated,
and applied, in :mod:`causal.estimate.study`).
"""

from __future__ import annotations

from dataclasses import dataclass

from causal.data.spec import _number, _unknown
from causal.spec import Study, spec_error

_PUBLISHED_KEYS = {"label", "method", "measure", "estimate", "ci", "std_error", "source", "note",
                   "se"}


@dataclass(frozen=True)
class PublishedAnswer:
    """A ``[[published]]`` table: a number the literature reports for these data."""

    label: str
    method: str
    measure: str
    estimate: float
    ci: tuple[float, float] | None = None
    std_error: float | None = None
    source: str = ""
    note: str = ""
    se: str | None = None  # the SE convention of ``ci`` (IPW only), see causal.estimate.study


def parse_published(study: Study) -> tuple[PublishedAnswer, ...]:
    """The study's ``[[published]]`` tables (known answers on its real data), checked."""
    from causal.claims import MEASURE_NAMES

    raw = study.raw.get("published", [])
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise spec_error(study.path, "published", "an array of tables ([[published]])", raw)
    answers = []
    for i, table in enumerate(raw):
        where = f"published[{i}]"
        _unknown(table, _PUBLISHED_KEYS, where, study)
        for key in ("label", "method"):
            if not isinstance(table.get(key), str):
                raise spec_error(study.path, f"{where}.{key}", "a string", table.get(key))
        if table.get("measure") not in MEASURE_NAMES:
            raise spec_error(study.path, f"{where}.measure", f"one of {', '.join(MEASURE_NAMES)}",
                             table.get("measure"))
        estimate = _number(table, "estimate", where, study)
        ci = table.get("ci")
        if ci is not None:
            if (not isinstance(ci, list) or len(ci) != 2 or not all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) for v in ci)
                    or not ci[0] <= estimate <= ci[1]):
                raise spec_error(study.path, f"{where}.ci",
                                 "a list [lower, upper] around the estimate", ci)
            ci = (float(ci[0]), float(ci[1]))
        se = (_number(table, "std_error", where, study, low=0, open_low=True,
                      what="a positive standard error") if "std_error" in table else None)
        answers.append(PublishedAnswer(table["label"], table["method"], table["measure"],
                                       estimate, ci, se, str(table.get("source", "")),
                                       str(table.get("note", "")), table.get("se")))
    return tuple(answers)
