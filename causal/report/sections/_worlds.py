"""What the report says about a study's SIMULATED worlds, in the words of their model.

The report names no world model: a world's latent confounder is called by the column name its
model gives (:attr:`causal.data.spec.WorldModel.latent`), and a world "does nothing" when its
true odds ratio is 1.
"""

from __future__ import annotations

from typing import Any


def latent_name(study: Any) -> str:
    """The first latent column of the study's world model, or a generic name."""
    model = getattr(getattr(study, "data", None), "model", None)
    latent = tuple(getattr(model, "latent", ()) or ())
    return latent[0] if latent else "latent confounder"


def null_worlds(study: Any) -> list[Any]:
    """The declared worlds in which the treatment has no effect (true odds ratio 1)."""
    return [w for w in getattr(study, "worlds", ()) if w.true_odds_ratio == 1]
