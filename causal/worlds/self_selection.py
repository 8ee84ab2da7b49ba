"""The self-selection world: a latent motivation raises both uptake of a treatment and recovery.

Registered as ``[data.world] model = "self_selection"``. Built for Thew et al.'s (2024) cohort
(studies/thew2024.toml): clients offered employment support alongside therapy, baseline PHQ-9
and GAD-7 scores, sessions of therapy. The structural equations, draws and solver are in
:mod:`causal.worlds.self_selection_draws`; the grid solver of the explain-away simulation in
:mod:`causal.worlds.self_selection_grid`; the calibration of motivation's strength against the
paper's adjusted OR in :mod:`causal.worlds.calibrate`.

What it assumes (:data:`ASSUMES`): covariates independent of one another except PHQ-9 with
GAD-7 (Gaussian copula); motivation independent of every measured covariate; sessions depend
on motivation only (not on treatment, so they are no mediator); uptake and recovery logistic in
the covariates and motivation, with no interaction; the true effect is one conditional OR.

``[data.world]`` keys (:data:`KEYS`): the covariate distributions (``age_mean``, ``age_sd``,
``age_range``, ``female``, ``white``, ``long_term_condition``, ``phq9_mean``, ``phq9_sd``,
``gad7_mean``, ``gad7_sd``, ``phq9_gad7_correlation``, ``sessions_mean``,
``sessions_motivation``, ``presenting_problem``) and the log-odds tables ``uptake`` and
``recovery``. ``[[worlds]]`` keys (:data:`WORLD_KEYS`): ``motivation_uptake_odds_ratio`` and
``motivation_recovery_odds_ratio`` (per SD of motivation; default 1) and, optionally,
``motivation_prevalence`` (in (0, 1): motivation is BINARY, present with that probability, and
the two ORs compare motivated with unmotivated clients).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from causal.data.spec import World

if TYPE_CHECKING:
    from causal.worlds.self_selection_draws import SolvedWorld

MODEL = "self_selection"
#: the measured covariates the model draws, in the order they are drawn
COVARIATES: tuple[str, ...] = (
    "long_term_condition", "sessions", "age", "sex", "ethnicity", "phq9_baseline",
    "gad7_baseline", "presenting_problem")
LATENT: tuple[str, ...] = ("motivation",)
TREATMENT, OUTCOME = "employment_support", "recovery"
COHORT_KEYS = frozenset({"age_mean", "age_sd", "age_range", "female", "white",
                         "long_term_condition", "phq9_mean", "phq9_sd", "gad7_mean", "gad7_sd",
                         "phq9_gad7_correlation", "sessions_mean", "sessions_motivation",
                         "presenting_problem"})
#: the keys of ``[data.world]`` (besides ``model``)
KEYS = COHORT_KEYS | {"uptake", "recovery"}
#: the keys of ``[data.world.uptake]`` and ``[data.world.recovery]``
COEFFICIENT_KEYS = frozenset(COVARIATES)
#: the model's own keys of a ``[[worlds]]`` table
WORLD_KEYS = frozenset({"motivation_uptake_odds_ratio", "motivation_recovery_odds_ratio",
                        "motivation_prevalence"})
_PREVALENCES = ("female", "white", "long_term_condition")
_ODDS = dict(low=0, open_low=True, expected="an odds ratio > 0")
ASSUMES = ("covariates independent except PHQ-9 with GAD-7 (Gaussian copula); a latent "
           "motivation, independent of the measured covariates, raises sessions, uptake and "
           "recovery; logistic uptake and recovery without interactions; one true conditional "
           "OR of treatment on recovery")


@dataclass(frozen=True)
class SelfSelectionWorld(World):
    """A ``[[worlds]]`` table of the self-selection model."""

    motivation_uptake_odds_ratio: float = 1.0
    motivation_recovery_odds_ratio: float = 1.0
    #: None: motivation ~ N(0, 1) (ORs per SD); a number in (0, 1): motivation is binary,
    #: present with this probability (ORs compare motivated with unmotivated clients)
    motivation_prevalence: float | None = None

    @property
    def latent_odds_ratio(self) -> float | None:
        """Motivation's odds ratio with uptake (per SD, or motivated vs not)."""
        return self.motivation_uptake_odds_ratio


