"""E-values and consistency flags for a table of published findings, vectorised.

One row per finding: ``measure`` (OR, RR, HR, MD; RD rows are kept, with a status saying why
their E-value needs group counts), ``estimate``, optional ``ci_lower`` and ``ci_upper``,
``rare_outcome`` (true, false or blank: not declared), ``ci_level`` (percent, default 95),
``p_value`` (as printed, e.g. "<.001"), ``outcome_sd`` (an MD's E-value needs it), ``label``
and ``source``. Numbers may be strings so that the printed decimals are known (the rounding
checks need them); a float's shortest representation is read as printed otherwise.

The closed forms are the library's (:mod:`causal.sensitivity.evalues.evalue`,
:mod:`causal.sensitivity.bias_analyses.selection`), applied to whole columns:

* conversion to the risk-ratio scale: RR as is; OR and HR as is for a rare outcome; for a
  common outcome ``sqrt(OR)`` and ``(1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR))`` (VanderWeele
  2017); an MD over the outcome SD ``d`` gives ``exp(0.91 d)`` with limits ``exp(0.91 d -/+
  1.78 SE_d)`` (VanderWeele & Ding 2017; 0.91 z for a level other than 95%);
* E-value ``y + sqrt(y (y - 1))`` with ``y`` the ratio or its inverse, for the point and for
  the CI limit nearest 1 (1 when the CI contains 1) (VanderWeele & Ding 2017);
* selection-bias E-value, general target without assumptions (Smith & VanderWeele 2019):
  ``sqrt(y) + sqrt(sqrt(y) (sqrt(y) - 1))``.

When an OR's or HR's rarity is not declared, nothing is guessed: the row's ``evalue_point``
is empty and its status says so, and both conversions are given (``*_rare`` and
``*_common`` columns).

The flags are the audit's (:func:`causal.claims.check_ci_symmetry`,
:func:`causal.claims.check_p_value`), evaluated on the same corners of the rounding boxes of
the estimate and the two limits, as arrays.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from causal.errors import DataError

REQUIRED = ("measure", "estimate")
OPTIONAL = ("label", "source", "ci_lower", "ci_upper", "rare_outcome", "ci_level", "p_value",
            "outcome_sd")
MEASURES = ("OR", "RR", "HR", "MD", "RD")
_RATIOS = ("OR", "RR", "HR")
#: rounded 95% multiplier of VanderWeele & Ding (2017) for an MD (0.91 x 1.96)
_MD_95 = 1.78
_MD_LOG_RR = 0.91
_TRUE = {"true", "yes", "1", "rare", "t", "y"}
_FALSE = {"false", "no", "0", "common", "f", "n"}


def _text(column: pd.Series) -> pd.Series:
    """Printed numbers as text (strings kept, floats by their shortest repr)."""
    out = column.astype("string").str.strip()
    return out.where(out != "", pd.NA)


def _decimals(text: pd.Series) -> np.ndarray:
    """Decimals printed (``"5.10"`` -> 2; ``"1.2e-5"`` -> 6), with NumPy's vectorised string functions (a
    regular expression per cell took 0.3 s per 10^5 cells)."""
    arr = np.asarray(text.fillna("").to_numpy(dtype=str))
    arr = np.char.lower(np.char.strip(arr))
    length = np.char.str_len(arr)
    epos = np.char.find(arr, "e")
    mantissa_end = np.where(epos >= 0, epos, length)
    dot = np.char.find(arr, ".")
    places = np.where((dot >= 0) & (dot < mantissa_end), mantissa_end - dot - 1, 0)
    out = places.astype(float)
    scientific = np.flatnonzero(epos >= 0)
    for i in scientific:  # rare: an exponent changes the decimals
        try:
            out[i] = max(places[i] - int(arr[i][epos[i] + 1:]), 0)
        except ValueError:
            out[i] = places[i]
    return out


def _numbers(frame: pd.DataFrame, name: str, rows: np.ndarray) -> np.ndarray:
    values = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
    given = frame[name].notna().to_numpy() & (frame[name].astype("string").str.strip() != ""
                                               ).fillna(False).to_numpy()
    bad = given & ~np.isfinite(values)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"row {rows[i]}: `{name}` must be a number; got "
                        f"{frame[name].iloc[i]!r}.")
    return values


def read_findings(frame: pd.DataFrame) -> pd.DataFrame:
    """Check the columns and values of a findings table; return a normalised copy.

    Raises a :class:`~causal.errors.DataError` naming the first bad row (numbered from 1 as
    in a spreadsheet, after the header): a missing column, an unknown measure, a ratio that
    is not positive, one CI limit without the other, a CI that does not contain its own
    estimate, a rarity that is not true/false/blank.
    """
    from causal._budgets import check_size

    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"`findings` must be a DataFrame; got {type(frame).__name__}.")
    columns = {str(c).strip().lower(): c for c in frame.columns}
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise DataError(f"the findings table must have the columns {', '.join(REQUIRED)} "
                        f"(and optionally {', '.join(OPTIONAL)}); missing: "
                        f"{', '.join(missing)} (it has: "
                        f"{', '.join(map(str, frame.columns)) or 'no columns'}).")
    check_size(len(frame), "MAX_BATCH_FINDINGS", "findings (rows)")
    data = pd.DataFrame({name: frame[columns[name]].reset_index(drop=True)
                         if name in columns else pd.Series([pd.NA] * len(frame), dtype=object)
                         for name in REQUIRED + OPTIONAL})
    rows = np.arange(1, len(frame) + 1) + 1  # spreadsheet rows: the header is row 1
    measure = data["measure"].astype("string").str.strip().str.upper()
    unknown = ~measure.isin(MEASURES).fillna(False).to_numpy()
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        raise DataError(f"row {rows[i]}: `measure` must be one of {', '.join(MEASURES)}; got "
                        f"{data['measure'].iloc[i]!r}.")
    out = pd.DataFrame({"row": rows, "label": data["label"].astype("string").fillna(""),
                        "source": data["source"].astype("string").fillna(""),
                        "measure": measure.to_numpy(dtype=object)})
    for name in ("estimate", "ci_lower", "ci_upper"):
        out[f"{name}_printed"] = _text(data[name])
        out[name] = _numbers(data, name, rows)
    if np.isnan(out["estimate"]).any():
        i = int(np.flatnonzero(np.isnan(out["estimate"]))[0])
        raise DataError(f"row {rows[i]}: `estimate` must be given; got an empty cell.")
    lo, hi, est = out["ci_lower"].to_numpy(), out["ci_upper"].to_numpy(), out["estimate"].to_numpy()
    one = np.isnan(lo) != np.isnan(hi)
    _refuse(one, rows, "a CI needs both `ci_lower` and `ci_upper`; got one of them")
    ratio = np.isin(out["measure"].to_numpy(), _RATIOS)
    _refuse(ratio & ~(est > 0), rows, "`estimate` of a ratio (OR, RR, HR) must be positive",
            est)
    _refuse(ratio & ~np.isnan(lo) & ~(lo > 0), rows, "`ci_lower` of a ratio must be positive",
            lo)
    has_ci = ~np.isnan(lo)
    _refuse(has_ci & (lo > hi), rows, "`ci_lower` must not exceed `ci_upper`", lo)
    bad = has_ci & ~((lo <= est) & (est <= hi))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"row {rows[i]}: the CI ({lo[i]:g}, {hi[i]:g}) must contain its own "
                        f"estimate {est[i]:g}; a misprint or a column mix-up?")
    level = _numbers(data, "ci_level", rows)
    level = np.where(np.isnan(level), 95.0, level)
    _refuse(~((level > 0) & (level < 100)), rows, "`ci_level` must be a percentage in (0, 100)",
            level)
    out["alpha"] = 1 - level / 100
    sd = _numbers(data, "outcome_sd", rows)
    _refuse(~np.isnan(sd) & ~(sd > 0), rows, "`outcome_sd` must be positive", sd)
    out["outcome_sd"] = sd
    rare = data["rare_outcome"].astype("string").str.strip().str.lower()
    declared = rare.isin(_TRUE | _FALSE).fillna(False).to_numpy()
    blank = rare.isna().to_numpy() | (rare == "").fillna(True).to_numpy()
    _refuse(~declared & ~blank, rows, "`rare_outcome` must be true, false or blank (not "
            "declared)")
    out["rare_outcome"] = pd.array(np.where(declared, rare.isin(_TRUE).fillna(False), None),
                                   dtype="boolean")
    out["p_value"] = data["p_value"].astype("string").str.strip().replace("", pd.NA)
    out["p_low"], out["p_high"], out["p_given"] = _printed_p(out["p_value"], rows)
    for name in ("estimate", "ci_lower", "ci_upper"):
        out[f"{name}_decimals"] = _decimals(out[f"{name}_printed"])
    return out


def _refuse(mask: np.ndarray, rows: np.ndarray, what: str, values: np.ndarray | None = None
            ) -> None:
    if mask.any():
        i = int(np.flatnonzero(mask)[0])
        shown = "" if values is None else f"; got {values[i]:g}"
        raise DataError(f"row {rows[i]}: {what}{shown}.")


def _evalue(y: np.ndarray) -> np.ndarray:
    x = np.where(y < 1, 1 / y, y)
    return x + np.sqrt(x * (x - 1))


def _selection_evalue(y: np.ndarray) -> np.ndarray:
    x = np.sqrt(np.where(y < 1, 1 / y, y))
    return x + np.sqrt(x * (x - 1))


def _hr_common(hr: np.ndarray) -> np.ndarray:
    return (1 - 0.5 ** np.sqrt(hr)) / (1 - 0.5 ** np.sqrt(1 / hr))


def _limit_nearest(point: np.ndarray, lo: np.ndarray, hi: np.ndarray, fn: Any) -> np.ndarray:
    """The CI E-value: 1 when the CI contains 1, else of the limit nearest 1 (no CI: NaN)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(point >= 1, fn(np.where(np.isnan(lo), 1.0, lo)),
                       fn(np.where(np.isnan(hi), 1.0, hi)))
    return np.where(np.isnan(lo), np.nan, np.where((lo <= 1) & (1 <= hi), 1.0, out))


