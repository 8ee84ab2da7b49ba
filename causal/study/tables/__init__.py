"""One module per table of the study file, each with ``KEYS`` and one ``parse`` function.

To add a table: write ``causal/study/tables/<name>.py`` with the keys it accepts and a
``parse`` returning a frozen value, add it to :data:`TOP_LEVEL` and call it from
:func:`causal.study.load.parse_study`, and document it in ``docs/study-file.md`` (a test
checks that the documented keys are exactly the accepted ones, via :func:`accepted_keys`).
"""

from __future__ import annotations

from causal.study.tables import (
    claim,
    data,
    design,
    estimate,
    evalue,
    explain_away,
    graph,
    heterogeneity,
    individual_sensitivity,
    negative_controls,
    probabilistic_bias,
    published,
    randomised_evidence,
    report,
    scenario_benchmarks,
    scenarios,
    selection_bias,
    source,
    study,
    target_trial,
    time_ordering,
    worlds,
)

#: the top-level tables a study file may have (``[name]`` or ``[[name]]``)
TOP_LEVEL = ("study", "source", "claim", "claims", "evalue", "graph", "data", "worlds",
             "published", "estimate", "scenarios", "explain_away", "individual_sensitivity",
             "heterogeneity", "report", "randomised_evidence", "probabilistic_bias",
             "selection_bias", "multi_bias", "time_ordering", "target_trial",
             "scenario_benchmarks", "design", "negative_controls",
             "negative_control_estimates")


def accepted_keys() -> dict[str, frozenset[str]]:
    """Every table the parser reads (as written in a study file) and the keys it accepts.

    Tables whose keys are the user's own names (``[data.indicators]``, level tables) are not
    listed; their values are checked instead.
    """
    out: dict[str, frozenset[str]] = {
        "study": study.KEYS, "source": source.KEYS, "graph": graph.KEYS,
        "evalue": evalue.KEYS, "estimate": estimate.KEYS, "data": data.KEYS, "design": design.KEYS,
        "data.benchmark": data.BENCHMARK_KEYS, "[worlds]": worlds.KEYS, "[published]": published.KEYS,
        "[scenarios]": scenarios.KEYS, "explain_away": explain_away.KEYS,
        "individual_sensitivity": individual_sensitivity.KEYS,
        "heterogeneity": heterogeneity.KEYS, "report": report.KEYS,
        "[randomised_evidence]": frozenset(randomised_evidence.KEYS),
        "probabilistic_bias": frozenset(probabilistic_bias.KEYS),
        "selection_bias": frozenset(selection_bias.KEYS),
        "multi_bias": frozenset(selection_bias.MULTI_KEYS),
        "time_ordering": frozenset(time_ordering.KEYS), "target_trial": target_trial.KEYS,
        "scenario_benchmarks": scenario_benchmarks.KEYS,
        "negative_controls": negative_controls.KEYS,
        "negative_controls.outcomes": negative_controls.CONTROL_KEYS,
        "negative_controls.exposures": negative_controls.CONTROL_KEYS,
        "[negative_control_estimates]": negative_controls.ESTIMATE_KEYS,
    }
    from causal.worlds import MODELS, world_model

    # the world models' own keys (one registered model today: a key belongs to every model
    # that accepts it)
    for name in MODELS:
        plugin = world_model(name)
        out["data.world"] = out.get("data.world", frozenset({"model"})) | plugin.KEYS
        for sub, keys in plugin.SUBTABLES.items():
            out[f"data.world.{sub}"] = out.get(f"data.world.{sub}", frozenset()) | keys
        out["[worlds]"] = out["[worlds]"] | plugin.WORLD_KEYS
    for component in sorted(target_trial.KEYS - {"title"}):
        out[f"target_trial.{component}"] = target_trial.COMPONENT_KEYS
    for name in ("claim", "[claims]"):
        base = name.strip("[]")
        out[name] = claim.CLAIM_KEYS
        for group in ("treated", "control", "overall"):
            out[f"{base}.{group}"] = claim.GROUP_KEYS
        out[f"[{base}.estimates]"] = claim.ESTIMATE_KEYS
        out[f"{base}.sample"] = claim.SAMPLE_KEYS
        out[f"{base}.unmeasured"] = claim.UNMEASURED_KEYS
    return out
