"""``[[published]]``: numbers the literature reports for the study's real data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from causal.claims import MEASURE_NAMES
from causal.data.published import PublishedAnswer
from causal.study._reader import TableReader, spec_error

KEYS = frozenset({"label", "method", "measure", "estimate", "ci", "std_error", "source", "note",
                  "se"})
#: ``se`` of an IPW answer: the standard-error options of :class:`causal.estimate.IPW`
PUBLISHED_SE = ("sandwich", "fixed_weights")


def parse(raw: Any, path: Path | str) -> tuple[PublishedAnswer, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise spec_error(path, "published", "an array of tables ([[published]])", raw)
    answers = []
    for i, table in enumerate(raw):
        reader = TableReader(table, f"published[{i}]", path, KEYS)
        label, method = reader.string("label"), reader.string("method")
        measure = reader.choice("measure", MEASURE_NAMES)
        estimate = reader.number("estimate")
        ci = table.get("ci")
        if ci is not None:
            if (not isinstance(ci, list) or len(ci) != 2
                    or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                               for v in ci)):
                raise reader.error("ci", "a list [lower, upper] around the estimate", ci)
            lower = reader.check_number(ci[0], "ci", expected="a finite lower limit")
            upper = reader.check_number(ci[1], "ci", expected="a finite upper limit")
            if not lower <= estimate <= upper:
                raise reader.error("ci", "a list [lower, upper] around the estimate", ci)
            ci = (lower, upper)
        se = reader.number("std_error", None, low=0, open_low=True,
                           expected="a positive standard error")
        convention = reader.choice("se", PUBLISHED_SE, None)
        if convention is not None and method.lower() != "ipw":
            raise reader.error("se", "absent unless method = 'ipw' (it names an IPW standard "
                               "error)", convention)
        answers.append(PublishedAnswer(label, method, measure, estimate, ci, se,
                                       reader.string("source", ""), reader.string("note", ""),
                                       convention))
    return tuple(answers)
