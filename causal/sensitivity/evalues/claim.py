"""E-values of a published claim's headline estimate."""

from __future__ import annotations

from dataclasses import replace

from causal.claims import PublishedClaim
from causal.errors import CausalError, ParameterError
from causal.measures import RiskRatio
from causal.sensitivity.evalues.evalue import EValueResult, e_value


def _rd_from_risks(claim: PublishedClaim, headline, true: float | None) -> EValueResult:
    """A risk difference without counts: the point E-value from the risk ratio of the two
    printed risks (Ding & VanderWeele 2016 bound an RD through the risk ratio p1 / p0; its CI
    needs the group sizes, so there is no CI E-value)."""
    treated, control = claim.treated, claim.control
    if treated is None or control is None or not 0 < control.risk < 1 or treated.risk <= 0:
        raise ParameterError(f"cannot compute the E-value of {headline.label!r}: a risk "
                             f"difference's E-value needs the two groups' risks (counts or "
                             f"percentages in [claim.treated] and [claim.control]).")
    if true is not None:
        raise ParameterError(f"cannot compute the E-value of {headline.label!r} against "
                             f"`true` = {true:g} without group counts.")
    return e_value(RiskRatio(treated.risk / control.risk,
                             label=f"{headline.label}: risk ratio of the printed risks"))


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
    if headline.measure == "RD" and table is None:
        return _rd_from_risks(claim, headline, true)
    try:
        measure = headline.to_measure(rare_outcome=rare_outcome, prevalence=claim.prevalence,
                                      control_risk=claim.control_risk)
        if headline.measure == "RD" and table is not None:
            measure = replace(measure, table=table)
        return e_value(measure, true=true)
    except CausalError as error:
        raise ParameterError(f"cannot compute the E-value of {headline.label!r}: "
                             f"{str(error).rstrip('.')}.") from None
