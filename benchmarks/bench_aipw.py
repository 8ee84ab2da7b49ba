"""AIPW (5-fold cross-fitting) with a 1,000-replicate bootstrap CI against EconML, and the floor.

Usage::

    uv run --group test python benchmarks/bench_aipw.py [--n 1000000] [--pairs 3] [--quick]

SIMULATED data: 8 standard-normal covariates, logistic treatment, linear outcome, true ATE 1.0.
In interleaved pairs after a warm-up of each side (benchmarks/_fair.py):

* ours: ``causal.estimate.AIPW(cv=5, n_bootstrap=1000)`` (logistic propensity, linear outcome
  model per arm, multiplier bootstrap);
* EconML: ``LinearDRLearner`` with the same nuisance models (unpenalised
  ``LogisticRegression``, ``LinearRegression``), 5 folds, ``fit`` + analytic ``ate_interval``
  (EconML offers no cheaper interval);
* the floor: the bare NumPy arithmetic of our work: a fold permutation; per fold a Newton
  fit of the propensity model on the training rows from zero to a step below 1e-8 (linear
  predictor, ``exp``, Gram, score, solve), two least-squares fits by their Gram matrices,
  predictions on the held-out rows; the AIPW terms; and 1,000 replicates of random signs in
  float32 chunks times the centred influence values (the multiplier bootstrap's own form).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _fair  # noqa: E402

N_COVARIATES = 8
N_REPLICATES = 1000
COVS = [f"x{j}" for j in range(N_COVARIATES)]


def simulate(n: int, seed: int = 0) -> pd.DataFrame:
    """SIMULATED cohort: 8 standard-normal covariates, logistic treatment, linear outcome with a
    true effect of 1.0 (ATE)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, N_COVARIATES))
    beta_a = np.linspace(-0.4, 0.4, N_COVARIATES)
    a = (rng.random(n) < 1 / (1 + np.exp(-(x @ beta_a)))).astype(float)
    y = 1.0 * a + x @ np.linspace(0.5, -0.5, N_COVARIATES) + rng.standard_normal(n)
    frame = pd.DataFrame(x, columns=COVS)
    frame["a"], frame["y"] = a, y
    frame.attrs["simulated"] = True
    return frame


def ours(data: pd.DataFrame) -> float:
    from causal.estimate import AIPW

    return AIPW(cv=5, n_bootstrap=N_REPLICATES, random_state=1).estimate(
        data, treatment="a", outcome="y", covariates=COVS).estimate


def econml(data: pd.DataFrame) -> float:
    from econml.dr import LinearDRLearner
    from sklearn.linear_model import LinearRegression, LogisticRegression

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = LinearDRLearner(model_propensity=LogisticRegression(C=np.inf, max_iter=1000),
                              model_regression=LinearRegression(), cv=5, random_state=1)
        est.fit(data["y"].to_numpy(), data["a"].to_numpy(), X=None, W=data[COVS].to_numpy())
        est.ate_interval(alpha=0.05)
        return float(np.ravel(est.ate())[0])


def floor(data: pd.DataFrame, seed: int = 1, covariates: list[str] = COVS,
          replicates: int = N_REPLICATES) -> float:
    """The bare arithmetic of ``ours`` (module docstring); also the floor of one cross-fitted
    AIPW fit (``replicates=0``) for the DML sensitivity benchmark."""
    rng = np.random.default_rng(seed)
    x = data[list(covariates)].to_numpy()
    a = data["a"].to_numpy(float)
    y = data["y"].to_numpy(float)
    n = len(a)
    x1 = np.column_stack([np.ones(n), x])
    fold = np.empty(n, dtype=np.int64)
    for k, rows in enumerate(np.array_split(rng.permutation(n), 5)):
        fold[rows] = k
    e, m1, m0 = np.empty(n), np.empty(n), np.empty(n)
    for k in range(5):
        train, test = fold != k, fold == k
        xt, at, yt = x1[train], a[train], y[train]
        b = np.zeros(x1.shape[1])
        for _ in range(25):
            mu = 1 / (1 + np.exp(-(xt @ b)))
            step = np.linalg.solve((xt * (mu * (1 - mu))[:, None]).T @ xt, xt.T @ (at - mu))
            b += step
            if np.abs(step).max() < 1e-8:
                break
        e[test] = 1 / (1 + np.exp(-(x1[test] @ b)))
        for level, target in ((1.0, m1), (0.0, m0)):
            arm = at == level
            xa = xt[arm]
            target[test] = x1[test] @ np.linalg.solve(xa.T @ xa, xa.T @ yt[arm])
    psi1 = m1 + a * (y - m1) / e
    psi0 = m0 + (1 - a) * (y - m0) / (1 - e)
    phi = np.column_stack([psi1 - psi1.mean(), psi0 - psi0.mean()]).astype(np.float32)
    total = np.zeros((replicates, 2))
    for lo in range(0, n if replicates else 0, 8192):
        block = phi[lo:lo + 8192]
        raw = rng.integers(0, 256, size=(replicates, (len(block) + 7) // 8), dtype=np.uint8)
        signs = np.unpackbits(raw, axis=1, count=len(block)).astype(np.float32)
        total += 2.0 * (signs @ block) - block.sum(0)
    return float(psi1.mean() - psi0.mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="n = 100,000")
    args = parser.parse_args()
    if args.quick:
        args.n = 100_000
    from causal._glm import single_threaded_blas

    _fair.start("AIPW cv=5 + 1000 bootstrap vs EconML LinearDRLearner (SIMULATED data)",
                n=args.n, covariates=N_COVARIATES, pairs=args.pairs)
    data, small = simulate(args.n), simulate(5_000, seed=3)
    for side in (ours, econml, floor):  # warm-up: imports and a first call
        side(small)
    print(f"estimates: ours {ours(small):.4f}, EconML {econml(small):.4f}, floor "
          f"{floor(small):.4f} (n = 5,000; the floor uses its own folds)")

    def floor_one_thread() -> float:  # ours runs its fits with one BLAS thread
        with single_threaded_blas():
            return floor(data)

    _fair.compare("AIPW cv=5 + 1000 bootstrap (ours) vs EconML analytic CI",
                  lambda: ours(data), lambda: econml(data), peer_name="EconML",
                  floor=floor_one_thread, pairs=args.pairs, warm=False, n=args.n,
                  target=">= 5x EconML, <= 3x floor")
    _fair.finish()


if __name__ == "__main__":
    main()