def compute_block(data: pd.DataFrame) -> pd.DataFrame:
    """E-values and flags for a normalised block (see :func:`read_findings`)."""
    measure = data["measure"].to_numpy(dtype=object)
    est, lo, hi = (data[c].to_numpy(dtype=float) for c in ("estimate", "ci_lower", "ci_upper"))
    alpha = data["alpha"].to_numpy(dtype=float)
    z = ndtri(1 - alpha / 2)
    rare = data["rare_outcome"].to_numpy(dtype=object)
    is_or, is_hr, is_rr, is_md = (measure == m for m in ("OR", "HR", "RR", "MD"))
    ratio = is_or | is_hr | is_rr
    sd = data["outcome_sd"].to_numpy(dtype=float)
    out = pd.DataFrame({"row": data["row"].to_numpy(), "label": data["label"].to_numpy(),
                        "source": data["source"].to_numpy(), "measure": measure,
                        "estimate": est, "ci_lower": lo, "ci_upper": hi,
                        "rare_outcome": data["rare_outcome"].to_numpy()})
    with np.errstate(invalid="ignore", divide="ignore"):
        safe = np.where(ratio, est, 1.0)
        safe_lo, safe_hi = np.where(ratio, lo, 1.0), np.where(ratio, hi, 1.0)
        scales: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {
            "rare": (safe, safe_lo, safe_hi)}
        conv_pt = np.where(is_or, np.sqrt(safe), np.where(is_hr, _hr_common(safe), safe))
        conv_lo = np.where(is_or, np.sqrt(safe_lo), np.where(is_hr, _hr_common(safe_lo), safe_lo))
        conv_hi = np.where(is_or, np.sqrt(safe_hi), np.where(is_hr, _hr_common(safe_hi), safe_hi))
        scales["common"] = (conv_pt, conv_lo, conv_hi)
        d = est / sd
        se_d = (hi - lo) / (2 * z) / sd
        mult = np.where(np.isclose(alpha, 0.05), _MD_95, _MD_LOG_RR * z)
        md = (np.exp(_MD_LOG_RR * d), np.exp(_MD_LOG_RR * d - mult * se_d),
              np.exp(_MD_LOG_RR * d + mult * se_d))
    declared_rare = np.array([r is True for r in rare])
    declared_common = np.array([r is False for r in rare])
    declared = declared_rare | declared_common | is_rr
    rr_pt = np.where(is_md, md[0], np.where(declared_common, conv_pt, safe))
    rr_lo = np.where(is_md, md[1], np.where(declared_common, conv_lo, safe_lo))
    rr_hi = np.where(is_md, md[2], np.where(declared_common, conv_hi, safe_hi))
    usable = (ratio & declared) | (is_md & ~np.isnan(sd))
    rr_pt, rr_lo, rr_hi = (np.where(usable, v, np.nan) for v in (rr_pt, rr_lo, rr_hi))
    with np.errstate(invalid="ignore"):
        out["rr_point"], out["rr_lower"], out["rr_upper"] = rr_pt, rr_lo, rr_hi
        out["evalue_point"] = np.where(usable, _evalue(np.where(usable, rr_pt, 1.0)), np.nan)
        out["evalue_ci"] = np.where(usable, _limit_nearest(rr_pt, rr_lo, rr_hi, _evalue), np.nan)
        out["selection_evalue_point"] = np.where(
            usable, _selection_evalue(np.where(usable, rr_pt, 1.0)), np.nan)
        out["selection_evalue_ci"] = np.where(
            usable, _limit_nearest(rr_pt, rr_lo, rr_hi, _selection_evalue), np.nan)
        two = is_or | is_hr
        for name, (p, l_, h_) in scales.items():
            out[f"evalue_point_{name}"] = np.where(two, _evalue(p), np.nan)
            out[f"evalue_ci_{name}"] = np.where(two, _limit_nearest(p, l_, h_, _evalue), np.nan)
    out["conversion"] = _conversions(measure, declared_rare, declared_common, sd)
    out["status"] = _status(measure, declared, sd)
    sym, p_ok = _flags(data, z)
    out["ci_symmetric"] = sym
    out["p_consistent"] = p_ok
    out["flags"] = _flag_text(sym, p_ok)
    return out


