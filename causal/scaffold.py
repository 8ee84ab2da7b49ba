"""Starting files for a new study: ``causal init`` writes them, the user edits them.

:func:`scaffold_from_data` reads a data file once and drafts a study file (``[study]``,
``[data]`` pointing at the file, ``[graph]``, no claim) and a DOT graph with every declared
column as a measured node and commented placeholders for the unmeasured confounders the data
cannot show. :func:`paper_template` drafts a claim-only study file for a published result.
:func:`write_new` writes them, refusing to overwrite anything. Nothing here prints.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from pandas.api import types

from causal.errors import ParameterError

_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: an all-distinct integer or text column with at least this many rows is an identifier
_IDENTIFIER_MIN_ROWS = 20
#: placeholders for unmeasured confounders: (node, label)
PLACEHOLDERS = (("motivation", "Motivation"), ("engagement", "Engagement with the service"),
                ("clinician_or_site", "Clinician or site effects"),
                ("health_trajectory", "Health trajectory (getting better or worse)"))


@dataclass(frozen=True)
class Scaffold:
    """Drafted files and what the user should know about them."""

    study_path: Path
    graph_path: Path
    study_text: str
    graph_text: str
    covariates: tuple[str, ...]
    categorical: tuple[str, ...]
    left_out: tuple[str, ...]
    notes: tuple[str, ...]


def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _toml_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(_toml(v) for v in values) + "]"


def _dot_id(name: str) -> str:
    return name if _ID.match(name) else _toml(name)


def study_name(text: str) -> str:
    """A study name (letters, digits, '-' and '_') from a file stem."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_")
    return name or "study"


def _identifier(series: pd.Series) -> bool:
    values = series.dropna()
    if len(values) < _IDENTIFIER_MIN_ROWS or types.is_float_dtype(values.dtype):
        return False
    return bool(values.is_unique)


def scaffold_from_data(data: str | Path, *, treatment: str, outcome: str,
                       covariates: Sequence[str] | None = None,
                       out: str | Path = ".", missing: str = "refuse") -> Scaffold:
    """Draft a study file and a graph for a data file.

    Parameters
    ----------
    data : path
        A CSV, Parquet or Feather file (see :func:`causal.data.files.read_table`).
    treatment, outcome : str
        Column names; the treatment must be 0/1.
    covariates : sequence of str, optional
        Default: every other column except identifiers (integer or text columns whose values
        are all distinct), which are left out and listed in :attr:`Scaffold.left_out`.
    out : path
        Folder of the new files, ``<stem>.toml`` and ``<stem>.dot``; ``[data] source`` is
        written relative to it.
    missing : {"refuse", "complete_case"}
        Written as ``[data] missing`` when the file has missing values in the declared
        columns ("refuse" leaves the choice to the user, commented, with the counts).
    """
    from causal._validation import check_literal
    from causal.data.files import read_columns, read_table

    check_literal(missing, "missing", ("refuse", "complete_case"))
    data = Path(data)
    columns = read_columns(data)
    chosen_by_user = covariates is not None
    if covariates is None:
        candidates = [c for c in columns if c not in (treatment, outcome)]
    else:
        if isinstance(covariates, str):
            raise ParameterError(f"`covariates` must be a list of column names; got "
                                 f"{covariates!r}.")
        candidates = list(covariates)
    table = read_table(data, treatment=treatment, outcome=outcome, covariates=candidates,
                       categorical=candidates, missing="complete_case")
    frame = table.frame
    left_out = () if chosen_by_user else tuple(c for c in candidates if _identifier(frame[c]))
    chosen = tuple(c for c in candidates if c not in left_out)
    categorical = tuple(c for c in chosen if not types.is_numeric_dtype(frame[c].dtype))
    out = Path(out)
    stem = study_name(data.name.split(".")[0])
    study_path, graph_path = out / f"{stem}.toml", out / f"{stem}.dot"
    notes = []
    if left_out:
        notes.append(f"left out {', '.join(left_out)}: every value distinct, so an identifier, "
                     "not a covariate")
    if table.dropped and missing == "refuse":
        notes.append(f"{table.n_read - table.n_used:,} of {table.n_read:,} rows have missing "
                     "values; the study refuses them until you choose missing = "
                     "\"complete_case\" in [data]")
    elif table.dropped:
        notes.append(f"{table.n_read - table.n_used:,} of {table.n_read:,} rows have missing "
                     "values and are dropped (missing = \"complete_case\")")
    binary = set(pd.unique(frame[outcome])) <= {0, 1}
    source = Path(os.path.relpath(data.resolve(), out.resolve())).as_posix()
    study_text = _study_text(stem, data, source, treatment, outcome, chosen, categorical,
                             left_out, table, graph_path.name, binary,
                             float(frame[outcome].mean()) if binary else None, missing)
    graph_text = _graph_text(stem, data.name, treatment, outcome, chosen, columns)
    return Scaffold(study_path, graph_path, study_text, graph_text, chosen, categorical,
                    left_out, tuple(notes))


