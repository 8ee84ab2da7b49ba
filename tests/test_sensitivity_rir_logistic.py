"""RIR of a logistic coefficient through its implied 2x2 table, and of a 2x2 table in both
directions (invalidate a significant one, make a non-significant one significant)
(Frank et al. 2021; konfound)."""

from __future__ import annotations

import math
import warnings
from contextlib import contextmanager

import numpy as np
import pytest
from scipy.stats import fisher_exact

from causal._results import SUMMARY_COLUMNS
from causal.errors import CausalWarning, NoSolutionError, ParameterError
from causal.measures import TwoByTwo
from causal.sensitivity import rir_logistic, rir_table
from causal.sensitivity.rir_itcv.logistic import implied_tables
from tests._konfound_rir import konfound_case, konfound_ids


@contextmanager
def _no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error", CausalWarning)
        yield


def _konfound_cells(table: TwoByTwo) -> list[int]:
    """konfound's order: control failure, control success, treated failure, treated success."""
    return [table.control_total - table.control_events, table.control_events,
            table.treated_total - table.treated_events, table.treated_events]


def _wald_t(cells: list[int]) -> float:
    a, b, c, d = cells
    return math.log(a * d / (b * c)) / math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)


@pytest.mark.parametrize("case_id", konfound_ids("logistic_"))
def test_logistic_matches_konfound(case_id):
    """konfound commit 1cfe76f (1.0.4 dev) under R 4.2.2: ``pkonfound(est_eff, std_err, n_obs,
    n_covariates, n_treat = , [replace = ], model_type = "logistic", to_return =
    "raw_output")`` (tests/data/konfound_rir.json); the RIRs 1156, 803 and 793 are also in
    konfound's tests/testthat/test-pkonfound.R. Counts exactly; p-values and the SE used
    to 1e-9 relative (t quantiles)."""
    given, want = konfound_case(case_id)
    with pytest.warns(CausalWarning) if want["analysis_SE"] > given["std_err"] else \
            _no_warning():
        result = rir_logistic(given["est_eff"], given["std_err"], given["n_obs"],
                              given["n_covariates"], given["n_treat"],
                              replace=given.get("replace", "control"))
    assert _konfound_cells(result.implied_table) == want["starting_table"]
    assert _konfound_cells(result.switched_table) == want["final_table"]
    assert result.fragility == want["fragility_primary"]
    assert result.rir == want["RIR_primary"]
    assert result.invalidate == want["invalidate_ob"]
    assert result.std_error_used == pytest.approx(want["analysis_SE"], rel=1e-9)
    assert result.implied_p_value == pytest.approx(want["p_start"], rel=1e-9)
    assert result.switched_p_value == pytest.approx(want["p_final"], rel=1e-9)
    assert list(result.summary().columns) == list(SUMMARY_COLUMNS)


@pytest.mark.parametrize("estimate, se, n, n1", [(0.932, 0.334, 302, 66), (-0.6, 0.2, 600, 250),
                                                 (0.027, 0.1, 16999, 16000)])
def test_implied_tables_reproduce_the_estimate_and_se_before_rounding(estimate, se, n, n1):
    """Derivation check: both unrounded tables have log OR = estimate and Woolf SE = se
    (1e-10), the first with the larger control risk."""
    tables, used = implied_tables(estimate, se, n, n1)
    assert used == se and len(tables) == 2
    for events0, events1 in tables:
        a, b, c, d = n - n1 - events0, events0, n1 - events1, events1
        assert math.log(a * d / (b * c)) == pytest.approx(estimate, abs=1e-10)
        assert math.sqrt(1 / a + 1 / b + 1 / c + 1 / d) == pytest.approx(se, rel=1e-10)
    assert tables[0][0] > tables[1][0]


def test_logistic_switches_are_the_fewest_that_cross_the_threshold():
    """Naive check: after `fragility` switches the table's Wald t is past t_crit, after one
    fewer it is not; RIR = ceil(fragility / P(control non-event))."""
    result = rir_logistic(0.932, 0.334, 302, 7, 66)
    cells = _konfound_cells(result.implied_table)
    k = result.fragility
    assert _wald_t([cells[0], cells[1], cells[2] + k, cells[3] - k]) <= result.critical_t
    assert _wald_t([cells[0], cells[1], cells[2] + k - 1, cells[3] - k + 1]) > result.critical_t
    assert result.rir == math.ceil(k / (cells[0] / (cells[0] + cells[1])))


