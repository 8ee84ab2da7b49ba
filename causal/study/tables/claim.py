"""``[claim]`` or ``[[claims]]``: what the paper reports, as printed.

One claim is a ``[claim]`` table; a family of claims (several outcomes or subgroups of one
study) is an array of ``[[claims]]`` tables, each with a ``label`` and at most one marked
``primary = true`` (the one the report's single-claim sections use; the first otherwise).
Each claim has optional groups (``[claim.treated]``, ``[claim.control]``, ``[claim.overall]``:
counts, a percentage with the group size, or a percentage alone), ``[[claim.estimates]]``
(estimates as printed, a CI optional), ``[claim.sample]`` (descriptive) and
``[claim.unmeasured]`` (confounders the paper names but did not measure).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from causal.claims import ADJUSTMENTS, MEASURE_NAMES, GroupCounts, PublishedClaim, ReportedEstimate
from causal.errors import CausalError, StudySpecError
from causal.study._reader import MAX_COUNT, TableReader, spec_error

CLAIM_KEYS = frozenset({"label", "subgroup", "outcome", "benefit", "primary", "treated",
                        "control", "overall", "estimates", "sample", "unmeasured", "notes",
                        "adjusted_for", "clustering", "source_says"})
CLUSTERING_KEYS = frozenset({"icc", "mean_cluster_size", "justification"})
GROUP_KEYS = frozenset({"label", "events", "total", "percent", "source"})
ESTIMATE_KEYS = frozenset({"label", "measure", "estimate", "ci", "p_value", "alpha", "adjustment",
                           "adjusted_for", "odds_ratio_kind", "headline", "source", "outcome_sd",
                           "units"})
SAMPLE_KEYS = frozenset({"n", "age_mean", "age_sd", "female", "white", "source", "notes"})
UNMEASURED_KEYS = frozenset({"confounders", "source"})
ODDS_RATIO_KINDS = ("conditional", "marginal", "crude", "unspecified")
_GROUPS = ("treated", "control", "overall")


def _group(reader: TableReader, key: str) -> GroupCounts | None:
    sub = reader.sub(key, GROUP_KEYS, what="a table with events and total, or percent")
    if sub is None:
        return None
    count = dict(high=MAX_COUNT, expected="a non-negative integer")
    try:
        return GroupCounts(
            label=sub.string("label", key), events=sub.integer("events", None, **count),
            total=sub.integer("total", None, low=1, high=MAX_COUNT,
                              expected="a positive integer group size"),
            percent=_printed(sub, "percent", None, low=0, high=100,
                             expected="a percentage in [0, 100]"),
            source=sub.string("source", ""))
    except StudySpecError:
        raise
    except CausalError as error:
        raise StudySpecError(f"{reader.path}: field `{sub.where}`: {error}") from None


def _printed(reader: TableReader, key: str, default: Any, **bounds: Any) -> Any:
    """A number as printed: a TOML number, or a string that reads as one ("5.10" keeps its
    trailing zero, which the audit's rounding checks need). Returned as written."""
    if key not in reader:
        if default is ...:
            raise reader.error(key, f"present ({bounds.get('expected', 'a number')})", None)
        return default
    value = number = reader.table[key]
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise reader.error(key, bounds.get("expected", "a number"), value) from None
    reader.check_number(number, key, **bounds)
    return value


def _ci(reader: TableReader) -> tuple[Any, Any] | None:
    if "ci" not in reader:
        return None
    value = reader.table["ci"]
    expected = "a list [lower, upper] of two numbers"
    if not isinstance(value, list) or len(value) != 2 or not all(
            isinstance(v, (int, float, str)) and not isinstance(v, bool) for v in value):
        raise reader.error("ci", expected, value)
    limits = []
    for i, limit in enumerate(value):
        probe = TableReader({"ci": limit}, reader.where, reader.path, None)
        limits.append(_printed(probe, "ci", None, expected=expected + f" (limit {i + 1})"))
    return limits[0], limits[1]


def _estimate(table: Any, where: str, path: Path | str) -> ReportedEstimate:
    reader = TableReader(table, where, path, ESTIMATE_KEYS)
    try:
        return ReportedEstimate(
            label=reader.string("label", max_chars=1000),
            measure=reader.choice("measure", MEASURE_NAMES),
            estimate=_printed(reader, "estimate", ..., expected="a number"),
            ci=_ci(reader),
            p_value=_p_text(reader),
            alpha=reader.number("alpha", 0.05, low=0, high=1, open_low=True, open_high=True,
                                expected="a number in (0, 1)"),
            adjustment=reader.choice("adjustment", ADJUSTMENTS, "unknown"),
            adjusted_for=reader.names("adjusted_for", ()),
            odds_ratio_kind=reader.choice("odds_ratio_kind", ODDS_RATIO_KINDS, "unspecified"),
            headline=reader.boolean("headline", False),
            source=reader.string("source", ""),
            outcome_sd=reader.number("outcome_sd", None, low=0, open_low=True,
                                     expected="a positive standard deviation (for an MD)"),
            units=reader.choice("units", ("proportion", "percentage_points"), "proportion"),
        )
    except StudySpecError:
        raise
    except CausalError as error:
        raise StudySpecError(f"{path}: field `{where}`: {error}") from None


def _p_text(reader: TableReader) -> str | None:
    if "p_value" not in reader:
        return None
    value = reader.table["p_value"]
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise reader.error("p_value", "a string as printed, e.g. '<.001'", value)
    return str(value)


def _clustering(reader: TableReader) -> Any:
    """``clustering = { icc = 0.05 (or a list), mean_cluster_size = 10, justification }``:
    an ASSUMED ICC, never a reported one."""
    from causal.claims.model import ClusteringAssumption

    sub = reader.sub("clustering", CLUSTERING_KEYS, what="a table { icc = 0.05 (or a list of "
                     "ICCs), mean_cluster_size = 10 }")
    if sub is None:
        return None
    expected = "an ICC in [0, 1) or a non-empty list of them"
    raw = sub.table.get("icc")
    values = raw if isinstance(raw, list) else [raw]
    if raw is None or not values or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v < 1
            for v in values):
        raise sub.error("icc", expected, raw)
    size = sub.number("mean_cluster_size", low=1, expected="a mean cluster size >= 1")
    return ClusteringAssumption(tuple(float(v) for v in values), float(size),
                                sub.string("justification", ""))


