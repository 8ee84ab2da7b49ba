"""The ``[evalue]`` table of a study file: which assumptions the E-value of the claim uses.

``rare_outcome`` (bool) must be stated when the headline estimate is an OR or HR; ``true``
(float) is the value the confounder would have to shift the estimate to (default: the null).
"""

from __future__ import annotations

from typing import Any

from causal.errors import CausalError, StudySpecError
from causal.sensitivity.evalue import EValueResult, e_value
from causal.spec import Study, register_validator, spec_error


def evalue_options(study: Study) -> dict[str, Any]:
    """``rare_outcome`` and ``true`` from ``[evalue]``, checked."""
    table = study.section("evalue")
    options: dict[str, Any] = {"rare_outcome": None, "true": None}
    if "rare_outcome" in table:
        if not isinstance(table["rare_outcome"], bool):
            raise spec_error(study.path, "evalue.rare_outcome", "true or false",
                             table["rare_outcome"])
        options["rare_outcome"] = table["rare_outcome"]
    if "true" in table:
        value = table["true"]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise spec_error(study.path, "evalue.true", "a number", value)
        options["true"] = float(value)
    headline = study.claim.headline
    if headline is not None and headline.measure in ("OR", "HR") and options["rare_outcome"] is None:
        raise spec_error(study.path, "evalue.rare_outcome",
                         f"true or false (the headline {headline.measure} needs it: is the "
                         f"outcome rare?)", None)
    return options


def claim_evalue(study: Study) -> EValueResult | None:
    """E-values of the study's headline estimate, with the ``[evalue]`` assumptions."""
    headline = study.claim.headline
    if headline is None:
        return None
    options = evalue_options(study)
    measure = headline.to_measure(rare_outcome=options["rare_outcome"],
                                  prevalence=study.claim.prevalence,
                                  control_risk=(study.claim.table.control_risk
                                                if study.claim.table else None))
    if headline.measure == "RD" and study.claim.table is not None:
        from dataclasses import replace

        measure = replace(measure, table=study.claim.table)
    try:
        return e_value(measure, true=options["true"])
    except CausalError as error:
        raise StudySpecError(f"{study.path}: cannot compute the E-value of "
                             f"{headline.label!r}: {error}") from None


@register_validator
def _validate(study: Study) -> None:
    evalue_options(study)