@pytest.mark.parametrize("case_id", konfound_ids("table_"))
def test_table_matches_konfound_in_both_directions(case_id):
    """konfound commit 1cfe76f: ``pkonfound(a, b, c, d, [replace = ], to_return =
    "raw_output")`` (Fisher's test, switches in the treated row; tests/data/konfound_rir.json;
    RIR 14, 8 and 6 are also in konfound's test-tkonfound.R / test-pkonfound.R). a, b = control
    failures, successes; c, d = treated failures, successes."""
    given, want = konfound_case(case_id)
    table = TwoByTwo(given["d"], given["c"] + given["d"], given["b"], given["a"] + given["b"])
    with pytest.warns(CausalWarning) if case_id.startswith("table_nonsig_positive") else \
            _no_warning():
        result = rir_table(table, replace=given.get("replace", "control"))
    assert result.fragility == want["fragility_primary"]
    assert result.rir == want["RIR_primary"]
    assert result.invalidate == (want["p_start"] < 0.05)
    assert result.p_value == pytest.approx(want["p_start"], rel=1e-9)
    assert result.switched_p_value == pytest.approx(want["p_final"], rel=1e-9)


def test_table_fragility_is_the_first_switch_that_loses_significance():
    """Naive check with scipy: after `fragility` switches the Fisher p is >= alpha, after one
    fewer it is still < alpha; RIR = fragility / (1 - control risk), rounded up."""
    table = TwoByTwo(31, 66, 64, 236)
    result = rir_table(table)
    k = result.fragility
    assert result.invalidate
    assert fisher_exact([[31 - k, 35 + k], [64, 172]]).pvalue >= 0.05
    assert fisher_exact([[31 - k + 1, 35 + k - 1], [64, 172]]).pvalue < 0.05
    assert result.rir == math.ceil(k / (1 - 64 / 236))
    assert list(result.summary().columns) == list(SUMMARY_COLUMNS)


def test_table_made_significant_by_the_fewest_switches():
    """Naive check with scipy for a non-significant table: after `fragility` treated
    non-events become events the Fisher p is < alpha, one fewer is not; RIR = fragility /
    control risk, rounded up; every smaller count stays non-significant."""
    table = TwoByTwo(14, 40, 9, 40)
    result = rir_table(table)
    k = result.fragility
    assert not result.invalidate and result.p_value >= 0.05
    p = [fisher_exact([[14 + j, 26 - j], [9, 31]]).pvalue for j in range(k + 1)]
    assert p[k] < 0.05 and all(v >= 0.05 for v in p[:k])
    assert result.switched_table == (14 + k, 26 - k, 9, 31)
    assert result.rir == math.ceil(k / (9 / 40))
    assert "sustain" in " ".join(result.summary()["quantity"])


def test_replace_entire_uses_the_whole_sample_rate():
    """Derivation: replace="entire" divides by the destination outcome's rate in the whole
    sample, here events (23 of 80) for a table made significant."""
    table = TwoByTwo(14, 40, 9, 40)
    result = rir_table(table, replace="entire")
    assert result.replacement_probability == pytest.approx(23 / 80, rel=1e-15)
    assert result.rir == math.ceil(result.fragility / (23 / 80))
    assert np.isfinite(result.rir)


def test_logistic_bad_input():
    with pytest.raises(ParameterError, match="`n_treated` must be between 1 and n_obs - 1"):
        rir_logistic(0.5, 0.2, 300, 3, 300)
    with pytest.raises(ParameterError, match="`n_treated` must be between 1 and n_obs - 1"):
        rir_logistic(0.5, 0.2, 300, 3, 0)
    with pytest.raises(ParameterError, match="`replace` must be one of 'control', 'entire'"):
        rir_logistic(0.5, 0.2, 300, 3, 100, replace="all")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="`std_error` must be > 0"):
        rir_logistic(0.5, -0.2, 300, 3, 100)
    with pytest.raises(NoSolutionError, match="no usable implied 2x2 table"):
        rir_logistic(3.0, 0.5, 40, 1, 10)


def test_table_bad_input():
    with pytest.raises(ParameterError, match="`table` must be a TwoByTwo; got tuple"):
        rir_table((10, 50, 9, 50))  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="`replace` must be one of"):
        rir_table(TwoByTwo(10, 50, 9, 50), replace="treated")  # type: ignore[arg-type]
    with pytest.raises(NoSolutionError, match="switching every treated outcome does not make "
                                              "the test significant"):
        rir_table(TwoByTwo(1, 3, 1, 3))
