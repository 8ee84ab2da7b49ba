"""Write the SIMULATED data sets that ``matchit_vectors.R`` matches with MatchIt.

Run once from the repository root (``uv run python tests/data/matchit/make_data.py``); the CSVs
are committed beside this script, so the tests never simulate them again.

* ``continuous.csv``: 400 units, a continuous ``x`` and a binary ``z``; treatment from a
  logistic model in both, outcome linear. Propensity scores do not tie, so nearest-neighbour
  matching with replacement is the same method here and in MatchIt.
* ``strata.csv``: 600 units in four strata of two binary covariates ``g`` and ``h`` (only
  categorical covariates, so every propensity score ties within its stratum); binary outcome.
  Controls are sorted so that the first control in each stratum has the outcome, which is what
  made first-in-file-order matching give the wrong sign.
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def continuous(seed: int = 20) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 400
    x = rng.normal(size=n)
    z = rng.binomial(1, 0.4, size=n)
    a = rng.binomial(1, 1 / (1 + np.exp(-(-0.7 + 0.8 * x + 0.6 * z))))
    y = 1.0 + 0.5 * a + 1.2 * x - 0.4 * z + rng.normal(size=n)
    return pd.DataFrame({"a": a, "x": np.round(x, 6), "z": z, "y": np.round(y, 6)})


def strata(seed: int = 21) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sizes = {(0, 0): 300, (0, 1): 150, (1, 0): 100, (1, 1): 50}
    share = {(0, 0): 0.1, (0, 1): 0.3, (1, 0): 0.5, (1, 1): 0.2}
    base = {(0, 0): 0.2, (0, 1): 0.5, (1, 0): 0.3, (1, 1): 0.6}
    lift = {(0, 0): 0.25, (0, 1): 0.1, (1, 0): 0.2, (1, 1): 0.3}
    parts = []
    for key, n in sizes.items():
        a = rng.binomial(1, share[key], size=n)
        y = rng.binomial(1, base[key] + lift[key] * a)
        part = pd.DataFrame({"g": key[0], "h": key[1], "a": a, "y": y})
        # controls with the outcome first: the first control in file order has y = 1
        part = part.sort_values(["a", "y"], ascending=[True, False], kind="stable")
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


if __name__ == "__main__":
    continuous().to_csv(HERE / "continuous.csv", index=False)
    strata().to_csv(HERE / "strata.csv", index=False)