def _study_text(name: str, data: Path, source: str, treatment: str, outcome: str,
                covariates: tuple[str, ...], categorical: tuple[str, ...],
                left_out: tuple[str, ...], table, graph_file: str, binary: bool,
                prevalence: float | None, missing: str) -> str:
    lines = [
        f"# Study file drafted by `causal init` from {data.name}. Lines starting with # are",
        "# comments. Check every field: the draft knows the columns, not the study.",
        "",
        "[study]",
        f"name = {_toml(name)}",
        f"title = {_toml(f'{outcome} by {treatment} in {data.name}')}",
        f"treatment = {_toml(treatment)}",
        f"outcome = {_toml(outcome)}",
        f"# question = \"Did {treatment} change {outcome}?\"",
        f"# treatment_description = \"what {treatment} = 1 means, e.g. accepted the offer\"",
        f"# outcome_description = \"what {outcome} measures, and when\"",
        "# population = \"who is in the data\"",
        "# design = \"e.g. observational cohort; who chose the treatment, and how\"",
        "",
        "[data]",
        f"source = {_toml(source)}   # relative to this file",
        f"covariates = {_toml_list(covariates)}",
    ]
    if categorical:
        lines.append(f"categorical = {_toml_list(categorical)}   # text columns: entered as "
                     "categories")
    if left_out:
        lines.append(f"# left out (every value distinct, an identifier): "
                     f"{', '.join(left_out)}")
    if table.dropped:
        arms = ", ".join(f"{k} {v:,}" for k, v in table.dropped.items())
        lines += [f"# {table.n_read - table.n_used:,} of {table.n_read:,} rows have missing "
                  "values in these columns",
                  f"# ({arms})."]
        if missing == "complete_case":
            lines += ["# They are dropped, and the report states how many per arm; delete the "
                      "next line",
                      "# to have the study refuse them instead.",
                      "missing = \"complete_case\""]
        else:
            lines += ["# The study refuses them: fill them in, or uncomment the next line to "
                      "drop those rows",
                      "# (the report then states how many per arm).",
                      "# missing = \"complete_case\""]
    lines += ["", "[graph]",
              f"file = {_toml(graph_file)}   # edit it: add the unmeasured confounders"]
    if binary and prevalence is not None:
        from causal.sensitivity.evalue import RARE_OUTCOME_THRESHOLD

        rare = prevalence < RARE_OUTCOME_THRESHOLD
        lines += ["",
                  "# The outcome is 0/1. An odds ratio approximates a risk ratio only for a rare",
                  f"# outcome (below about {100 * RARE_OUTCOME_THRESHOLD:.0f}%, VanderWeele "
                  f"2017); {outcome} = 1 in {100 * prevalence:.1f}% of the",
                  "# complete rows. Change this if the outcome is rare or common in a "
                  "different way in your",
                  "# population (the rule is about every stratum, not only the whole sample).",
                  "[evalue]", f"rare_outcome = {'true' if rare else 'false'}"]
    lines += ["",
              "# No [claim]: the report stress-tests this study's own estimate. To compare "
              "with a",
              "# published result, add [[claim.estimates]] (`causal init --from-paper NAME` "
              "shows the keys).", ""]
    return "\n".join(lines)