def _conversions(measure: np.ndarray, rare: np.ndarray, common: np.ndarray, sd: np.ndarray
                 ) -> np.ndarray:
    out = np.full(measure.shape, "", dtype=object)
    out[measure == "RR"] = "risk ratio used as is"
    out[(measure == "OR") & rare] = "rare outcome (declared): OR ~ RR"
    out[(measure == "OR") & common] = "common outcome (declared): RR ~ sqrt(OR)"
    out[(measure == "HR") & rare] = "rare outcome (declared): HR ~ RR"
    out[(measure == "HR") & common] = ("common outcome (declared): RR ~ (1 - 0.5^sqrt(HR)) / "
                                       "(1 - 0.5^sqrt(1/HR))")
    out[np.isin(measure, ("OR", "HR")) & ~rare & ~common] = "rarity not declared: both given"
    out[(measure == "MD") & ~np.isnan(sd)] = "MD / outcome SD = d; RR ~ exp(0.91 d)"
    return out


def _status(measure: np.ndarray, declared: np.ndarray, sd: np.ndarray) -> np.ndarray:
    out = np.full(measure.shape, "computed from reported numbers", dtype=object)
    out[np.isin(measure, ("OR", "HR")) & ~declared] = (
        "rarity not declared: no single E-value; see evalue_*_rare and evalue_*_common")
    out[(measure == "MD") & np.isnan(sd)] = ("not computed: an MD's E-value needs the "
                                             "outcome's SD (column outcome_sd)")
    out[measure == "RD"] = ("not computed: an RD's E-value needs the two groups' counts "
                            "(Ding & VanderWeele 2016); use causal evalue rd")
    return out


