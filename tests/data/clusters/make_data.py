"""Write the SIMULATED clustered data set that ``sandwich_vectors.R`` analyses.

Run once from the repository root (``uv run python tests/data/clusters/make_data.py``); the CSV
is committed beside this script, so the tests never simulate it again.

``clustered.csv``: 40 clusters ("therapists") of 4 to 19 clients (seed 23), a shared cluster
effect ``u`` that raises uptake and recovery (so both the treatment and the outcome are
correlated within clusters), a measured covariate ``x``, a 0/1 treatment ``a``, a 0/1 outcome
``y`` and a continuous outcome ``yc``. Values are rounded to 6 decimals so that R reads exactly
the numbers Python does.
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def clustered(seed: int = 23) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = 40
    sizes = rng.integers(4, 20, size=g)
    cluster = np.repeat(np.arange(1, g + 1), sizes)
    n = len(cluster)
    u = rng.normal(size=g)[cluster - 1]
    x = np.round(rng.normal(size=n) + 0.4 * u, 6)
    a = rng.binomial(1, 1 / (1 + np.exp(-(-0.3 + 0.5 * x + 0.8 * u))))
    y = rng.binomial(1, 1 / (1 + np.exp(-(-0.6 + 0.7 * a + 0.5 * x + 0.9 * u))))
    yc = np.round(1.0 + 0.5 * a + 0.8 * x + u + rng.normal(size=n), 6)
    return pd.DataFrame({"therapist": cluster, "a": a, "x": x, "y": y, "yc": yc})


if __name__ == "__main__":
    clustered().to_csv(HERE / "clustered.csv", index=False)
