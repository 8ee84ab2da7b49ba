"""Bias types for bounds and E-values: confounding, selection, misclassification.

Each type declares one source of bias, the assumptions made about it, and (optionally) the
values of its sensitivity parameters. :func:`causal.sensitivity.multi_bound` needs the values;
:func:`causal.sensitivity.multi_evalue` needs only the types. Every parameter is a maximal risk
ratio (or, for common-exposure misclassification, an odds ratio) and is ``>= 1``: invert
protective associations first. All are conditional on the measured covariates.

Notation (Smith, Mathur & VanderWeele 2021): exposure ``A``, outcome ``Y``, their misclassified
versions ``A*``, ``Y*``, selection ``S = 1``, unmeasured factors ``U_c`` (confounding) and
``U_s`` (selection).

Bias factors (each a ``B(x, y) = x y / (x + y - 1)`` is the Ding & VanderWeele 2016 bound)
-----------------------------------------------------------------------------------------
* Confounding: ``B(RR_AUc, RR_UcY)``.
* Selection, target = the whole population ("general", Smith & VanderWeele 2019):
  ``B(RR_UsY|A=1, RR_SUs|A=1) x B(RR_UsY|A=0, RR_SUs|A=0)``. With ``risk="increased"`` (the
  outcome is at least as likely among the selected in both exposure groups) only the A = 1
  factor remains; with ``risk="decreased"`` only the A = 0 factor.
  With ``s_eq_u=True`` (the factor that drives selection is shared by everyone selected, so
  ``RR_SU`` is unbounded and ``B(RR_UY, inf) = RR_UY``) the factor is
  ``RR_UsY|A=1 x RR_UsY|A=0`` (one of them with a risk direction). EValue 4.1.3's
  ``multi_bound`` calls these two inputs ``RRSUsA1``/``RRSUsA0`` and multiplies them as given;
  its ``selection_evalue`` message names them ``RR_UY|A=1`` and ``RR_UY|A=0``, as here.
* Selection, target = the selected population only: ``B(RR_AUs|S=1, RR_UsY|S=1)``. Together
  with confounding the two share one factor for the joint ``U_sc = (U_c, U_s)``:
  ``B(RR_AUsc|S=1, RR_UscY|S=1)``; give its values on the :class:`Selection` and none on the
  :class:`Confounding`.
* Outcome misclassification: ``RR_AY*|y`` (conditional on ``S = 1`` when selection comes first).
* Exposure misclassification (available for a rare outcome only): ``RR_YA*|a`` for a rare
  exposure, ``OR_YA*|a`` for a common one. The odds ratio enters the bound as it is, while the
  E-value treats it as ``sqrt(OR)`` on the risk-ratio scale (the EValue convention).

Order matters only for what the parameters mean: in a sequence passed to ``multi_bound``, a
misclassification listed after a general selection is conditional on ``S = 1``; listed before
it, the selection parameters refer to the misclassified variable (``Y*`` or ``A*``).

References
----------
Smith, L. H. & VanderWeele, T. J. (2019). Bounding bias due to selection. Epidemiology 30(4),
509-516.
Smith, L. H., Mathur, M. B. & VanderWeele, T. J. (2021). Multiple-bias sensitivity analysis
using bounds. Epidemiology 32(5), 625-634.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal

from causal._validation import check_finite, check_literal
from causal.errors import ParameterError

SelectionTarget = Literal["general", "selected"]
RiskDirection = Literal["any", "increased", "decreased"]
MisclassifiedVariable = Literal["outcome", "exposure"]


def _check_parameter(value: Any, name: str) -> float | None:
    if value is None:
        return None
    value = check_finite(value, name)
    if value < 1:
        raise ParameterError(
            f"`{name}` must be a maximal risk or odds ratio >= 1 (invert a protective "
            f"association); got {value:g}.")
    return value


class _Bias:
    """Shared checks: every float field is a sensitivity parameter >= 1 or None."""

    kind: str = ""

    def _check_values(self) -> None:
        for item in fields(self):  # type: ignore[arg-type]
            if item.name.startswith("rr_") or item.name == "value":
                object.__setattr__(self, item.name,
                                   _check_parameter(getattr(self, item.name), item.name))


@dataclass(frozen=True)
class Confounding(_Bias):
    """Unmeasured confounding by ``U_c``.

    Parameters
    ----------
    rr_au : float, optional
        ``RR_AUc``: the largest ratio, across values of ``U_c``, of its prevalence among the
        exposed to that among the unexposed.
    rr_uy : float, optional
        ``RR_UcY``: the largest risk ratio for the outcome comparing two values of ``U_c``,
        within either exposure group.
    """

    rr_au: float | None = None
    rr_uy: float | None = None
    kind = "confounding"

    def __post_init__(self) -> None:
        self._check_values()


@dataclass(frozen=True)
class Selection(_Bias):
    """Selection bias from an unmeasured factor ``U_s`` (Smith & VanderWeele 2019).

    Parameters
    ----------
    target : {"general", "selected"}
        "general": inference about the whole population the sample was selected from;
        "selected": about the selected population only.
    risk : {"any", "increased", "decreased"}
        For a general target: no assumption, or the outcome risk is at least as high
        ("increased") or at most as high ("decreased") among the selected as among the
        non-selected in both exposure groups.
    s_eq_u : bool
        For a general target: the selection factor is common to everyone selected (``S = U``).
    rr_uy_a1, rr_uy_a0 : float, optional
        ``RR_UsY|A=a``: largest risk ratio for the outcome comparing two values of ``U_s``
        within exposure group ``a``. With ``s_eq_u``, the outcome risk ratio comparing the
        selected with the non-selected in that group.
    rr_su_a1, rr_su_a0 : float, optional
        ``RR_SUs|A=1``: largest factor by which selection raises the prevalence of a value of
        ``U_s`` among the exposed; ``RR_SUs|A=0``: the same for non-selection among the
        unexposed. Not used with ``s_eq_u``.
    rr_au_s, rr_uy_s : float, optional
        For a selected target: ``RR_AUs|S=1`` (exposure-factor association induced within the
        selected) and ``RR_UsY|S=1`` (largest factor-outcome risk ratio within the selected).
    """

    target: SelectionTarget = "general"
    risk: RiskDirection = "any"
    s_eq_u: bool = False
    rr_uy_a1: float | None = None
    rr_su_a1: float | None = None
    rr_uy_a0: float | None = None
    rr_su_a0: float | None = None
    rr_au_s: float | None = None
    rr_uy_s: float | None = None
    kind = "selection"

    def __post_init__(self) -> None:
        check_literal(self.target, "target", ("general", "selected"))
        check_literal(self.risk, "risk", ("any", "increased", "decreased"))
        if not isinstance(self.s_eq_u, bool):
            raise ParameterError(f"`s_eq_u` must be True or False; got {self.s_eq_u!r}.")
        if self.target == "selected" and (self.risk != "any" or self.s_eq_u):
            raise ParameterError(
                "`target` 'selected' takes no risk-direction or S = U assumption (they are not "
                f"needed for the selected population); got risk={self.risk!r}, "
                f"s_eq_u={self.s_eq_u}.")
        self._check_values()

    def parameter_names(self) -> tuple[str, ...]:
        """The fields that carry this selection bias's sensitivity parameters."""
        if self.target == "selected":
            return ("rr_au_s", "rr_uy_s")
        groups = {"any": ("1", "0"), "increased": ("1",), "decreased": ("0",)}[self.risk]
        if self.s_eq_u:
            return tuple(f"rr_uy_a{g}" for g in groups)
        return tuple(name for g in groups for name in (f"rr_uy_a{g}", f"rr_su_a{g}"))


