"""E-values of a published claim's headline estimate."""

from __future__ import annotations

from dataclasses import replace

from causal.claims import PublishedClaim
from causal.errors import CausalError, ParameterError
from causal.sensitivity.evalue import EValueResult, e_value


def claim_evalue(claim: PublishedClaim, *, rare_outcome: bool | None = None,
                 true: float | None = None) -> EValueResult | None:
    """E-values of ``claim.headline`` (None when the claim has no estimate or groups).

    ``rare_outcome`` must be stated for an OR or HR; the claim's prevalence and control risk
    (from its groups, when reported) choose the OR-to-RR conversion, and an RD uses the 2x2
    table when the counts are reported.
    """
    headline = claim.headline
    if headline is None:
        return None
    table = claim.table
    try:
        measure = headline.to_measure(rare_outcome=rare_outcome, prevalence=claim.prevalence,
                                      control_risk=claim.control_risk)
        if headline.measure == "RD" and table is not None:
            measure = replace(measure, table=table)
        return e_value(measure, true=true)
    except CausalError as error:
        raise ParameterError(f"cannot compute the E-value of {headline.label!r}: "
                             f"{str(error).rstrip('.')}.") from None
