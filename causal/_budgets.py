"""Size budgets: every size-like number is checked here before memory is allocated.

A count, a sample size, a grid, a number of replicates, draws or bootstrap samples, or the size
of a graph can come from a study file, a command-line flag or a library call. Each is checked
against one of the named budgets below, at the library boundary (so the study file, the
command line and Python callers are all covered), and a number above its budget is refused
with one sentence that names the budget. The budgets are generous for real studies and keep
any single request to roughly a gigabyte of memory and minutes of CPU on a laptop; a user who
needs more can raise the module constant deliberately.
"""

from __future__ import annotations

import math
from typing import Any

from causal.errors import ParameterError

#: Rows of one simulated cohort (``n`` of a simulated world, explain-away's cohorts).
MAX_COHORT_N = 10_000_000
#: Points per axis of the explain-away grid of confounder odds ratios.
MAX_GRID_POINTS = 200
#: Simulated replicates per grid cell, refuter simulations, bootstrap samples.
MAX_REPLICATES = 100_000
#: Imputations of one multiple-imputation analysis (``[data] imputations``): each is a full
#: copy of the analysed columns and one run of every estimator, so 20-100 is the useful range
#: (van Buuren 2018, 2.8: m near the percentage of incomplete rows).
MAX_IMPUTATIONS = 500
#: Monte Carlo draws of a probabilistic bias analysis (8 float arrays of this length).
MAX_DRAWS = 20_000_000
#: Elements of one replicate-by-row block (refits, bootstrap weights): about 1.6 GB of float64.
MAX_BATCH_ELEMENTS = 200_000_000
#: Bytes of one (replicates x rows) float64 array in a refuter's block of replicates: a block
#: holds ``max(1, REPLICATE_BLOCK_BYTES // (8 n))`` replicates, and its draws and refits keep a
#: few such arrays alive (about 8 rows at n = 10^6, 83 at n = 10^5). Fixed, not read from the
#: machine: the blocks define the random streams, so results must not depend on memory.
REPLICATE_BLOCK_BYTES = 64 * 1024**2
#: Events or participants in one group of a published claim.
MAX_CLAIM_COUNT = 1_000_000_000
#: Candidate 2x2 tables the audit examines when it searches for tables reproducing an OR.
MAX_AUDIT_TABLES = 20_000_000
#: Nodes and edges of a causal graph read from a file or built in Python.
MAX_GRAPH_NODES = 20_000
MAX_GRAPH_EDGES = 200_000
#: Observed nodes up to which `implied_independences` lists every implication by default.
MAX_NODES_ALL_IMPLICATIONS = 500
#: Implied independences the `causal dag` command lists (the output says when it stops there).
MAX_IMPLIED_INDEPENDENCES = 500
#: Bytes of a graph file read by the parsers.
MAX_GRAPH_FILE_BYTES = 50_000_000
#: Worker processes of a local Dask cluster (``--workers``). Each is a Python process of
#: about 100-200 MB with its own threads; beyond a few per core they only compete (the blocks
#: are CPU-bound and single-threaded), and at about a thousand the machine runs out of
#: threads ("can't start new thread"). A larger cluster is started separately and named with
#: ``--scheduler``.
MAX_LOCAL_WORKERS = 64
#: Pages of a paper `causal extract` reads (a PDF, or a text file with form feeds between
#: pages): an article with its supplement is well under this; a 500-page book is refused
#: before any page is parsed.
MAX_PAPER_PAGES = 300
#: Bytes of a paper file (PDF or text) `causal extract` opens.
MAX_PAPER_BYTES = 100_000_000
#: Findings (rows) of one `causal batch` table: 10^7 rows of about 30 float columns is a
#: few gigabytes, the most one machine should be asked for in one call.
MAX_BATCH_FINDINGS = 10_000_000

def check_size(value: Any, budget: str | None, name: str, fix: str = "",
               *, minimum: int = 0) -> int:
    """A whole number in ``[minimum, budget]``, or a :class:`ParameterError` naming the budget.

    Parameters
    ----------
    value : int or float equal to an integer
    budget : str or None
        The name of the budget constant in this module, e.g. ``"MAX_DRAWS"`` (None: no upper
        bound, only the type and the minimum are checked).
    name : str
        How the number is named in the message (e.g. "`n_draws`").
    fix : str
        An optional clause telling the user what to do instead.
    minimum : int
    """
    if not name.startswith("`") and " " not in name:
        name = f"`{name}`"
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(
            value, "__index__"):
        raise ParameterError(f"{name} must be a whole number; got {value!r}.")
    if isinstance(value, float) or type(value).__name__.startswith("float"):
        if not math.isfinite(float(value)) or not float(value).is_integer():
            raise ParameterError(f"{name} must be a whole number; got {value!r}.")
    number = int(value)
    if number < minimum:
        raise ParameterError(f"{name} must be at least {minimum}; got {number}.")
    if budget is not None and number > globals()[budget]:
        tail = f"; {fix}" if fix else ""
        raise ParameterError(f"{name} must be at most {globals()[budget]:,} (the budget "
                             f"causal._budgets.{budget}); got {number:,}{tail}.")
    return number


def check_product(sizes: dict[str, int], budget: str, fix: str = "") -> int:
    """The product of several sizes (e.g. replicates x rows), checked against a budget."""
    total = math.prod(sizes.values())
    if total > globals()[budget]:
        parts = " x ".join(f"{k} {v:,}" for k, v in sizes.items())
        tail = f"; {fix}" if fix else ""
        raise ParameterError(f"{parts} = {total:,} elements is above the budget "
                             f"causal._budgets.{budget} = {globals()[budget]:,}{tail}.")
    return total

#: Rows a report section analyses on a user's data before it draws a random subsample (seeded
#: from the report's seed; the section says so, with both sizes and the reason). Sections not
#: listed use every row. A section's method is listed when it is super-linear or replicate-
#: heavy at 10^7 rows: refitting every estimator 100 times per refuter, matching and
#: cross-fitted models per scenario, DML cross-fitting refitted once per benchmark covariate,
#: EconML's learner. Measured on 2 cores (docs/scaling.md): the refutation section took 128 s
#: of CPU on 200,000 rows; the individual-data diagnostics and the DML bounds about 1 s each on
#: 200,000 rows, so they get 10^6.
REPORT_SECTION_ROWS = {
    "refutations": 200_000,
    "individual_sensitivity": 1_000_000,
    "dml_sensitivity": 1_000_000,
    "heterogeneity": 200_000,
}
#: Why each of those sections subsamples, in the report's words.
REPORT_SECTION_REASONS = {
    "refutations": "every refutation test refits each estimator 100 times",
    "individual_sensitivity": "matched-pair and regression diagnostics are refitted for "
                              "every scenario",
    "dml_sensitivity": "the cross-fitted AIPW is refitted once per benchmark covariate",
    "heterogeneity": "the cross-fitted learner (EconML) is slow on millions of rows",
}