@dataclass(frozen=True)
class Misclassification(_Bias):
    """Differential misclassification of the outcome or the exposure.

    Parameters
    ----------
    variable : {"outcome", "exposure"}
    rare_outcome : bool, optional
        Exposure misclassification only; must be True (the bound for a common outcome is not
        available, as in EValue 4.1).
    rare_exposure : bool, optional
        Exposure misclassification only, required: True uses ``RR_YA*|a``, False the odds
        ratio ``OR_YA*|a``.
    value : float, optional
        The parameter: ``RR_AY*|y`` (outcome: the largest ratio, within an outcome level, of
        the probability of a recorded outcome ``Y*`` among the exposed to that among the
        unexposed), or ``RR_YA*|a`` / ``OR_YA*|a`` (exposure: the same for the recorded
        exposure, comparing cases with non-cases within an exposure level).
    """

    variable: MisclassifiedVariable = "outcome"
    rare_outcome: bool | None = None
    rare_exposure: bool | None = None
    value: float | None = None
    kind = "misclassification"

    def __post_init__(self) -> None:
        check_literal(self.variable, "variable", ("outcome", "exposure"))
        if self.variable == "exposure":
            if self.rare_outcome is not True:
                raise ParameterError(
                    "`rare_outcome` must be True for exposure misclassification (the bound "
                    "for a common outcome is not available); got "
                    f"{self.rare_outcome!r}.")
            if not isinstance(self.rare_exposure, bool):
                raise ParameterError(
                    "`rare_exposure` must be True or False for exposure misclassification; "
                    f"got {self.rare_exposure!r}.")
        elif self.rare_outcome is not None or self.rare_exposure is not None:
            raise ParameterError(
                "`rare_outcome` and `rare_exposure` apply to exposure misclassification only; "
                f"got rare_outcome={self.rare_outcome!r}, rare_exposure="
                f"{self.rare_exposure!r} for outcome misclassification.")
        self._check_values()

    @property
    def is_odds_ratio(self) -> bool:
        """True when the parameter is ``OR_YA*|a`` (exposure misclassification, common
        exposure)."""
        return self.variable == "exposure" and self.rare_exposure is False
