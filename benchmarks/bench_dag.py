"""Identification speed: our adjustment-criterion search against DoWhy's identify_effect.

Run by hand: ``uv run python benchmarks/bench_dag.py``. Prints, for each graph, the median
time of ``causal.graph.identification.identify`` (all minimal adjustment sets) and of DoWhy's
``identify_effect`` with its default and exhaustive back-door searches, and their ratio.
DoWhy's import time is excluded; each call is repeated and the median kept.
"""

from __future__ import annotations

import statistics
import time
import warnings
from pathlib import Path

from causal.graph._dowhy import dowhy_backdoor_sets
from causal.graph.dag import CausalGraph, read_graph
from causal.graph.identification import identify

ROOT = Path(__file__).resolve().parents[1]


def paired_confounders(pairs: int) -> CausalGraph:
    edges = [("x", "y")]
    for i in range(pairs):
        edges += [(f"c{i}", f"d{i}"), (f"d{i}", "x"), (f"c{i}", "y")]
    return CausalGraph.from_edges(edges, exposure="x", outcome="y", name=f"pairs{pairs}")


def median_time(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    warnings.simplefilter("ignore")
    import dowhy  # noqa: F401  (import once, outside the timings)

    graphs = [read_graph(p) for p in sorted((ROOT / "dags").glob("*.dot"))]
    graphs += [paired_confounders(4), paired_confounders(6)]
    print(f"{'graph':<10} {'nodes':>5} {'ours (ms)':>10} {'sets':>5} {'dowhy default':>14} "
          f"{'dowhy exhaustive':>17} {'ratio exh/ours':>15}")
    for graph in graphs:
        ours = median_time(lambda g=graph: identify(g))
        n_sets = len(identify(graph).minimal_sets)
        default = median_time(lambda g=graph: dowhy_backdoor_sets(g, "default"))
        exhaustive = median_time(lambda g=graph: dowhy_backdoor_sets(g, "exhaustive-search"),
                                 repeat=1 if len(graph.nodes) > 12 else 3)
        print(f"{graph.name:<10} {len(graph.nodes):>5} {ours * 1e3:>10.2f} {n_sets:>5} "
              f"{default * 1e3:>12.1f}ms {exhaustive * 1e3:>15.1f}ms "
              f"{exhaustive / ours:>14.0f}x")


if __name__ == "__main__":
    main()