@dataclass(frozen=True)
class SelfSelection:
    """The configured self-selection model (a ``[data.world]`` table, checked)."""

    cohort: dict[str, Any] = field(default_factory=dict)
    uptake: dict[str, Any] = field(default_factory=dict)
    recovery: dict[str, Any] = field(default_factory=dict)
    model: str = MODEL
    treatment: str = TREATMENT
    outcome: str = OUTCOME
    covariates: tuple[str, ...] = COVARIATES
    latent: tuple[str, ...] = LATENT
    assumes: str = ASSUMES

    # -- the WorldModel interface (causal.data.spec.WorldModel) -------------------------
    def categories(self, column: str) -> list[str] | None:
        return list(self.cohort["presenting_problem"]) if column == "presenting_problem" \
            else None

    def solve(self, world: World, targets: tuple[float, float, float]) -> SolvedWorld:
        from causal.worlds.self_selection_draws import solved

        return solved(self, world, targets)  # type: ignore[arg-type]

    def draw(self, world: World, targets: tuple[float, float, float], n: int,
             replicates: int, random_state: Any) -> dict[str, Any]:
        from causal.worlds.self_selection_draws import draw_arrays

        return draw_arrays(self, self.solve(world, targets), n, replicates, random_state)

    def describe(self, world: World) -> str:
        from causal.worlds.self_selection_draws import SIMULATED_NOTE

        return SIMULATED_NOTE.format(world=world.name, true_or=world.true_odds_ratio)

    def column_notes(self) -> dict[str, str]:
        return {"sex": "1 = female, 0 = male", "ethnicity": "1 = White, 0 = other",
                "employment_support": "1 = accepted employment support",
                "recovery": "1 = recovered (PHQ-9 < 10 and GAD-7 < 8)",
                "motivation": "LATENT motivation (simulated truth): standard normal, "
                              "or 0/1 in a world with motivation_prevalence"}

    # -- what the explain-away simulation needs: a binary latent confounder ---------------
    def solve_binary_grid(self, *args: Any, **kwargs: Any) -> Any:
        """:func:`causal.worlds.self_selection_grid.solve_binary_grid` of this model."""
        from causal.worlds.self_selection_grid import solve_binary_grid

        return solve_binary_grid(self, *args, **kwargs)

    def draw_binary_latent(self, u: Any, rng: Any, prevalence: float, age_loc: float,
                           age_scale: float) -> tuple[dict[str, Any], Any, Any, Any]:
        """Covariates from the uniforms ``u[0:9]`` with a BINARY latent of ``prevalence``:
        ``(covariates, uptake predictor b'X, recovery predictor d'X, latent 0/1)``."""
        from causal.worlds.self_selection_draws import _linear, covariates_from_uniforms

        cov = covariates_from_uniforms(u, self, age_loc, age_scale, rng,
                                       motivation_prevalence=prevalence)
        levels = list(self.cohort["presenting_problem"])
        return (cov, _linear(self.uptake, cov, levels), _linear(self.recovery, cov, levels),
                cov[self.latent[0]])

    def adjusted_design(self, arrays: dict[str, Any], data: Any) -> Any:
        """The paper's adjusted model's design (:func:`causal.worlds.calibrate.adjusted_design`)."""
        from causal.worlds.calibrate import adjusted_design

        return adjusted_design(arrays, data)

    def design_width(self, data: Any) -> int:
        """Columns of :meth:`adjusted_design`: intercept, treatment and the covariates."""
        return 2 + sum(len(self.cohort["presenting_problem"]) - 1 if c in data.categorical
                       else 1 for c in data.covariates)

    def covariate_benchmarks(self, covariates: tuple[str, ...], prognostic_scale: float,
                             prevalence: float) -> dict[str, tuple[float, float, float, float]]:
        """How strongly each measured continuous covariate predicts uptake and recovery,
        placed on a binary confounder's OR axes.

        Per SD of a covariate ``x`` the model's ORs are ``exp(b_x sd_x)`` (uptake) and
        ``exp(k d_x sd_x)`` (recovery, with the prognostic scale ``k``); protective
        associations are inverted (``|log OR|``) so that they sit on the grid's >= 1 axes. A
        binary confounder of prevalence pi has SD ``sqrt(pi (1 - pi))``, so its OR per SD is
        ``OR^sqrt(pi (1 - pi))``; a covariate is placed where a binary confounder would have
        the SAME strength per SD: ``OR_grid = OR_per_SD^(1 / sqrt(pi (1 - pi)))`` (at
        pi = 0.5: the square). Returns name -> (grid uptake OR, grid recovery OR, per-SD
        uptake OR, per-SD recovery OR). Sessions (1 + Poisson) have SD
        ``sqrt(sessions_mean - 1)``.
        """
        import numpy as np

        c = self.cohort
        sds = {"phq9_baseline": c["phq9_sd"], "gad7_baseline": c["gad7_sd"],
               "age": c["age_sd"], "sessions": float(np.sqrt(c["sessions_mean"] - 1))}
        power = 1 / np.sqrt(prevalence * (1 - prevalence))
        out = {}
        for name, sd in sds.items():
            if name not in covariates:
                continue
            per_sd_t = float(np.exp(abs(self.uptake.get(name, 0.0)) * sd))
            per_sd_y = float(np.exp(abs(prognostic_scale * self.recovery.get(name, 0.0)) * sd))
            out[name] = (per_sd_t**power, per_sd_y**power, per_sd_t, per_sd_y)
        return out


