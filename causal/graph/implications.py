"""What a causal graph says the data must show: conditional independences, and tests of them.

Notes
-----
For every pair of observed, non-adjacent nodes ``(a, b)`` we look for a *minimal* set ``Z`` of
observed nodes that d-separates them (Tian, Paz & Pearl 1998, as implemented by
``networkx.find_minimal_d_separator``); the graph then implies ``a ⊥ b | Z``. When no observed
set separates a pair (they share a latent cause, say) the graph implies nothing testable about
that pair. This is the "pairwise, minimal separating set" list, a superset of a basis (dagitty
calls it ``type = "missing.edge"``, restricted to what can be separated by measured nodes).

Each implication is tested with the partial correlation of ``a`` and ``b`` given ``Z``,
``r = -P_ab / sqrt(P_aa P_bb)`` with ``P`` the inverse of the correlation matrix of
``(a, b, Z)``, and Fisher's z transform,

    z = atanh(r) · sqrt(n − |Z| − 3),   p = 2 (1 − Φ(|z|)).

The test assumes linear relations with roughly Gaussian errors (binary and ordinal columns are
used as numbers; an ordered pandas categorical by its rank codes); a rejection says the linear-Gaussian version of the independence is
contradicted, while a non-rejection cannot prove independence. Rows with a missing value in any
of ``a, b, Z`` are dropped for that test (complete cases), and ``n`` is reported per test.

References
----------
Fisher, R. A. (1924). The distribution of the partial correlation coefficient. Metron, 3,
329–332.
Tian, J., Paz, A., & Pearl, J. (1998). Finding minimal d-separators. UCLA R-254.
Textor, J., van der Zander, B., Gilthorpe, M. S., Liśkiewicz, M., & Ellison, G. T. H. (2016).
Robust causal inference using directed acyclic graphs: the R package 'dagitty'. IJE 45(6).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Literal

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal._validation import check_alpha, check_literal
from causal.errors import DataError
from causal.graph.dag import CausalGraph

IndependenceTest = Literal["fisher-z"]
_TEST_NAMES = {"fisher-z": "partial correlation, Fisher z"}


@dataclass(frozen=True)
class ImpliedIndependence:
    """``first ⊥ second | given`` as implied by the graph."""

    first: str
    second: str
    given: tuple[str, ...]

    def __str__(self) -> str:
        given = f" | {', '.join(self.given)}" if self.given else ""
        return f"{self.first} ⊥ {self.second}{given}"


def iter_implied_independences(graph: CausalGraph) -> Iterator[ImpliedIndependence]:
    """The implied independences of :func:`implied_independences`, one at a time (lazily).

    Pairs are visited in node order; each costs time linear in the ancestral graph of the pair,
    so taking the first ``k`` of a 2,000-node graph costs ``k`` such searches, not ``n²/2``.
    """
    from causal.graph._separators import MinimalDSeparators

    g = graph.to_networkx()
    observed = graph.observed
    observed_set = frozenset(observed)
    order = {n: i for i, n in enumerate(graph.nodes)}
    separators = MinimalDSeparators(g)
    for i, a in enumerate(observed):
        for b in observed[i + 1:]:
            if g.has_edge(a, b) or g.has_edge(b, a):
                continue
            z = separators.find(a, b, observed_set - {a, b})
            if z is not None:
                yield ImpliedIndependence(a, b, tuple(sorted(z, key=order.__getitem__)))


def implied_independences(graph: CausalGraph, *, limit: int | None = None
                          ) -> tuple[ImpliedIndependence, ...]:
    """Every pair of non-adjacent observed nodes with a minimal observed separating set.

    Parameters
    ----------
    graph : CausalGraph
    limit : int, optional
        Stop after this many (the first in node order). The default lists them all for graphs
        of up to :data:`causal._budgets.MAX_NODES_ALL_IMPLICATIONS` observed nodes and refuses
        larger graphs with a sentence naming the budget: pass a ``limit`` (the command line
        passes :data:`causal._budgets.MAX_IMPLIED_INDEPENDENCES` and says so), or use
        :func:`iter_implied_independences`.
    """
    from causal._budgets import check_size

    if limit is None:
        check_size(len(graph.observed), "MAX_NODES_ALL_IMPLICATIONS",
                   "the number of observed nodes (to list every implied independence)",
                   "pass `limit=` to list the first ones")
        return tuple(iter_implied_independences(graph))
    limit = check_size(limit, None, "`limit`")
    return tuple(islice(iter_implied_independences(graph), limit))


@dataclass(frozen=True)
class IndependenceTestResult:
    implication: ImpliedIndependence
    statistic: float
    partial_correlation: float
    p_value: float
    n: int
    rejected: bool


@dataclass(frozen=True)
class ImplicationTests(SummaryMixin):
    """Tests of every implied independence against one data set."""

    tests: tuple[IndependenceTestResult, ...]
    method: str
    alpha: float

    @property
    def rejected(self) -> tuple[IndependenceTestResult, ...]:
        return tuple(t for t in self.tests if t.rejected)

    def summary(self) -> pd.DataFrame:
        return summary_frame([
            {"quantity": str(t.implication), "estimate": t.partial_correlation,
             "p_value": t.p_value, "method": self.method,
             "note": (f"contradicted at alpha={self.alpha:g}" if t.rejected else
                      "not contradicted") + f"; z={t.statistic:.3g}, n={t.n}"}
            for t in self.tests])


def partial_correlation(frame: pd.DataFrame, first: str, second: str,
                        given: tuple[str, ...]) -> float:
    """Partial correlation of two columns given others (from the inverse correlation matrix)."""
    values = frame[[first, second, *given]].to_numpy(dtype=float)
    corr = np.corrcoef(values, rowvar=False)
    precision = np.linalg.pinv(np.atleast_2d(corr))
    return float(-precision[0, 1] / math.sqrt(precision[0, 0] * precision[1, 1]))


def _as_numeric(data: pd.DataFrame, columns: list[str], test: str) -> pd.DataFrame:
    """A float copy of ``columns``; ordered categoricals become their rank codes."""
    out = {}
    bad = []
    for name in columns:
        column = data[name]
        if isinstance(column.dtype, pd.CategoricalDtype) and column.cat.ordered:
            out[name] = column.cat.codes.where(column.notna()).astype(float)
        elif pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            out[name] = column.astype(float)
        else:
            bad.append(name)
    if bad:
        raise DataError(f"`data` column(s) {', '.join(map(repr, bad))} must be numeric (or "
                        f"ordered categorical) for the {test} test; encode them as numbers "
                        f"first.")
    return pd.DataFrame(out, index=data.index)


def check_implications(graph: CausalGraph, data: pd.DataFrame, *,
                      method: IndependenceTest = "fisher-z",
                      alpha: float = 0.05, limit: int | None = None) -> ImplicationTests:
    """Test each implied independence of ``graph`` against ``data`` (see the module Notes).

    ``limit`` tests only the first implications in node order (see
    :func:`implied_independences`, which also states the default budget).

    ``data`` must have a numeric (or ordered categorical, used by rank) column for each
    observed node that appears in an implication; it is not modified.
    """
    from scipy import stats

    check_literal(method, "method", _TEST_NAMES)
    alpha = check_alpha(alpha)
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"`data` must be a pandas DataFrame; got {type(data).__name__}.")
    implications = implied_independences(graph, limit=limit)
    needed = list(dict.fromkeys(n for imp in implications
                                for n in (imp.first, imp.second, *imp.given)))
    missing = [n for n in needed if n not in data.columns]
    if missing:
        raise DataError(f"`data` lacks column(s) {', '.join(map(repr, missing))} for node(s) "
                        f"of {graph.name}.")
    numeric = _as_numeric(data, needed, _TEST_NAMES[method])
    results = []
    for imp in implications:
        columns = [imp.first, imp.second, *imp.given]
        frame = numeric[columns].dropna()
        n = len(frame)
        dof = n - len(imp.given) - 3
        if dof < 1:
            raise DataError(f"testing {imp} needs more than {len(imp.given) + 3} complete rows; "
                            f"`data` has {n}.")
        if (frame.std(ddof=0) == 0).any():
            constant = [c for c in columns if frame[c].std(ddof=0) == 0]
            raise DataError(f"`data` column(s) {', '.join(map(repr, constant))} are constant; "
                            f"cannot test {imp}.")
        r = partial_correlation(frame, imp.first, imp.second, imp.given)
        r = float(np.clip(r, -1 + 1e-15, 1 - 1e-15))
        z = math.atanh(r) * math.sqrt(dof)
        p = float(2 * stats.norm.sf(abs(z)))
        results.append(IndependenceTestResult(imp, z, r, p, n, p < alpha))
    return ImplicationTests(tuple(results), _TEST_NAMES[method], alpha)

