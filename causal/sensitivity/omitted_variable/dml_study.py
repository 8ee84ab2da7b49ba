"""Run the Long-Story-Short sensitivity analysis on a study's individual-level data.

Used by ``causal dml-sensitivity`` and the report section ``dml_sensitivity``: the study's
data (real, or one SIMULATED cohort of a declared world), its covariates and estimand
(``[estimate] estimand``), the project's cross-fitted AIPW (5 folds, logistic propensity,
logistic or linear outcome models per arm), and benchmarks: every covariate on its own, plus
the ``[individual_sensitivity] benchmarks`` as one group when they name more than one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from causal._results import frame_to_markdown, jsonable
from causal._validation import check_random_state
from causal.errors import ParameterError
from causal.sensitivity.omitted_variable.dml_result import DMLSensitivity


@dataclass(frozen=True)
class StudyDMLSensitivity:
    """A :class:`DMLSensitivity` with where its data came from."""

    study: str
    world: str | None
    simulated: bool
    description: str
    data_hash: str
    seed: int
    result: DMLSensitivity

    def to_dict(self) -> dict[str, Any]:
        """Where the data came from, the robustness values, the summary and the benchmarks, in
        plain JSON types."""
        result = self.result
        return jsonable({"study": self.study, "world": self.world, "simulated": self.simulated,
                         "description": self.description, "data_sha256": self.data_hash,
                         "seed": self.seed, "rv": result.rv, "rva": result.rva,
                         "summary": result.summary(), "benchmarks": result.benchmark_table()})

    def render_text(self) -> str:
        """The data's description (marked SIMULATED when it is), the summary table and, with
        benchmarks, their table after a blank line."""
        result = self.result
        lines = [("SIMULATED data: " if self.simulated else "") + self.description,
                 frame_to_markdown(result.summary()[["quantity", "estimate", "std_error",
                                                     "ci_lower", "ci_upper", "note"]])]
        if result.benchmarks:
            lines += ["", frame_to_markdown(result.benchmark_table())]
        return "\n".join(lines)


def default_benchmarks(covariates: Sequence[str], named: Sequence[str] = ()) -> list[Any]:
    """Every covariate alone, then the study's named benchmarks together (if two or more)."""
    out: list[Any] = list(covariates)
    if len(named) > 1:
        out.append(list(named))
    return out


def dml_sensitivity_study(study: Any, *, world: str | None = None,
                          benchmarks: Sequence[Any] | None = None, cf_y: float = 0.03,
                          cf_d: float = 0.03, rho: float = 1.0, null: float = 0.0,
                          alpha: float = 0.05, random_state: Any = 20240101,
                          data: Any = None, data_sha256: str | None = None
                          ) -> StudyDMLSensitivity:
    """Bound the study's doubly robust estimate (see :func:`~causal.sensitivity.
    dml_sensitivity.dml_sensitivity`).

    Parameters
    ----------
    study : Study or path
    world : str, optional
        For a simulated study, the ``[[worlds]]`` name (default: the first declared).
    benchmarks : list of (str or list of str), optional
        Default :func:`default_benchmarks`.
    cf_y, cf_d, rho, null, alpha
        The scenario bounded and the robustness values' null.
    random_state : int or numpy.random.Generator
        Seeds the simulated cohort and the cross-fitting folds (one integer is drawn from it).
    data : StudyData, optional
        Use these rows instead of reading the study's data
        (:func:`causal.data.study_data.read_study_data`).
    data_sha256 : str, optional
        Unused (a StudyData carries its hash); kept for callers that pass it.
    """
    from causal.data.study_data import read_study_data
    from causal.estimate import AIPW
    from causal.sensitivity.omitted_variable.dml_refit import dml_sensitivity
    from causal.study.api import as_study

    study = as_study(study)
    spec = study.data
    if spec is None:
        raise ParameterError(f"`study` must declare individual-level data in a [data] table; "
                             f"{study.where} has none (use `causal ovb` or `causal evalue` on "
                             f"published numbers).")
    seed = int(check_random_state(random_state).integers(2**31 - 1))
    if data is None:
        data = read_study_data(study, world, seed=seed if spec.simulated else None)
    if benchmarks is None:
        benchmarks = default_benchmarks(spec.covariates,
                                        study.individual_sensitivity.benchmarks)
    result = dml_sensitivity(
        data.frame, treatment=study.treatment, outcome=study.outcome,
        covariates=list(spec.covariates), categorical=list(spec.categorical),
        squared=list(spec.squared), benchmarks=benchmarks, cf_y=cf_y, cf_d=cf_d, rho=rho,
        null=null, alpha=alpha,
        estimator=AIPW(estimand=study.estimand, random_state=seed))
    return StudyDMLSensitivity(
        study=study.name, world=data.world, simulated=data.simulated,
        description=data.description, data_hash=data.sha256, seed=seed, result=result)
