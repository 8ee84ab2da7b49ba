"""The typed study: every table of a study file, parsed once into frozen values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from causal.claims import PublishedClaim
from causal.data.published import PublishedAnswer
from causal.data.spec import DataSpec, World
from causal.study.tables.evalue import EValueOptions
from causal.study.tables.explain_away import ExplainAwayOptions
from causal.study.tables.graph import StudyGraph
from causal.study.tables.heterogeneity import HeterogeneitySpec
from causal.study.tables.individual_sensitivity import IndividualSensitivitySpec
from causal.study.tables.negative_controls import ControlEstimate, NegativeControls
from causal.study.tables.probabilistic_spec import ProbabilisticBiasSpec
from causal.study.tables.scenarios import Scenarios
from causal.study.tables.selection_spec import MultiBiasSpec, SelectionSpec
from causal.study.tables.source import Source
from causal.study.tables.study import StudyInfo
from causal.study.tables.time_ordering_spec import TimeOrderingSpec
from causal.study.target_trial import TargetTrial
from causal.study.values.evidence import EvidenceEntry
from causal.study.values.scenario_basis import ScenarioBenchmarks

#: report sections that, on SIMULATED data, only teach what the design can detect (the
#: estimates, refutations, heterogeneity and individual-data sensitivity of simulated cohorts):
#: written only with ``[report] appendix = true`` or ``causal report --appendix``
APPENDIX_SECTIONS = ("estimates", "heterogeneity", "refutations", "individual_sensitivity",
                     "dml_sensitivity")


@dataclass(frozen=True)
class Study:
    """A study: what a study file (or :meth:`from_frame`) declares, checked and typed.

    Build one with :func:`causal.load_study` (from a TOML file) or :meth:`Study.from_frame`
    (from a DataFrame in Python). Consumers take the typed pieces they need: ``claim``
    (``claims`` for a family), ``graph``, ``data``, ``worlds``, ``evalue``, ``scenarios``...
    """

    info: StudyInfo
    path: Path | None = None
    source: Source = field(default_factory=Source)
    claims: tuple[PublishedClaim, ...] = ()
    graph: StudyGraph | None = None
    data: DataSpec | None = None
    worlds: tuple[World, ...] = ()
    published: tuple[PublishedAnswer, ...] = ()
    estimand: Literal["ate", "att", "atc"] = "ate"
    #: ``[estimate] saturated``: cell-mean models over the categorical covariates
    saturated: bool = False
    #: ``[design] randomised``: the treatment was assigned at random
    randomised: bool = False
    evalue: EValueOptions = field(default_factory=EValueOptions)
    scenarios: Scenarios = field(default_factory=Scenarios)
    explain_away: ExplainAwayOptions | None = None
    individual_sensitivity: IndividualSensitivitySpec = field(
        default_factory=IndividualSensitivitySpec)
    heterogeneity: HeterogeneitySpec | None = None
    #: report sections not to run (``[report] skip``)
    skip: tuple[str, ...] = ()
    #: ``[report] appendix``: with SIMULATED data, also run the teaching appendix
    appendix: bool = False
    #: tables of the report's further analyses (each parsed by its table module)
    randomised_evidence: tuple[EvidenceEntry, ...] = ()
    probabilistic_bias: ProbabilisticBiasSpec | None = None
    selection_bias: SelectionSpec | None = None
    multi_bias: MultiBiasSpec | None = None
    time_ordering: TimeOrderingSpec | None = None
    target_trial: TargetTrial | None = None
    scenario_benchmarks: ScenarioBenchmarks | None = None
    #: ``[negative_controls]``: declared negative-control outcome and exposure columns
    negative_controls: NegativeControls | None = None
    #: ``[[negative_control_estimates]]``: published control estimates (ratios and CIs)
    negative_control_estimates: tuple[ControlEstimate, ...] = ()

    # -- identity ------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.info.name

    @property
    def title(self) -> str:
        return self.info.title

    @property
    def treatment(self) -> str:
        return self.info.treatment

    @property
    def outcome(self) -> str:
        return self.info.outcome

    @property
    def left_out(self) -> tuple[str, ...]:
        """Report sections not run: ``[report] skip``, and, for a study on SIMULATED data
        without ``[report] appendix = true``, the teaching appendix
        (:data:`APPENDIX_SECTIONS`)."""
        teaching = (APPENDIX_SECTIONS if self.data is not None and self.data.simulated
                    and not self.appendix else ())
        return tuple(dict.fromkeys((*self.skip, *teaching)))

    @property
    def where(self) -> str:
        """How messages name the study: its file, or ``study 'name' (from a DataFrame)``."""
        return str(self.path) if self.path is not None else \
            f"study {self.name!r} (from a DataFrame)"

    @property
    def directory(self) -> Path:
        return self.path.parent if self.path is not None else Path.cwd()

    # -- derived -------------------------------------------------------------------------
    @property
    def claim(self) -> PublishedClaim:
        """The primary claim (an empty claim when the study has none)."""
        from causal.study.tables.claim import primary

        return primary(self.claims)

    @property
    def has_claim(self) -> bool:
        return bool(self.claims)

    @property
    def covariates(self) -> tuple[str, ...]:
        """Covariates the analyses adjust for: ``[data] covariates``, else those the headline
        estimate was adjusted for."""
        if self.data is not None:
            return self.data.covariates
        headline = self.claim.headline
        return headline.adjusted_for if headline is not None else ()

    # -- construction in Python -----------------------------------------------------------
    @classmethod
    def from_frame(cls, frame: Any, *, treatment: str, outcome: str,
                   covariates: Sequence[str], categorical: Sequence[str] = (),
                   squared: Sequence[str] = (), treatment_interactions: Sequence[str] = (),
                   terms: Sequence[str] = (), graph: Any = None, claim: PublishedClaim | Sequence[PublishedClaim] | None
                   = None, name: str = "study", title: str | None = None,
                   measure: Literal["OR", "RR", "RD", "MD"] | None = None,
                   missing: Literal["refuse", "complete_case",
                                    "multiple_imputation"] = "refuse",
                   imputations: int | None = None,
                   cluster: str | None = None,
                   source: str = "DataFrame", description: str = "",
                   estimand: Literal["ate", "att", "atc"] = "ate",
                   saturated: bool = False, randomised: bool = False,
                   rare_outcome: bool | None = None,
                   scenarios: Scenarios | None = None,
                   individual_sensitivity: IndividualSensitivitySpec | None = None,
                   heterogeneity: HeterogeneitySpec | None = None,
                   negative_control_outcomes: Mapping[str, str] | None = None,
                   negative_control_exposures: Mapping[str, str] | None = None) -> Study:
        """A study of individual-level data held in a DataFrame.

        The same object :func:`causal.load_study` builds from a study file with
        ``[data] source = "<file>"``: ``causal.estimate_study``, ``causal.refute_study`` and
        ``causal.build_report`` give the same results for both.

        Parameters
        ----------
        frame : pandas.DataFrame
            Not modified: the declared columns are checked and copied.
        treatment, outcome : str
            A 0/1 treatment column and the outcome column.
        covariates : sequence of str
            The measured covariates to adjust for.
        categorical, squared, treatment_interactions : sequence of str
            Covariates entered as indicators, also as a squared term, and interacting with
            the treatment in an outcome model (as ``[data]`` in a study file).
        terms : sequence of str
            Products and splines, e.g. ``["age*sex", "bs(age, 4)"]`` (``[data] terms``).
        graph : path or CausalGraph, optional
            The causal graph (a DOT, dagitty or GML file, or a graph object).
        claim : PublishedClaim or sequence of them, optional
            A published claim to compare with (without one, the report stress-tests the
            data's own estimate).
        name, title : str
            The study's name (names the report folder) and title.
        measure : {"OR", "RR", "RD", "MD"}, optional
            The effect measure the outcome must allow: a 0/1 outcome for OR, RR and RD, a
            number for MD; unchecked when None.
        missing : {"refuse", "complete_case", "multiple_imputation"}
            Rows with a missing value in a declared column: an error, or dropped (the report
            states how many per arm), or imputed ``imputations`` times by chained equations
            with every estimator pooled by Rubin's rules beside the complete-case analysis.
        imputations : int, optional
            With ``missing="multiple_imputation"``: how many imputed data sets (default 20).
        cluster : str, optional
            A column grouping rows that are not independent (clients of one therapist,
            ``[data] cluster``): every interval is then cluster-robust (CR1), bootstrap
            replicates and folds are of clusters, and the estimates show the number of
            clusters, the design effect and the ICCs of the outcome and the treatment.
        source : str
            How the report names where the data come from (``[data] source`` of a study file;
            the report's data hash is computed from the values, whatever the source).
        description : str
            A sentence on the data (say "SIMULATED" for simulated data).
        estimand : {"ate", "att", "atc"}
            The estimand of g-computation, IPW, AIPW and matching (``[estimate] estimand``;
            "atc" is the effect on the controls, the ATU).
        saturated : bool
            Saturated (cell-mean) g-computation and IPW over the categorical covariates, and
            exact matching on them (``[estimate] saturated``).
        randomised : bool
            The treatment was randomised (``[design] randomised``): the crude contrast is the
            design-based estimate and adjustment is for precision.
        rare_outcome : bool, optional
            Whether the outcome is rare (``[evalue] rare_outcome``): how an OR is converted to
            the risk-ratio scale for E-values; without it the sample prevalence decides.
        scenarios, individual_sensitivity, heterogeneity : optional
            Typed options, as the study file's ``[[scenarios]]``,
            ``[individual_sensitivity]`` and ``[heterogeneity]`` tables give them.
        negative_control_outcomes, negative_control_exposures : mapping, optional
            Column -> one sentence saying why it is a negative control (``[negative_controls]``
            of a study file; the sentence is printed as the study's assumption).

        Examples
        --------
        >>> import pandas as pd
        >>> from causal import Study
        >>> frame = pd.DataFrame({"t": [0, 1, 0, 1], "y": [0, 1, 1, 1], "x": [1., 2., 3., 4.]})
        >>> study = Study.from_frame(frame, treatment="t", outcome="y", covariates=["x"],
        ...                          name="demo", measure="RD")
        >>> study.data.source, study.data.covariates
        ('DataFrame', ('x',))
        """
        from causal.study.load import parse_study

        def names(value: Any) -> Any:  # a string stays a string, so the check can name it
            return value if isinstance(value, str) else list(value)

        data: dict[str, Any] = {"source": source, "covariates": names(covariates),
                                "categorical": names(categorical), "squared": names(squared),
                                "treatment_interactions": names(treatment_interactions),
                                "terms": names(terms),
                                "description": description, "missing": missing,
                                "outcome_kind": _outcome_kind(measure)}
        if imputations is not None:
            data["imputations"] = imputations
        if cluster is not None:
            data["cluster"] = cluster
        raw: dict[str, Any] = {
            "study": {"name": name, "title": title if title is not None else name,
                      "treatment": treatment, "outcome": outcome},
            "data": data}
        if estimand != "ate" or saturated is not False:
            raw["estimate"] = {"estimand": estimand, "saturated": saturated}
        if randomised is not False:
            raw["design"] = {"randomised": randomised}
        if rare_outcome is not None:
            raw["evalue"] = {"rare_outcome": rare_outcome}
        if negative_control_outcomes or negative_control_exposures:
            raw["negative_controls"] = {
                key: [{"column": c, "why": w} for c, w in dict(given or {}).items()]
                for key, given in (("outcomes", negative_control_outcomes),
                                   ("exposures", negative_control_exposures))}
        return parse_study(raw, None, frame=frame, given_graph=graph, claims=claim,
                           options={"scenarios": scenarios,
                                    "individual_sensitivity": individual_sensitivity,
                                    "heterogeneity": heterogeneity})


def _outcome_kind(measure: str | None) -> str:
    from causal._validation import check_literal

    if measure is None:
        return "any"
    check_literal(measure, "measure", ("OR", "RR", "RD", "MD"))
    return "continuous" if measure == "MD" else "binary"
