"""How a set of biases turns into the factors of the multiple-bias bound (shared by
:mod:`causal.sensitivity.bias_analyses.multiple` and :mod:`causal.sensitivity.bias_analyses.selection`).

Each term is either a Ding-VanderWeele factor ``B(x, y) = x y / (x + y - 1)`` of two
parameters, or one parameter used as it is. With every parameter equal to ``e``, a ``B`` term
is ``e^2 / (2e - 1)``, a single risk ratio ``e`` and a common-exposure odds ratio ``e^2`` (the
E-value reads it as ``sqrt(OR)``), so the whole bound is ``e^n / (2e - 1)^d``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from causal.errors import ParameterError
from causal.study.values.biases import Confounding, Misclassification, Selection

Bias = Confounding | Selection | Misclassification


@dataclass(frozen=True)
class Term:
    """One factor of the bound: its bias, its parameters ``(owner, field, label)`` and form."""

    bias: str
    params: tuple[tuple[Any, str, str], ...]
    form: Literal["bf", "rr", "or"]

    @property
    def degrees(self) -> tuple[int, int]:
        return {"bf": (2, 1), "rr": (1, 0), "or": (2, 0)}[self.form]

    def factor(self) -> float:
        values = [getattr(owner, name) for owner, name, _ in self.params]
        missing = [label for (_, name, label), v in zip(self.params, values, strict=True)
                   if v is None]
        if missing:
            names = ", ".join(f"`{owner.kind}.{name}` ({label})"
                              for owner, name, label in self.params
                              if getattr(owner, name) is None)
            raise ParameterError(f"the bound needs values for {names}; got None.")
        if self.form == "bf":
            x, y = values
            return x * y / (x + y - 1)
        return float(values[0])


def as_biases(biases: Any) -> tuple[Bias, ...]:
    """A tuple of bias objects, checked: at least one, each type at most once."""
    if isinstance(biases, Confounding | Selection | Misclassification):
        biases = (biases,)
    if isinstance(biases, str | bytes) or not isinstance(biases, Sequence) or not biases:
        raise ParameterError(
            "`biases` must be a Confounding, Selection or Misclassification, or a non-empty "
            f"sequence of them; got {type(biases).__name__}.")
    for item in biases:
        if not isinstance(item, Confounding | Selection | Misclassification):
            raise ParameterError(
                "`biases` must contain only Confounding, Selection or Misclassification "
                f"objects; got {type(item).__name__}.")
    kinds = [b.kind for b in biases]
    for kind in set(kinds):
        if kinds.count(kind) > 1:
            raise ParameterError(f"`biases` may contain each kind once; got {kind} "
                                 f"{kinds.count(kind)} times.")
    return tuple(biases)


def _index(biases: tuple[Bias, ...], kind: str) -> int | None:
    return next((i for i, b in enumerate(biases) if b.kind == kind), None)


def terms(biases: tuple[Bias, ...]) -> tuple[Term, ...]:
    """The factors of the bound, in the order of ``biases``."""
    conf_i, sel_i, mis_i = (_index(biases, k) for k in
                            ("confounding", "selection", "misclassification"))
    selection = biases[sel_i] if sel_i is not None else None
    misclass = biases[mis_i] if mis_i is not None else None
    joint = selection is not None and selection.target == "selected" and conf_i is not None
    out: list[Term] = []
    for bias in biases:
        if isinstance(bias, Confounding):
            if joint:
                if bias.rr_au is not None or bias.rr_uy is not None:
                    raise ParameterError(
                        "`Confounding` values must be None when the target is the selected "
                        "population: confounding and selection then share one factor, given "
                        "as `Selection(rr_au_s=..., rr_uy_s=...)`; got "
                        f"rr_au={bias.rr_au}, rr_uy={bias.rr_uy}.")
                continue
            out.append(Term("confounding", ((bias, "rr_au", "RR_AUc"),
                                            (bias, "rr_uy", "RR_UcY")), "bf"))
        elif isinstance(bias, Selection):
            out.extend(_selection_terms(bias, joint, misclass,
                                        mis_i is not None and sel_i is not None and mis_i < sel_i))
        else:
            after_selection = selection is not None and (
                selection.target == "selected" or (sel_i is not None and mis_i is not None
                                                   and sel_i < mis_i))
            out.append(_misclassification_term(bias, after_selection))
    return tuple(out)


def _selection_terms(bias: Selection, joint: bool, misclass: Misclassification | None,
                     misclass_first: bool) -> list[Term]:
    if bias.target == "selected":
        u = "Usc" if joint else "Us"
        name = "confounding and selection" if joint else "selection"
        return [Term(name, ((bias, "rr_au_s", f"RR_A{u}|S=1"), (bias, "rr_uy_s", f"RR_{u}Y|S=1")),
                     "bf")]
    y, a = "Y", "A"
    if misclass_first and misclass is not None:
        y, a = ("Y*", "A") if misclass.variable == "outcome" else ("Y", "A*")
    groups = {"any": ("1", "0"), "increased": ("1",), "decreased": ("0",)}[bias.risk]
    if bias.s_eq_u:
        return [Term("selection", ((bias, f"rr_uy_a{g}", f"RR_Us{y}|{a}={g} (S = U)"),), "rr")
                for g in groups]
    return [Term("selection", ((bias, f"rr_uy_a{g}", f"RR_Us{y}|{a}={g}"),
                               (bias, f"rr_su_a{g}", f"RR_SUs|{a}={g}")), "bf")
            for g in groups]


def _misclassification_term(bias: Misclassification, after_selection: bool) -> Term:
    s = ",S=1" if after_selection else ""
    if bias.variable == "outcome":
        return Term("outcome misclassification", ((bias, "value", f"RR_AY*|y{s}"),), "rr")
    if bias.is_odds_ratio:
        return Term("exposure misclassification", ((bias, "value", f"OR_YA*|a{s}"),), "or")
    return Term("exposure misclassification", ((bias, "value", f"RR_YA*|a{s}"),), "rr")


def degrees(term_list: Sequence[Term]) -> tuple[int, int]:
    """Total degrees ``(n, d)`` of ``e^n / (2e - 1)^d``."""
    return (sum(t.degrees[0] for t in term_list), sum(t.degrees[1] for t in term_list))


def solve_degrees(ratio: float, n: int, d: int) -> float:
    """The root ``e >= 1`` of ``e^n / (2e - 1)^d = ratio`` (``ratio >= 1``; ``n >= 2d``, so
    the left side increases from 1 at ``e = 1``)."""
    from scipy.optimize import brentq

    if ratio <= 1:
        return 1.0
    if d == 0:
        return ratio ** (1 / n)
    target = math.log(ratio)

    def gap(e: float) -> float:
        return n * math.log(e) - d * math.log(2 * e - 1) - target

    high = 2.0
    while gap(high) < 0:
        high *= 2
    return float(brentq(gap, 1.0, high, xtol=1e-14, rtol=1e-15, maxiter=500))