def _graph_text(name: str, data_name: str, treatment: str, outcome: str,
                covariates: tuple[str, ...], columns: Sequence[str]) -> str:
    t, y = _dot_id(treatment), _dot_id(outcome)
    lines = [
        f"// Causal graph drafted by `causal init` from {data_name}: every declared column is a",
        "// measured node, each covariate a common cause of the treatment and the outcome. That",
        "// is the assumption a covariate-adjusted analysis makes. Edit it: remove arrows you",
        "// know are absent, mark a covariate caused by the treatment (a mediator), and add",
        "// what the data cannot show (the placeholders at the end).",
        f"digraph {_dot_id(name)} {{",
        "  rankdir=LR;",
        f"  {t} [role=\"exposure\", label={_toml(treatment)}];",
        f"  {y} [role=\"outcome\", label={_toml(outcome)}];",
    ]
    lines += [f"  {_dot_id(c)};" for c in covariates]
    lines.append("")
    for c in covariates:
        lines.append(f"  {_dot_id(c)} -> {t};")
        lines.append(f"  {_dot_id(c)} -> {y};")
    lines += [f"  {t} -> {y};", "",
              "  // Unmeasured confounders: what makes people both more likely to be treated and",
              "  // more (or less) likely to have the outcome, that the file does not record?",
              "  // Uncomment and rename what applies in your field and point it at what it",
              "  // affects; the report then names the paths adjustment cannot close."]
    taken = set(columns)
    for node, label in PLACEHOLDERS:
        if node in taken:
            continue
        lines += [f"  // {node} [latent=\"true\", label={_toml(label)}];",
                  f"  // {node} -> {t};", f"  // {node} -> {y};"]
    lines += ["}", ""]
    return "\n".join(lines)


def write_new(files: dict[Path, str]) -> None:
    """Write each file; refuse (ParameterError) if any exists, before writing any."""
    existing = [p for p in files if p.exists()]
    if existing:
        raise ParameterError(f"{existing[0]} already exists; `causal init` does not "
                             "overwrite files, so remove it or choose another --out folder.")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


_PAPER = """\
# Claim-only study drafted by `causal init --from-paper`. The numbers below are an EXAMPLE:
# Thew et al. (2024) as published (studies/thew2024.toml has the whole study). Replace every
# one with your paper's, and delete what your paper does not print. Lines starting with #
# are comments; docs/study-file.md lists every key, including the other forms a paper may
# print (percentages without group sizes, an estimate without a CI, several outcomes).
# Then run: causal report {name}.toml

[study]
name = "{name}"
title = "Employment support and recovery (EXAMPLE numbers: Thew et al., 2024)"   # REPLACE
treatment = "employment_support"   # a short name for the exposure
outcome = "recovery"               # a short name for the outcome
# question = "Did the exposure change the outcome?"
# treatment_description = "what being exposed means"
# outcome_description = "what the outcome measures, and when"
# population = "who was studied"
# design = "e.g. observational cohort; how people came to be exposed"

[source]
citation = "Thew, G. R., Popa, A., Allsop, C., Crozier, E., Landsberg, J., & Sadler, S. (2024). Behavioural and Cognitive Psychotherapy, 52(1), 93-99."   # REPLACE
# doi = "10.1017/S1352465823000474"
notes = "EXAMPLE numbers from the template of `causal init --from-paper`: replace them."

# The two groups as printed: events (people with the outcome) out of total, and the percent.
[claim.treated]
label = "accepted employment support"
events = 31
total = 66
percent = 47

[claim.control]
label = "declined employment support"
events = 64
total = 236
percent = 27

# Each estimate as printed. measure: OR, RR, HR, RD or MD; ci = [lower, upper] (95% unless
# alpha says otherwise); adjustment: "none", "adjusted" or "unknown"; odds_ratio_kind:
# "conditional" (a logistic-regression coefficient), "marginal", "crude" or "unspecified".
[[claim.estimates]]
label = "adjusted model"
measure = "OR"
estimate = 2.54
ci = [1.32, 4.89]
p_value = ".005"                  # as printed (optional)
adjustment = "adjusted"
adjusted_for = ["age", "sex", "baseline severity"]   # as the paper lists them (optional)
odds_ratio_kind = "conditional"
headline = true                   # the estimate the report's verdict is about
source = "abstract"

# An odds ratio is a risk ratio only when the outcome is rare (below about 15% in every
# group); recovery here is 31%, so it is common and the E-value uses RR ~ sqrt(OR).
[evalue]
rare_outcome = false

# Optional: a causal graph naming the unmeasured confounders (see dags/thew2024.dot).
# [graph]
# file = "{name}.dot"
"""


def paper_template(name: str) -> str:
    """A commented, claim-only study file whose example numbers are Thew et al. (2024)."""
    if not isinstance(name, str) or not name or study_name(name) != name:
        raise ParameterError("`--from-paper` must be a study name of letters, digits, '-' or "
                             f"'_' (it names the file and the report folder); got {name!r}.")
    return _PAPER.format(name=name)
