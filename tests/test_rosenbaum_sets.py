"""Rosenbaum sensitivity for matched sets with several controls (causal.sensitivity.rosenbaum_bounds.matched_sets).

Peer: R ``sensitivitymult`` 1.0.2 (github cran/sensitivitymult, commit b183351), its R/*.R
files sourced under Debian's R 4.2.2. Each (sets x units) matrix ``m`` (treated first, NA for a
missing control) was put in senm's long format (``y`` the responses row by row, ``z`` 1 for
the first unit of a row, ``mset`` the row number) and the call ``senm(y, z, mset, ...)`` with the
arguments named in each case was printed with ``sprintf("%.17g")``. Data: tests/data/
tbmetaphase.csv (Rosenbaum 2007, Table 3; 15 sets of 2 or 3) and tests/data/mercury.csv (397
sets of 3; Rosenbaum 2014), as bundled in sensitivitymult / sensitivitymv (tests/data/README.md).

Paper check: Rosenbaum (2007, sec. 4.3) and the sensitivitymv example
``senmv(tbmetaphase, gamma = 2, trim = 1, tau = 0.94 / 0.945)``: the one-sided bound crosses
0.05 between tau = 0.94 and 0.945 (the lower end of the 95% sensitivity interval at Γ = 2).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from causal.errors import DataError, NoSolutionError, ParameterError
from causal.sensitivity.rosenbaum_bounds.matched_sets import (
    gamma_star_sets,
    rosenbaum_sets,
    sets_from_long,
)
from tests._sensitivity_refs import DATA

#: (data, senm arguments, gamma) -> (pval, deviate, statistic, expectation, variance)
SENM = [
    ("tbmetaphase", {}, 1.0, (0.00051849030369666149, 3.2802964542227291, 2.925925925925926,
                              2.7755575615628914e-17, 0.79561042524005487)),
    ("tbmetaphase", {}, 1.5, (0.0038155955314652656, 2.6679663063249142, 2.925925925925926,
                              0.58664021164021174, 0.76878669060216676)),
    ("tbmetaphase", {}, 2.0, (0.010903778031560063, 2.2937031436266895, 2.925925925925926,
                              0.98333333333333317, 0.7172805212620027)),
    ("tbmetaphase", {}, 3.0, (0.033176940742535965, 1.8360255262548908, 2.925925925925926,
                              1.4878306878306879, 0.61350466112370872)),
    ("tbmetaphase", {"trim": 1}, 2.0, (0.0090188311034707924, 2.3648440993118958,
                                       5.833333333333333, 1.9944444444444447, 2.6351543209876547)),
    ("tbmetaphase", {"trim": 1, "tau": 0.94}, 2.0,
     (0.049742175924842535, 1.6473586375855249, 4.9061488673139158, 2.1488673139158578,
      2.8014696117552185)),
    ("tbmetaphase", {"trim": 1, "tau": 0.945}, 2.0,
     (0.050187430633480523, 1.6430390150871022, 4.9002433090024322, 2.1496350364963503,
      2.802603998318741)),
    ("tbmetaphase", {"trim": math.inf, "effect_on_treated": True}, 1.5,
     (0.005263597086415106, 2.5580137102329785, 3.2333333333333334, 0.6613095238095239,
      1.0109838860544216)),
    ("tbmetaphase", {"inner": 0.5, "trim": 2, "alternative": "less"}, 1.2,
     (0.99975834400719099, -3.4898388019522604, -3.6111111111111107, 0.31882551000198051,
      1.2681200198639586)),
    ("tbmetaphase", {"inner": 1, "trim": 1}, 1.3,
     (0.0079779473450716232, 2.4099228387530434, 3.6666666666666665, 0.47716293368467289,
      1.7516202389748816)),
    ("tbmetaphase", {"inner": 0.5, "trim": math.inf, "scale_quantile": 0.7}, 1.4,
     (0.0059942963339039146, 2.5124799224883403, 3.583333333333333, 0.57082043343653222,
      1.4376482190154865)),
    ("mercury", {}, 5.0, (5.3512749786932545e-14, 7.4319259784698231, 136.10000000000016,
                          89.930106257378881, 38.593574038013237)),
    ("mercury", {}, 15.0, (0.066787711894794155, 1.5001504936367149, 136.10000000000016,
                           129.47025472945768, 19.530979575778399)),
    ("mercury", {"trim": math.inf, "effect_on_treated": True}, 15.0,
     (0.033467078407282802, 1.8321158876388921, 2.9424181360201493, 2.704028410421615,
      0.016930476676996684)),
    ("mercury", {"inner": 0.5, "trim": 2.5}, 15.0,
     (0.029051982229339246, 1.8949127294398136, 134.24090909090933, 125.71756080731399,
      20.232150347832491)),
]
#: senm(...) arguments as R spells them, for the test ids
R_NAMES = {"scale_quantile": "lambda", "effect_on_treated": "TonT"}


def _load(name: str) -> tuple[np.ndarray, np.ndarray]:
    frame = pd.read_csv(DATA / f"{name}.csv")
    return frame.iloc[:, 0].to_numpy(float), frame.iloc[:, 1:].to_numpy(float)


def _id(case) -> str:
    name, options, gamma, _ = case
    args = ", ".join(f"{R_NAMES.get(k, k)}={v}" for k, v in options.items())
    return f"{name}: senm({args}{', ' if args else ''}gamma={gamma:g})"


@pytest.mark.parametrize("case", SENM, ids=[_id(c) for c in SENM])
def test_reproduces_senm(case):
    """sensitivitymult 1.0.2 senm(y, z, mset, gamma, ...) (module docstring; the case id names
    the arguments). Tolerance 1e-10 relative: same arithmetic, different summation order."""
    name, options, gamma, (pval, deviate, statistic, expectation, variance) = case
    result = rosenbaum_sets(*_load(name), gamma, **options)
    assert result.statistic == pytest.approx(statistic, rel=1e-10)
    assert result.expectation[0] == pytest.approx(expectation, rel=1e-10, abs=1e-13)
    assert result.variance[0] == pytest.approx(variance, rel=1e-10)
    assert result.deviate[0] == pytest.approx(deviate, rel=1e-10)
    assert result.p_upper[0] == pytest.approx(pval, rel=1e-8)


def test_vectorised_over_gamma_equals_one_call_per_gamma():
    """senm values at Γ = 1, 1.5, 2, 3 (SENM above) from a single vectorised call."""
    rows = [c for c in SENM if c[0] == "tbmetaphase" and not c[1]]
    result = rosenbaum_sets(*_load("tbmetaphase"), [c[2] for c in rows])
    assert result.p_upper == pytest.approx([c[3][0] for c in rows], rel=1e-8)
    frame = result.to_frame()
    assert list(frame.columns) == ["gamma", "statistic", "expectation", "variance", "deviate",
                                   "p_upper"]
    summary = result.summary()
    assert len(summary) == 4 and "one-sided (greater, tau = 0)" in summary.loc[0, "note"]
    assert result.set_sizes == {2: 10, 3: 5} and result.n_sets == 15  # counted in the CSV


def test_paper_interval_end_at_gamma_2():
    """Rosenbaum (2007) sec. 4.3 / sensitivitymv example: at Γ = 2 with trim = 1 the bound
    crosses 0.05 between tau = 0.94 and 0.945 (senm values in SENM)."""
    treated, controls = _load("tbmetaphase")
    low = rosenbaum_sets(treated, controls, 2, trim=1, tau=0.94).p_upper[0]
    high = rosenbaum_sets(treated, controls, 2, trim=1, tau=0.945).p_upper[0]
    assert low < 0.05 < high


def test_mercury_gamma_one_far_tail():
    """senm(mercury, gamma = 1): deviate 20.622900930861515, where R's 1 - pnorm prints 0; the
    normal upper tail there is about 8.5e-95 (scipy's norm.sf of the same deviate)."""
    result = rosenbaum_sets(*_load("mercury"), 1.0)
    assert result.deviate[0] == pytest.approx(20.622900930861515, rel=1e-10)
    assert 0 < result.p_upper[0] < 1e-90


def test_pairs_reduce_to_the_matched_pair_m_test():
    """Derivation: with one control per set, trim = inf and effect_on_treated, pair i's scores
    are +d_i/n (treated) and -d_i/n (control): the statistic is the mean difference, and at
    Γ = 1 each pair contributes mean 0 and variance (d_i/n)² (the permutational t-test of
    senm's example ``senm(either4low, smoker, mset, trim = Inf, TonT = TRUE)``)."""
    d = np.array([0.148, 0.358, 1.572, 2.526, 0.287, -0.271])
    result = rosenbaum_sets(d, np.zeros_like(d), 1.0, trim=math.inf, effect_on_treated=True)
    n = d.size
    assert result.statistic == pytest.approx(d.mean(), rel=1e-12)
    assert result.expectation[0] == pytest.approx(0.0, abs=1e-15)
    assert result.variance[0] == pytest.approx(np.sum((d / n) ** 2), rel=1e-12)


def test_gamma_star_sets():
    """Γ* solves p_upper(Γ*) = alpha (checked by re-evaluating the bound there); senm's bound
    with trim = 1 is 0.009 at Γ = 2 (SENM), so Γ* > 2."""
    treated, controls = _load("tbmetaphase")
    star = gamma_star_sets(treated, controls, alpha=0.05, trim=1)
    assert rosenbaum_sets(treated, controls, star, trim=1).p_upper[0] == pytest.approx(
        0.05, rel=1e-8)
    assert 2 < star < 5
    with pytest.raises(NoSolutionError, match="not significant at alpha = 0.05 even with no"):
        gamma_star_sets(treated, controls, alpha=0.05, trim=1, tau=3)
    with pytest.raises(NoSolutionError, match="stays significant at alpha = 0.05 up to Gamma"):
        gamma_star_sets(treated, controls, alpha=0.05, trim=1, gamma_max=1.5)


def test_inputs_not_modified():
    treated, controls = _load("tbmetaphase")
    before = (treated.copy(), controls.copy())
    rosenbaum_sets(treated, controls, [1, 2], tau=0.5, alternative="less")
    np.testing.assert_array_equal(treated, before[0])
    np.testing.assert_array_equal(controls, before[1])


NAN = float("nan")


@pytest.mark.parametrize(("args", "kwargs", "error", "match"), [
    (([1, 2], [[0], [1]], 0.5), {}, ParameterError, r"`gamma` must be finite and >= 1"),
    (([1, 2], [[0], [1]]), {"inner": 2, "trim": 1}, ParameterError,
     "`inner` and `trim` must satisfy 0 <= inner <= trim; got inner 2 and trim 1"),
    (([1, 2], [[0], [1]]), {"scale_quantile": 1}, ParameterError,
     r"`scale_quantile` must be in \(0, 1\); got 1"),
    (([1, 2], [[0], [1]]), {"alternative": "two-sided"}, ParameterError, "`alternative`"),
    (([1, 2, 3], [[0], [1]]), {}, ParameterError,
     r"`controls` must be a \(sets x controls\) array with one row per treated response \(3\)"),
    (([1, NAN], [[0], [1]]), {}, ParameterError, "`treated` must be finite in every matched"),
    (([1, 2], [[0, NAN], [NAN, NAN]]), {}, DataError,
     r"every matched set needs at least one control; 1 set\(s\) have none"),
    (([1, 2], [[0], [np.inf]]), {}, ParameterError, "`controls` must be finite or NaN"),
    (([1, 2], [["a"], [1]]), {}, ParameterError, "must contain numbers only"),
    (([1, 1], [[1, 1], [1, 2]]), {}, DataError,
     "the 0.5 quantile of the absolute within-set differences is 0"),
    (([1, 1], [[1, 1], [1, 1]]), {"trim": math.inf}, DataError,
     "the m-statistic has no variance"),
])
def test_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        rosenbaum_sets(*args, **kwargs)


def test_bad_gamma_star_options():
    with pytest.raises(ParameterError, match=r"`options` must be among .*got \['lambda'\]"):
        gamma_star_sets([1, 2], [[0], [1]], **{"lambda": 0.5})
    with pytest.raises(ParameterError, match="`gamma_max` must be a finite number > 1"):
        gamma_star_sets([1, 2], [[0], [1]], gamma_max=1)


#: sensitivitymult 1.0.2 senm's own examples on its `teeth` data (441 matched pairs, one row per
#: person: tests/data/teeth.csv), printed with sprintf("%.17g"):
#: (pval, deviate, statistic, expectation, variance)
TEETH_LOW_TRIM_25 = (0.015597560517545461, 2.1545748223271399, 50.874999999999979,
                     38.259374999999984, 34.284228515625003)
TEETH_LOW_T_TEST = (9.9920072216264089e-16, 7.9353154867446607, 6.7142857142857144, 0.0,
                    0.71593111923529718)
TEETH_UP_LESS = (1.0, -9.9023746051432724, -41.066666666666663, 19.359999999999999,
                 37.237333333333282)


@pytest.fixture(scope="module")
def teeth() -> pd.DataFrame:
    return pd.read_csv(DATA / "teeth.csv")


def test_senm_example_lower_teeth(teeth):
    """senm's example ``senm(either4low, smoker, mset, trim = 2.5, gamma = 2.2)`` (the deviate
    for lower teeth of Rosenbaum 2016, p. 1466, line 4, per senm's documentation), from data
    in senm's one-row-per-person format."""
    treated, controls = sets_from_long(teeth["either4low"], teeth["smoker"], teeth["mset"])
    result = rosenbaum_sets(treated, controls, 2.2, trim=2.5)
    pval, deviate, statistic, expectation, variance = TEETH_LOW_TRIM_25
    assert result.deviate[0] == pytest.approx(deviate, rel=1e-10)
    assert result.p_upper[0] == pytest.approx(pval, rel=1e-8)
    assert (result.statistic, result.expectation[0], result.variance[0]) == pytest.approx(
        (statistic, expectation, variance), rel=1e-10)


def test_senm_example_permutational_t_test(teeth):
    """senm's example ``senm(either4low, smoker, mset, trim = Inf, TonT = TRUE)``: the statistic
    equals ``mean(dif)`` of the pair differences, 6.7142857142857144. R prints pval
    9.99e-16 from ``1 - pnorm(7.935...)``, which has lost digits to cancellation; we compare
    the deviate and check the p-value is the normal upper tail of it."""
    from scipy.stats import norm

    treated, controls = sets_from_long(teeth["either4low"], teeth["smoker"], teeth["mset"])
    result = rosenbaum_sets(treated, controls, 1.0, trim=math.inf, effect_on_treated=True)
    _, deviate, statistic, _, variance = TEETH_LOW_T_TEST
    assert result.statistic == pytest.approx(statistic, rel=1e-12)
    assert result.statistic == pytest.approx(float(np.mean(treated - controls[:, 0])), rel=1e-12)
    assert result.deviate[0] == pytest.approx(deviate, rel=1e-10)
    assert result.variance[0] == pytest.approx(variance, rel=1e-10)
    assert result.p_upper[0] == pytest.approx(norm.sf(deviate), rel=1e-9)


def test_senm_upper_teeth_less(teeth):
    """``senm(either4up, smoker, mset, gamma = 1.5, alternative = "less")`` (R prints pval 1)."""
    treated, controls = sets_from_long(teeth["either4up"], teeth["smoker"], teeth["mset"])
    result = rosenbaum_sets(treated, controls, 1.5, alternative="less")
    pval, deviate, statistic, expectation, variance = TEETH_UP_LESS
    assert result.p_upper[0] == pytest.approx(pval, abs=1e-15)
    assert (result.deviate[0], result.statistic, result.expectation[0],
            result.variance[0]) == pytest.approx((deviate, statistic, expectation, variance),
                                                 rel=1e-10)


def test_sets_from_long_any_order():
    """Shuffled one-row-per-person data give the same sets (controls kept in row order)."""
    y = [5.0, 1.0, 2.0, 7.0, 3.0, 4.0]
    z = [0, 1, 0, 1, 0, 0]
    mset = ["b", "a", "a", "b", "b", "a"]
    treated, controls = sets_from_long(y, z, mset)
    assert treated.tolist() == [7.0, 1.0]  # sets in order of first appearance: b, a
    np.testing.assert_array_equal(controls, [[5.0, 3.0], [2.0, 4.0]])


@pytest.mark.parametrize(("args", "error", "match"), [
    (([1, 2, 3], [1, 0], [1, 1, 1]), ParameterError, "must have the same length; got 3, 2 and 3"),
    (([1, 2], [1, 2], [1, 1]), ParameterError, "`treatment` must be 0 .control. or 1"),
    (([1, NAN], [1, 0], [1, 1]), ParameterError, "`outcome` must be a 1-d array of finite"),
    (([1, 2], [1, 0], [1, None]), ParameterError, "`matched_set` must label every person"),
    (([1, 2, 3], [1, 1, 0], [1, 1, 1]), DataError,
     r"one treated person and at least one control; 1 set\(s\) do not"),
])
def test_sets_from_long_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        sets_from_long(*args)


def test_gamma_blocks_give_the_same_bounds(monkeypatch):
    """A long Γ grid is processed in blocks (memory bound); with a tiny block size every Γ is
    its own block and the bounds are identical to one block."""
    from causal.sensitivity.rosenbaum_bounds import _sets

    treated, controls = _load("tbmetaphase")
    gammas = np.linspace(1, 6, 23)
    whole = rosenbaum_sets(treated, controls, gammas)
    monkeypatch.setattr(_sets, "BLOCK_CELLS", 1)
    blocked = rosenbaum_sets(treated, controls, gammas)
    np.testing.assert_array_equal(whole.p_upper, blocked.p_upper)
    np.testing.assert_array_equal(whole.variance, blocked.variance)
