"""What a difference between two printed percentages would need to be told apart from zero.

A paper that prints "26% vs 21%" without group sizes allows a point estimate (risk ratio,
risk difference, point E-value) but no confidence interval. :func:`sizes_to_exclude_null`
answers the question a reader can still ask: how large would the groups have to be for that
difference to exclude zero?
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import product

from causal._validation import check_alpha, check_positive, check_probability
from causal.claims import rounding_box
from causal.errors import ParameterError
from causal.measures import z_critical


def sizes_to_exclude_null(p_treated: float, p_control: float, *, alpha: float = 0.05,
                          ratio: float = 1.0) -> int:
    """Smallest treated-group size at which the Wald CI of ``p_treated - p_control``
    excludes 0, with ``ratio`` control members per treated member.

    Notes
    -----
    The Wald (unpooled) interval of a risk difference excludes 0 when
    ``|p1 - p0| > z sqrt(p1 (1 - p1) / n1 + p0 (1 - p0) / n0)``; with ``n0 = ratio n1``,
    ``n1 > z^2 (p1 (1 - p1) + p0 (1 - p0) / ratio) / (p1 - p0)^2`` (e.g. Fleiss, Levin & Paik,
    *Statistical Methods for Rates and Proportions*, 3rd ed., 2003, section 2.5, for the
    interval; solving it for n is elementary). The answer is the next whole number. It treats
    the printed percentages as the true risks of large samples (no sampling error in them)
    and says nothing about power: at that size a study with these exact risks would have only
    about 50% power.
    """
    p1 = check_probability(p_treated, "p_treated", open_interval=True)
    p0 = check_probability(p_control, "p_control", open_interval=True)
    alpha = check_alpha(alpha)
    ratio = check_positive(ratio, "ratio", what="control members per treated member")
    if p1 == p0:
        raise ParameterError(f"`p_treated` and `p_control` must differ for a difference to "
                             f"exclude zero; got {p1:g} for both.")
    z = z_critical(alpha)
    n = z**2 * (p1 * (1 - p1) + p0 * (1 - p0) / ratio) / (p1 - p0) ** 2
    return math.floor(n) + 1


@dataclass(frozen=True)
class SizesNeeded:
    """Group sizes (per group, equal groups) at which a printed difference excludes zero:
    at the printed percentages, and the range over every pair of values that print as them."""

    printed: int
    low: int
    high: int | None  # None: a zero difference prints as reported, so no size suffices

    def sentence(self) -> str:
        text = f"about {self.printed:,} per group"
        if self.high is None:
            return (text + " at the printed percentages; allowing for their rounding the "
                    "difference could be zero, which no group size distinguishes from zero")
        if self.low != self.high:
            text += (f" at the printed percentages ({self.low:,} to {self.high:,} allowing for "
                     f"their rounding)")
        return text


def sizes_for_printed(percent_treated: float | str, percent_control: float | str, *,
                      alpha: float = 0.05) -> SizesNeeded:
    """:func:`sizes_to_exclude_null` for percentages as printed (equal groups), with the range
    over the rounding boxes of the two printed percentages (``26`` stands for 25.5-26.5)."""
    p1, p0 = float(percent_treated) / 100, float(percent_control) / 100
    printed = sizes_to_exclude_null(p1, p0, alpha=alpha)
    boxes = [rounding_box(percent_treated), rounding_box(percent_control)]
    corners = [(a / 100, b / 100) for a, b in product(*boxes)]
    low1, high1 = sorted(boxes[0])
    low0, high0 = sorted(boxes[1])
    if max(low1, low0) <= min(high1, high0):  # the boxes overlap: the difference may be 0
        return SizesNeeded(printed, min(sizes_to_exclude_null(a, b, alpha=alpha)
                                        for a, b in corners if a != b), None)
    sizes = [sizes_to_exclude_null(min(max(a, 1e-9), 1 - 1e-9), min(max(b, 1e-9), 1 - 1e-9),
                                   alpha=alpha) for a, b in corners]
    return SizesNeeded(printed, min(sizes), max(sizes))
