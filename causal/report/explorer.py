"""The explorer: a small self-contained widget (HTML, CSS and JavaScript in one block, no
server, no external script, works offline from the file) that moves an unmeasured
confounder's strength and a selection mechanism and shows the bias-adjusted estimate and CI.

The page computes, from the estimate on the risk-ratio scale that the library put there
(:func:`causal.sensitivity.e_value`'s conversion), the same closed forms as the library:

* confounding, by its bounding factor (Ding & VanderWeele 2016, Theorem 2A):
  ``B_c = RR_EU RR_UD / (RR_EU + RR_UD - 1)``;
* or confounding by a binary ``U`` with prevalences ``p1`` (treated) and ``p0`` (controls)
  and outcome risk ratio ``RR_UD`` (Schlesselman 1978; Lin, Psaty & Kronmal 1998):
  ``B_c = (RR_UD p1 + 1 - p1) / (RR_UD p0 + 1 - p0)``;
* selection, general target without assumptions (Smith & VanderWeele 2019), with the same
  two parameters in both exposure groups (a simplification the widget states):
  ``B_s = B(RR_UY|S, RR_SU)^2`` with ``B(x, y) = x y / (x + y - 1)``;
* the bias-adjusted estimate and limits: ``RR / (B_c B_s)`` for an estimate above 1 and
  ``RR x B_c B_s`` below 1, i.e. moved towards the null by the whole bound, as
  :func:`causal.sensitivity.multi_bound`'s ``corrected_point``.

:func:`adjusted` is the same arithmetic in Python, checked against
:func:`~causal.sensitivity.multi_bound` in the tests and against the page in a real browser.
The payload (:func:`payload`) is the only data the widget needs, so a report section that
carries it is a thin addition: the fragment from :func:`fragment` and a few numbers.
"""

from __future__ import annotations

import html
import json
from importlib.resources import files
from typing import Any

#: slider ranges (risk ratios from 1 to this; prevalences 0 to 1)
MAX_RR = 10.0


def payload(result: Any, *, label: str, measure_text: str) -> dict[str, Any]:
    """The widget's data from an :class:`~causal.sensitivity.evalues.evalue.EValueResult` of a ratio
    (``rr_point``, ``rr_ci``, ``conversion``, E-values)."""
    rr_ci = list(result.rr_ci) if result.rr_ci is not None else None
    return {"label": str(label), "measure": str(measure_text),
            "rr_point": float(result.rr_point), "rr_ci": rr_ci,
            "conversion": str(result.conversion), "evalue_point": float(result.point),
            "evalue_ci": None if result.ci is None else float(result.ci),
            "provenance": "estimate reported; risk-ratio scale and E-values computed from "
                          "the reported numbers; every slider value is a hypothesis of the "
                          "reader"}


def _pair_factor(x: float, y: float) -> float:
    return x * y / (x + y - 1)


def bias_factor(*, rr_eu: float = 1.0, rr_ud: float = 1.0, p1: float | None = None,
                p0: float | None = None, rr_uy_s: float = 1.0, rr_su: float = 1.0) -> float:
    """The widget's total bias factor ``B_c B_s`` (module docstring); ``p1`` and ``p0`` switch
    confounding to the binary-prevalence form."""
    if p1 is not None and p0 is not None:
        confounding = (rr_ud * p1 + 1 - p1) / (rr_ud * p0 + 1 - p0)
    else:
        confounding = _pair_factor(rr_eu, rr_ud)
    return confounding * _pair_factor(rr_uy_s, rr_su) ** 2


def adjusted(rr_point: float, rr_ci: tuple[float, float] | None, **parameters: float
             ) -> tuple[float, float | None, float | None]:
    """The bias-adjusted estimate and CI limits the widget shows for ``parameters``."""
    bound = bias_factor(**parameters)
    scale = (lambda v: v / bound) if rr_point >= 1 else (lambda v: v * bound)
    if rr_ci is None:
        return scale(rr_point), None, None
    return scale(rr_point), scale(rr_ci[0]), scale(rr_ci[1])


def _asset(name: str) -> str:
    return files("causal.report").joinpath("templates", name).read_text(encoding="utf-8")


def fragment(data: dict[str, Any], *, key: str = "explorer") -> str:
    """The widget as one HTML block: a container, its data as JSON, the inline CSS and JS."""
    text = json.dumps(data, sort_keys=True, allow_nan=False).replace("</", "<\\/")
    return (f'<div class="causal-explorer" id="{html.escape(key)}">'
            f'<script type="application/json" class="causal-explorer-data">{text}</script>'
            f"<noscript>The explorer needs JavaScript; the numbers are in the E-value "
            f"section.</noscript></div>\n<style>{_asset('explorer.css')}</style>\n"
            f"<script>{_asset('explorer.js')}</script>")


def page(data: dict[str, Any], *, title: str) -> str:
    """A standalone explorer page for one claim (``causal explore``)."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Explorer: {html.escape(title)}</title><style>body{{font-family:-apple-"
            "system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;max-width:52rem;margin:2rem "
            "auto;padding:0 1rem;line-height:1.5}</style></head><body>"
            f"<h1>How much bias would it take? {html.escape(title)}</h1>"
            f"{fragment(data)}</body></html>\n")
