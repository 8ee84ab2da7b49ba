"""Read a study file once: TOML -> the typed :class:`~causal.study.model.Study`.

Loading validates the whole file before anything runs: a study that fails to load never
produces a partial report. Every message is one sentence naming the file and the field.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from causal.claims import PublishedClaim
from causal.errors import CausalError, StudySpecError
from causal.study._reader import refuse_unknown, spec_error
from causal.study.model import Study
from causal.study.tables import (
    TOP_LEVEL,
    claim,
    data,
    design,
    estimate,
    evalue,
    explain_away,
    graph,
    heterogeneity,
    individual_sensitivity,
    negative_controls,
    probabilistic_bias,
    published,
    randomised_evidence,
    report,
    scenario_benchmarks,
    scenarios,
    selection_bias,
    source,
    study,
    target_trial,
    time_ordering,
    worlds,
)

#: the largest study file read (a study file is a few kB; this bounds a hostile one)
MAX_STUDY_BYTES = 2 * 2**20


def load_study(path: str | Path) -> Study:
    """Read and validate a study file.

    Raises
    ------
    StudySpecError
        If the file is missing, is not TOML, or lacks or misstates a field; the message names
        the file and the field (and, for a misspelt key, the nearest known one).
    """
    if isinstance(path, str) and ("\x00" in path or len(path) > 4096):
        raise StudySpecError("`study` must be a path to a study file; got a string with a NUL "
                             "character or over 4,096 characters.")
    path = Path(path)
    if not str(path).isprintable():
        raise StudySpecError(f"`study` must be a path to a study file; got {str(path)!r}, "
                             "which holds control characters.")
    if path.suffix.lower() in (".csv", ".tsv", ".parquet", ".feather", ".xlsx", ".xls",
                               ".dta", ".sav", ".json"):
        raise StudySpecError(f"{path}: this is a data file, not a study file; run `causal "
                             f"init {path} --treatment T --outcome Y` first to draft a study "
                             "file for it, then give that file to this command.")
    try:
        if not path.exists():
            raise StudySpecError(f"{path}: study file not found.")
        if not path.is_file():
            raise StudySpecError(f"{path}: expected a study file (TOML), got "
                                 f"{'a directory' if path.is_dir() else 'a special file'}.")
        if path.stat().st_size > MAX_STUDY_BYTES:
            raise StudySpecError(f"{path}: a study file must be at most "
                                 f"{MAX_STUDY_BYTES // 2**20} MB; got "
                                 f"{path.stat().st_size:,} bytes.")
        text = path.read_text(encoding="utf-8")
    except StudySpecError:
        raise
    except UnicodeDecodeError:
        raise StudySpecError(f"{path}: not valid TOML (not UTF-8 text).") from None
    except OSError as error:
        raise StudySpecError(f"{path}: cannot be read ({error.strerror}).") from None
    except ValueError:  # e.g. a NUL byte inside a Path
        raise StudySpecError("`study` must be a path to a study file; got a path with a NUL "
                             "character.") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise StudySpecError(f"{path}: not valid TOML ({error}).") from None
    except RecursionError:
        raise StudySpecError(f"{path}: not valid TOML here (arrays or tables nested too "
                             f"deeply to read).") from None
    return parse_study(raw, path)


def parse_study(raw: dict[str, Any], path: Path | None, *, frame: Any = None,
                given_graph: Any = None, claims: PublishedClaim | Sequence[PublishedClaim] | None
                = None, options: dict[str, Any] | None = None) -> Study:
    """The typed study from parsed TOML (``path`` None for a study built in Python)."""
    where: Path | str = path if path is not None else "study"
    directory = path.parent if path is not None else Path.cwd()
    refuse_unknown(raw, TOP_LEVEL, "", where)
    if "study" not in raw:
        raise spec_error(where, "study", "a table with name, title, treatment and outcome",
                         None)
    info = study.parse(raw["study"], where)
    cited = source.parse(raw.get("source"), where)
    if claims is None:
        parsed_claims = claim.parse(raw, where, treatment=info.treatment, outcome=info.outcome,
                                    citation=cited.citation)
    else:
        parsed_claims = _given_claims(claims)
    data_spec = data.parse(raw["data"], where, directory=directory,
                           in_python=frame is not None) if "data" in raw else None
    if frame is not None and data_spec is not None:
        data_spec = dataclasses.replace(data_spec, checked=_check_frame(frame, data_spec, info))
    model = (data_spec.model.model if data_spec is not None and data_spec.model is not None
             else None)
    declared_worlds = worlds.parse(raw.get("worlds"), where, model)
    primary = claim.primary(parsed_claims)
    headline = primary.headline
    covariates = data_spec.covariates if data_spec is not None else (
        headline.adjusted_for if headline is not None else ())
    covariates_field = "data.covariates" if data_spec is not None else \
        "claim.estimates.adjusted_for"
    options = options or {}
    parsed = Study(
        info=info, path=path, source=cited, claims=parsed_claims, graph=None,
        data=data_spec, worlds=declared_worlds,
        published=published.parse(raw.get("published"), where),
        estimand=estimate.parse(raw.get("estimate"), where),
        saturated=estimate.parse_saturated(raw.get("estimate"), where),
        randomised=design.parse(raw.get("design"), where),
        evalue=options.get("evalue") or evalue.parse(raw.get("evalue"), where),
        scenarios=options.get("scenarios") or scenarios.parse(raw.get("scenarios"), where),
        explain_away=explain_away.parse(raw.get("explain_away"), where),
        individual_sensitivity=options.get("individual_sensitivity")
        or individual_sensitivity.parse(raw.get("individual_sensitivity"), where, covariates),
        heterogeneity=options.get("heterogeneity")
        or heterogeneity.parse(raw.get("heterogeneity"), where, covariates),
        skip=report.parse(raw.get("report"), where),
        appendix=report.parse_appendix(raw.get("report"), where),
        randomised_evidence=randomised_evidence.parse(raw.get("randomised_evidence"), where),
        probabilistic_bias=probabilistic_bias.parse(raw.get("probabilistic_bias"), where),
        time_ordering=time_ordering.parse(raw.get("time_ordering"), where),
        target_trial=target_trial.parse(raw.get("target_trial"), where),
        scenario_benchmarks=scenario_benchmarks.parse(raw.get("scenario_benchmarks"), where))
    selection, multi = selection_bias.parse(raw.get("selection_bias"), raw.get("multi_bias"),
                                            where)
    parsed = dataclasses.replace(parsed, selection_bias=selection, multi_bias=multi)
    controls = negative_controls.parse(raw.get("negative_controls"), where,
                                       treatment=info.treatment, outcome=info.outcome,
                                       covariates=tuple(covariates))
    if frame is not None and data_spec is not None and controls is not None:
        controls = dataclasses.replace(controls, checked=_control_tables(frame, data_spec, info,
                                                                         controls))
    parsed = dataclasses.replace(
        parsed, negative_controls=controls,
        negative_control_estimates=negative_controls.parse_estimates(
            raw.get("negative_control_estimates"), where))
    _cross_check(parsed, where)
    from causal.study.tables.randomised_spec import check_randomised_evidence

    check_randomised_evidence(parsed)
    # the graph is read last: it is the only table that reads another file
    roles = dict(treatment=info.treatment, outcome=info.outcome, covariates=covariates,
                 covariates_field=covariates_field)
    study_graph = _graph(raw.get("graph"), given_graph, where, directory, roles)
    negative_controls.check_against_graph(parsed.negative_controls, study_graph,
                                          info.treatment, where)
    return dataclasses.replace(parsed, graph=study_graph)



def _given_claims(claims: PublishedClaim | Sequence[PublishedClaim]
                  ) -> tuple[PublishedClaim, ...]:
    if isinstance(claims, PublishedClaim):
        family: tuple[Any, ...] = (claims,)
    elif isinstance(claims, (list, tuple)):
        family = tuple(claims)
    else:
        raise StudySpecError(f"`claim` must be a PublishedClaim or a sequence of them; got "
                             f"{type(claims).__name__}.")
    if not all(isinstance(c, PublishedClaim) for c in family):
        raise StudySpecError("`claim` must be a PublishedClaim or a sequence of them; got "
                             f"{', '.join(sorted({type(c).__name__ for c in family}))}.")
    primary = [c.label for c in family if c.primary]
    if len(primary) > 1:
        raise StudySpecError(f"`claim` must mark at most one claim primary; got "
                             f"{len(primary)}.")
    return family


def _control_tables(frame: Any, spec: Any, info: Any, controls: Any) -> dict[str, Any]:
    """The DataFrame checked once per negative-control outcome (as that study's outcome), and
    with the first exposure and outcome control as extra columns for proximal 2SLS."""
    out = {c.column: _check_frame(frame, spec, dataclasses.replace(info, outcome=c.column))
           for c in controls.outcomes}
    for control in controls.exposures:  # its own analysis: the exposure as the treatment
        try:
            out[f"exposure:{control.column}"] = _check_frame(
                frame, dataclasses.replace(spec, covariates=(*spec.covariates, info.treatment)),
                dataclasses.replace(info, treatment=control.column))
        except CausalError as error:  # e.g. a continuous exposure: reported, not refused
            out[f"exposure:{control.column}"] = str(error)
    if controls.outcomes and controls.exposures:
        extra = (controls.exposures[0].column, controls.outcomes[0].column)
        out["proximal"] = _check_frame(frame, dataclasses.replace(
            spec, covariates=(*spec.covariates, *extra)), info)
    return out


def _check_frame(frame: Any, spec: Any, info: Any) -> Any:
    """The DataFrame checked and copied (declared columns only) by the data reader."""
    from causal.data.files import check_frame

    return check_frame(frame, treatment=info.treatment, outcome=info.outcome,
                       covariates=spec.covariates, categorical=spec.categorical,
                       outcome_kind=spec.outcome_kind, missing=spec.missing,
                       source=spec.source, cluster=spec.cluster)


def _graph(table: Any, given: Any, where: Path | str, directory: Path,
           roles: dict[str, Any]) -> graph.StudyGraph | None:
    """The ``[graph]`` table, or a graph given in Python (a path or a CausalGraph)."""
    if given is None:
        return graph.parse(table, where, directory=directory, **roles)
    from causal.graph.dag import CausalGraph

    if isinstance(given, (str, Path)):
        return graph.parse({"file": str(given)}, where, directory=Path.cwd(), **roles)
    if not isinstance(given, CausalGraph):
        raise StudySpecError(f"`graph` must be a path to a graph file or a CausalGraph; got "
                             f"{type(given).__name__}.")
    return graph.StudyGraph(given.name, graph.check_roles(given, label=f"graph {given.name!r}",
                                                          path=where, **roles))


def _cross_check(parsed: Study, where: Path | str) -> None:
    """Checks that span tables."""
    for i, item in enumerate(parsed.claims):
        headline = item.headline
        if (headline is not None and headline.measure in ("OR", "HR")
                and parsed.evalue.rare_outcome is None):
            name = "" if len(parsed.claims) == 1 else f" of [claims[{i}]]"
            raise spec_error(where, "evalue.rare_outcome",
                             f"true or false (the headline {headline.measure}{name} needs "
                             f"it: is the outcome rare?)", None)
    spec = parsed.data
    if parsed.worlds and (spec is None or not spec.simulated):
        raise spec_error(where, "data.source", "'simulated' when the study declares [[worlds]]",
                         None if spec is None else spec.source)
    if spec is not None and spec.simulated and not parsed.worlds:
        raise spec_error(where, "worlds",
                         "at least one [[worlds]] table when data.source = 'simulated'", None)
    chosen = parsed.heterogeneity.world if parsed.heterogeneity is not None else None
    if chosen is not None and chosen not in [w.name for w in parsed.worlds]:
        raise spec_error(where, "heterogeneity.world", "the name of a [[worlds]] table",
                         chosen)
    covariates = parsed.covariates
    for field_name, names in (("individual_sensitivity.benchmarks",
                               parsed.individual_sensitivity.benchmarks),
                              ("heterogeneity.modifiers", () if parsed.heterogeneity is None
                               else parsed.heterogeneity.modifiers)):
        unknown = [n for n in names if n not in covariates]
        if unknown:
            raise spec_error(where, field_name, f"among the study's covariates "
                             f"({', '.join(covariates)})", unknown)
    if parsed.individual_sensitivity.benchmarks and spec is None:
        raise spec_error(where, "individual_sensitivity", "absent unless the study declares "
                         "[data]", None)
    try:
        for item in parsed.claims:
            _ = item.prevalence
    except CausalError as error:  # pragma: no cover - the claim types check their numbers
        raise StudySpecError(f"{where}: {error}") from None