def parse_one(raw: Any, where: str, path: Path | str, *, treatment: str, outcome: str,
              citation: str) -> PublishedClaim:
    """One ``[claim]`` (or one ``[[claims]]`` entry) as a :class:`PublishedClaim`."""
    reader = TableReader(raw, where, path, CLAIM_KEYS, what="a table with the published numbers")
    groups = {key: _group(reader, key) for key in _GROUPS}
    estimates = tuple(_estimate(item, f"{where}.estimates[{i}]", path) for i, item in
                      enumerate(reader.array("estimates", what="an array of tables "
                                                                f"([[{where}.estimates]])")))
    if not estimates and not (groups["treated"] and groups["control"]):
        raise spec_error(path, where, f"a table with [[{where}.estimates]] or both "
                         f"[{where}.treated] and [{where}.control]")
    sample = reader.sub("sample", SAMPLE_KEYS)
    if sample is not None:
        sample.integer("n", None, low=1)
        for key in ("age_mean", "age_sd"):
            sample.number(key, None)
        for key in ("female", "white"):
            sample.integer(key, None)
        sample.string("source", "")
        sample.string("notes", "")
    unmeasured = reader.sub("unmeasured", UNMEASURED_KEYS)
    confounders: tuple[str, ...] = ()
    if unmeasured is not None:
        confounders = unmeasured.names("confounders", (), what="a list of names")
        unmeasured.string("source", "")
    reader.string("notes", "")
    try:
        return PublishedClaim(
            treated=groups["treated"], control=groups["control"], overall=groups["overall"],
            estimates=estimates, outcome=reader.string("outcome", outcome),
            treatment=treatment, source=citation, label=reader.string("label", ""),
            subgroup=reader.string("subgroup", ""),
            benefit=reader.choice("benefit", ("higher", "lower"), None),
            unmeasured=confounders, primary=reader.boolean("primary", False),
            adjusted_for=reader.names("adjusted_for", ()), clustering=_clustering(reader),
            source_says=reader.string("source_says", ""))
    except CausalError as error:
        raise StudySpecError(f"{path}: field `{where}`: {error}") from None


def parse(raw: dict[str, Any], path: Path | str, *, treatment: str, outcome: str,
          citation: str) -> tuple[PublishedClaim, ...]:
    """Every claim of the study: ``(claim,)``, the ``[[claims]]`` family, or ``()``."""
    common = dict(treatment=treatment, outcome=outcome, citation=citation)
    if "claim" in raw and "claims" in raw:
        raise spec_error(path, "claims", "absent when the study has a [claim] table (use one "
                         "[claim] or a family of [[claims]])", "both")
    if "claim" in raw:
        return (parse_one(raw["claim"], "claim", path, **common),)
    if "claims" not in raw:
        return ()
    family = raw["claims"]
    if not isinstance(family, list) or not family or not all(isinstance(t, dict)
                                                             for t in family):
        raise spec_error(path, "claims", "a non-empty array of tables ([[claims]])", family)
    claims = tuple(parse_one(table, f"claims[{i}]", path, **common)
                   for i, table in enumerate(family))
    labels = [c.label for c in claims]
    for i, claim in enumerate(claims):
        if not claim.label:
            raise spec_error(path, f"claims[{i}].label", "a label naming the outcome or "
                             "subgroup (each claim of a family needs one)", None)
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        raise spec_error(path, "claims.label", "unique across [[claims]]", repeated[0])
    primary = [c.label for c in claims if c.primary]
    if len(primary) > 1:
        raise spec_error(path, "claims.primary", "true for at most one claim", primary)
    return claims


def primary(claims: tuple[PublishedClaim, ...]) -> PublishedClaim:
    """The claim the single-claim report sections use (an empty claim when there is none)."""
    if not claims:
        return PublishedClaim()
    return next((c for c in claims if c.primary), claims[0])