def _boxes(decimals: np.ndarray, value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    half = 0.5 * 10.0 ** (-decimals)
    return value - half, value + half


def _flags(data: pd.DataFrame, z: np.ndarray) -> tuple[pd.array, pd.array]:
    """The audit's CI-symmetry and p-value checks on every row (NA where they do not apply)."""
    measure = data["measure"].to_numpy(dtype=object)
    est, lo, hi = (data[c].to_numpy(dtype=float) for c in ("estimate", "ci_lower", "ci_upper"))
    boxes = [_boxes(data[f"{c}_decimals"].to_numpy(dtype=float), v) for c, v in
             (("estimate", est), ("ci_lower", lo), ("ci_upper", hi))]
    # the 8 corners of the three rounding boxes, as the audit (itertools.product order)
    corners = np.stack([np.stack([boxes[0][i], boxes[1][j], boxes[2][k]], axis=1)
                        for i in (0, 1) for j in (0, 1) for k in (0, 1)], axis=1)  # (n, 8, 3)
    additive = np.isin(measure, ("RD", "MD"))[:, None]
    has_ci = ~np.isnan(lo)
    with np.errstate(invalid="ignore", divide="ignore"):
        positive = (corners > 0).all(axis=2)
        log_c = np.log(np.where(corners > 0, corners, np.nan))
        lin = np.where(additive[:, :, None], corners, log_c)
        gap = (lin[:, :, 1] + lin[:, :, 2]) / 2 - lin[:, :, 0]
        valid = np.where(additive, True, positive)
        gmin = np.where(valid, gap, np.inf).min(axis=1)
        gmax = np.where(valid, gap, -np.inf).max(axis=1)
        symmetric = (gmin <= 0) & (0 <= gmax)
        se = (lin[:, :, 2] - lin[:, :, 1]) / (2 * z[:, None])
        p = np.where(se > 0, 2 * ndtr(-np.abs(lin[:, :, 0]) / se), 0.0)
        valid_p = valid & (corners[:, :, 2] > corners[:, :, 1])
        pmin = np.where(valid_p, p, np.inf).min(axis=1)
        pmax = np.where(valid_p, p, -np.inf).max(axis=1)
    low, high, given = (data[c].to_numpy() for c in ("p_low", "p_high", "p_given"))
    agrees = (pmax >= low - 1e-15) & (pmin <= high + 1e-15)
    sym = pd.array(np.where(has_ci, symmetric, None), dtype="boolean")
    p_ok = pd.array(np.where(has_ci & given, agrees, None), dtype="boolean")
    return sym, p_ok


def _printed_p(text: pd.Series, rows: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Printed p-values as intervals ``[low, high]``, as :class:`causal.claims.PrintedP`
    reads them: ``<x`` is ``[0, x]``, ``>x`` is ``[x, 1]``, ``x`` its rounding box."""
    raw = np.asarray(text.fillna("").to_numpy(dtype=str))
    arr = np.char.strip(raw)
    arr = np.char.lstrip(arr, "pP ")
    op = np.full(arr.shape, "=", dtype=object)
    for sign, name in (("<", "<"), (">", ">"), ("≤", "<"), ("≥", ">")):
        hit = (op == "=") & np.char.startswith(arr, sign)
        op[hit] = name
    arr = np.char.lstrip(arr, "<>=≤≥ ")
    number = pd.to_numeric(pd.Series(arr), errors="coerce").to_numpy(dtype=float)
    given = np.char.str_len(np.char.strip(raw)) > 0
    rows = np.arange(2, len(raw) + 2) if rows is None else rows
    bad = given & ~np.isfinite(number)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"row {rows[i]}: `p_value` must look like '<.001', '.005' or '0.03'; "
                        f"got {raw[i]!r}.")
    bad = given & ((number < 0) | (number > 1))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"row {rows[i]}: `p_value` must be between 0 and 1; got {raw[i]!r}.")
    half = 0.5 * 10.0 ** (-_decimals(pd.Series(arr)))
    below, above = op == "<", op == ">"
    low = np.where(below, 0.0, np.where(above, number, np.maximum(number - half, 0)))
    high = np.where(below, number, np.where(above, 1.0, np.minimum(number + half, 1)))
    return low, high, given


def _flag_text(sym: Any, p_ok: Any) -> np.ndarray:
    s = np.asarray(sym.to_numpy(dtype=object, na_value=None))
    p = np.asarray(p_ok.to_numpy(dtype=object, na_value=None))
    out = np.full(len(s), "", dtype=object)
    asym = np.array([v is False for v in s])
    bad_p = np.array([v is False for v in p])
    out[asym] = "CI not symmetric"
    out[bad_p & asym] = "CI not symmetric; p disagrees with CI"
    out[bad_p & ~asym] = "p disagrees with CI"
    return out


#: rows per block when a runner (a Dask cluster) is given; the arithmetic is row by row, so
#: the blocking changes nothing in the result
BLOCK_ROWS = 50_000


def evalue_rows(findings: pd.DataFrame, *, block_rows: int | None = None, runner: Any = None
                ) -> pd.DataFrame:
    """Every finding's E-values and flags (see the module docstring); ``runner`` (from
    :func:`causal._parallel.cluster`) runs blocks of ``block_rows`` rows elsewhere with the
    same result."""
    block_rows = BLOCK_ROWS if block_rows is None else block_rows
    data = read_findings(findings)
    if runner is None or len(data) <= block_rows:
        return compute_block(data)
    blocks = [data.iloc[i:i + block_rows] for i in range(0, len(data), block_rows)]
    parts = runner.map(_block_task, list(range(len(blocks))), blocks, label="batch")
    return pd.concat(parts, ignore_index=True)


def _block_task(blocks: list[pd.DataFrame], index: int) -> pd.DataFrame:
    return compute_block(blocks[index])


def z_of(alpha: float) -> float:
    return float(ndtri(1 - alpha / 2)) if 0 < alpha < 1 else math.nan