# -- reading the study file (the reader is the study parser's TableReader, passed in) -------
def _coefficients(reader: Any, key: str) -> dict[str, Any]:
    """Log-odds coefficients per unit; ``presenting_problem`` is a table level -> log-odds."""
    sub = reader.sub(key, COEFFICIENT_KEYS, what="a table of log-odds coefficients")
    if sub is None:
        return {}
    for name, value in sub.table.items():
        if name == "presenting_problem":
            levels = sub.sub(name, None, what="a table of level = log-odds")
            assert levels is not None
            for level in levels.table:
                levels.number(level, expected="a finite log-odds")
        else:
            sub.check_number(value, name, expected="a finite log-odds coefficient per unit")
    return dict(sub.table)


def _cohort(table: Any) -> dict[str, Any]:
    for key in _PREVALENCES:
        table.number(key, low=0, high=1, open_low=True, open_high=True,
                     expected="a prevalence in (0, 1)")
    for key in ("age_sd", "phq9_sd", "gad7_sd"):
        table.number(key, low=0, open_low=True, expected="a positive SD")
    for key in ("age_mean", "phq9_mean", "gad7_mean", "sessions_motivation"):
        table.number(key)
    table.number("sessions_mean", low=1, open_low=True,
                 expected="a mean number of sessions > 1 (everyone has at least one)")
    table.number("phq9_gad7_correlation", low=-1, high=1, open_low=True, open_high=True,
                 expected="a correlation in (-1, 1)")
    age_range = table.table.get("age_range")
    if (not isinstance(age_range, list) or len(age_range) != 2
            or not all(isinstance(a, (int, float)) and not isinstance(a, bool)
                       for a in age_range)
            or not age_range[0] < table.table["age_mean"] < age_range[1]):
        raise table.error("age_range", "a list [lowest, highest] around age_mean", age_range)
    levels = table.sub("presenting_problem", None, what="a table of at least two level = share",
                       required=True)
    assert levels is not None
    if len(levels.table) < 2:
        raise table.error("presenting_problem", "a table of at least two level = share",
                          levels.table)
    for level in levels.table:
        levels.number(level, low=0, high=1, open_low=True, open_high=True,
                      expected="a share in (0, 1)")
    if abs(sum(levels.table.values()) - 1) > 1e-6:
        raise table.error("presenting_problem", "shares summing to 1",
                          round(sum(levels.table.values()), 6))
    return {k: v for k, v in table.table.items() if k in COHORT_KEYS}


def parse(reader: Any) -> SelfSelection:
    """The ``[data.world]`` table (a reader whose unknown keys are already refused)."""
    cohort = _cohort(reader)
    models = {key: _coefficients(reader, key) for key in ("uptake", "recovery")}
    for key, table in models.items():
        for level in table.get("presenting_problem", {}):
            if level not in cohort["presenting_problem"]:
                raise reader.error(f"{key}.presenting_problem",
                                   f"levels of {reader.where}.presenting_problem "
                                   f"({', '.join(cohort['presenting_problem'])})", level)
    return SelfSelection(cohort=cohort, **models)


def parse_world(reader: Any, **common: Any) -> SelfSelectionWorld:
    """One ``[[worlds]]`` table: the common fields (``common``) and this model's keys."""
    return SelfSelectionWorld(
        **common,
        motivation_uptake_odds_ratio=reader.number("motivation_uptake_odds_ratio", 1.0,
                                                   **_ODDS),
        motivation_recovery_odds_ratio=reader.number("motivation_recovery_odds_ratio", 1.0,
                                                     **_ODDS),
        motivation_prevalence=reader.number("motivation_prevalence", None, low=0, high=1,
                                            open_low=True, open_high=True,
                                            expected="a prevalence in (0, 1)"))


#: the sub-tables of ``[data.world]`` and their keys (for the study file's documentation)
SUBTABLES: dict[str, frozenset[str]] = {"uptake": COEFFICIENT_KEYS,
                                        "recovery": COEFFICIENT_KEYS}
