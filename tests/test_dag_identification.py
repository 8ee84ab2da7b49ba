"""Identification by adjustment on textbook graphs, and agreement with DoWhy.

Expected answers are derived by hand from the back-door / adjustment criterion next to each
test (the graphs are the standard ones of Greenland, Pearl & Robins 1999; Pearl 2009, ch. 3;
Shpitser, VanderWeele & Robins 2010).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from causal.errors import GraphError, NoCausalPathWarning
from causal.graph.dag import CausalGraph, read_graph
from causal.graph.identification import check_adjustment, identify, is_valid_adjustment

ROOT = Path(__file__).resolve().parents[1]
DAGS = sorted((ROOT / "dags").glob("*.dot"))


def g(edges, latent=(), **kw):
    return CausalGraph.from_edges(edges, exposure=kw.pop("exposure", "x"),
                                  outcome=kw.pop("outcome", "y"), latent=latent, **kw)


M_BIAS = g([("u1", "x"), ("u1", "m"), ("u2", "m"), ("u2", "y"), ("x", "y")])
FRONT_DOOR = g([("u", "x"), ("u", "y"), ("x", "m"), ("m", "y")], latent=["u"])
TRIANGLE = g([("z", "x"), ("z", "y"), ("x", "y")])
EMPTY_OK = g([("x", "y"), ("w", "y"), ("v", "x")])
TWO_SETS = g([("a", "x"), ("a", "b"), ("b", "y"), ("x", "y")])


def as_sets(sets):
    return {frozenset(s) for s in sets}


def test_m_bias_empty_set_valid_and_collider_opens_a_path():
    # x <- u1 -> m <- u2 -> y: m is a collider, the only back-door path is blocked by {}.
    ident = identify(M_BIAS)
    assert ident.identifiable and as_sets(ident.minimal_sets) == {frozenset()}
    check = check_adjustment(M_BIAS, ["m"])
    assert not check.valid
    assert [str(p) for p in check.open_paths] == ["x <- u1 -> m <- u2 -> y"]
    assert check.open_paths[0].opened_colliders == ("m",)
    assert check.descendants == ()  # m is not a descendant of x: it is a pre-treatment collider
    # adjusting for m and either u closes it again
    assert is_valid_adjustment(M_BIAS, ["m", "u1"]) and is_valid_adjustment(M_BIAS, ["m", "u2"])


def test_front_door_graph_has_no_adjustment_set():
    # x <- u -> y with u unmeasured; m is a mediator, so no observed set blocks the path.
    ident = identify(FRONT_DOOR)
    assert not ident.identifiable and ident.minimal_sets == ()
    assert ident.candidate == ()
    check = check_adjustment(FRONT_DOOR, ["m"])
    assert not check.valid
    assert [(d.node, d.kind, d.forbidden) for d in check.descendants] == [("m", "mediator",
                                                                            True)]
    assert [str(p) for p in check.open_paths] == ["x <- u -> y"]
    assert check.open_paths[0].latent == ("u",)
    assert any("through latent u" in r for r in check.reasons())


def test_graph_where_the_empty_set_is_valid():
    # no arrow into x leads back to y: x's only parent v has no other path to y
    ident = identify(EMPTY_OK)
    assert as_sets(ident.minimal_sets) == {frozenset()}
    assert is_valid_adjustment(EMPTY_OK, []) and is_valid_adjustment(EMPTY_OK, ["w", "v"])


def test_confounder_triangle():
    ident = identify(TRIANGLE)
    assert as_sets(ident.minimal_sets) == {frozenset({"z"})}
    check = check_adjustment(TRIANGLE, [])
    assert not check.valid and [str(p) for p in check.open_paths] == ["x <- z -> y"]
    assert check.open_paths[0].kind == "back-door"
    assert check_adjustment(TRIANGLE, ["z"]).valid


def test_two_minimal_sets_on_one_back_door_path():
    # x <- a -> b -> y: blocked by a or by b
    assert as_sets(identify(TWO_SETS).minimal_sets) == {frozenset({"a"}), frozenset({"b"})}


def test_descendant_of_exposure_off_the_causal_path_is_allowed():
    # x -> w, w has no path to y: the back-door criterion forbids w, the (complete)
    # adjustment criterion allows it (Shpitser et al. 2010, the point of their paper)
    graph = g([("z", "x"), ("z", "y"), ("x", "y"), ("x", "w")])
    check = check_adjustment(graph, ["z", "w"])
    assert check.valid
    assert [(d.node, d.kind, d.forbidden, d.collider) for d in check.descendants] == [
        ("w", "descendant of the exposure", False, False)]


def test_collider_child_of_exposure_with_unmeasured_cause_of_outcome():
    # x -> c <- u -> y (u latent): adjusting for c opens x -> c <- u -> y
    graph = g([("x", "c"), ("u", "c"), ("u", "y"), ("x", "y")], latent=["u"])
    assert as_sets(identify(graph).minimal_sets) == {frozenset()}
    check = check_adjustment(graph, ["c"])
    assert not check.valid
    assert [(d.node, d.kind, d.forbidden, d.collider) for d in check.descendants] == [
        ("c", "descendant of the exposure", False, True)]
    assert [str(p) for p in check.open_paths] == ["x -> c <- u -> y"]
    assert check.open_paths[0].kind == "collider"


def test_descendant_of_mediator_is_forbidden():
    graph = g([("z", "x"), ("z", "y"), ("x", "m"), ("m", "y"), ("m", "d")])
    check = check_adjustment(graph, ["z", "d"])
    assert not check.valid and check.open_paths == ()
    assert [(d.node, d.kind) for d in check.descendants] == [("d", "descendant of a mediator")]
    assert set(identify(graph).forbidden) == {"m", "y", "d"}


def test_thew_published_set_is_invalid_for_the_stated_reasons():
    graph = read_graph(ROOT / "dags" / "thew2024.dot")
    published = ["long_term_condition", "sessions", "age", "sex", "ethnicity", "phq9_baseline",
                 "gad7_baseline", "presenting_problem"]
    check = check_adjustment(graph, published)
    assert not check.valid
    sessions = [d for d in check.descendants if d.node == "sessions"]
    assert sessions and sessions[0].kind == "mediator" and sessions[0].collider
    assert set(check.open_latent) == {"motivation", "engagement", "therapist"}
    # the adviser only points into the outcome: never on a back-door path
    assert "adviser" not in check.open_latent
    assert not identify(graph).identifiable


def test_no_causal_path_warns():
    graph = g([("z", "x"), ("z", "y")])
    with pytest.warns(NoCausalPathWarning, match="no directed path from x to y"):
        ident = identify(graph)
    assert not ident.causal_path and as_sets(ident.minimal_sets) == {frozenset({"z"})}


@pytest.mark.parametrize("adjustment,message", [
    (["z", "nope"], r"`adjustment` names node\(s\) not in graph: 'nope'"),
    (["u"], "`adjustment` names latent \\(unmeasured\\) node\\(s\\) 'u'"),
    (["y"], "must not contain the exposure or the outcome; got 'y'"),
])
def test_bad_adjustment_sets(adjustment, message):
    graph = g([("z", "x"), ("u", "y"), ("z", "y"), ("x", "y")], latent=["u"])
    with pytest.raises(GraphError, match=message):
        check_adjustment(graph, adjustment)


def test_roles_must_be_declared():
    graph = CausalGraph.from_edges([("x", "y")])
    with pytest.raises(GraphError, match="declares no exposure and no outcome"):
        identify(graph)
    assert identify(graph, exposure="x", outcome="y").identifiable


def _brute_force_minimal_sets(graph):
    """Naive reference: every subset of the observed, allowed nodes, by increasing size,
    judged by the adjustment criterion; keep those with no valid proper subset."""
    from itertools import combinations

    x, y = graph.roles()
    ident = identify(graph)
    pool = [n for n in graph.observed if n not in (x, y) and n not in ident.forbidden]
    found = []
    for size in range(len(pool) + 1):
        for combo in combinations(pool, size):
            if any(f <= set(combo) for f in found):
                continue
            if is_valid_adjustment(graph, combo):
                found.append(frozenset(combo))
    return set(found)


def _random_dag(rng, n_nodes, p_edge, p_latent):
    names = [f"v{i}" for i in range(n_nodes)]
    edges = [(names[i], names[j]) for i in range(n_nodes) for j in range(i + 1, n_nodes)
             if rng.random() < p_edge]
    x = int(rng.integers(0, n_nodes - 1))
    y = int(rng.integers(x + 1, n_nodes))
    latent = [n for k, n in enumerate(names) if k not in (x, y) and rng.random() < p_latent]
    return CausalGraph.from_edges(edges, nodes=names, exposure=names[x], outcome=names[y],
                                  latent=latent)


def test_minimal_sets_match_brute_force_on_random_graphs():
    # 150 seeded random DAGs of 7-9 nodes, a quarter of the nodes latent on average
    import warnings

    import numpy as np

    rng = np.random.default_rng(20240101)
    compared = identifiable = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoCausalPathWarning)
        for _ in range(150):
            graph = _random_dag(rng, int(rng.integers(7, 10)), 0.35, 0.25)
            ours = identify(graph)
            expected = _brute_force_minimal_sets(graph)
            assert as_sets(ours.minimal_sets) == expected, graph
            assert ours.identifiable == bool(expected)
            compared += 1
            identifiable += ours.identifiable
    assert compared == 150 and 20 < identifiable < 150  # both outcomes were exercised


def test_large_graph_is_fast_and_exact():
    # confounders in pairs c_i -> d_i -> x, c_i -> y: each pair's back-door path
    # x <- d_i <- c_i -> y is blocked by d_i or by c_i, so 10 pairs (20 candidates, beyond
    # brute force's comfort) give 2^10 = 1024 minimal sets, each of size 10
    edges = [("x", "y")]
    for i in range(10):
        edges += [(f"c{i}", f"d{i}"), (f"d{i}", "x"), (f"c{i}", "y")]
    ident = identify(g(edges))
    assert len(ident.minimal_sets) == 2 ** 10
    assert {len(s) for s in ident.minimal_sets} == {10}


# ------------------------------------------------------------------ agreement with DoWhy --
# Comparison rule, stated: DoWhy's "exhaustive-search" lists back-door sets; every set it
# lists must be valid under our criterion, and the inclusion-minimal sets of its list must
# equal our minimal sets (compared as sets of sets). Conversely each of our minimal sets must
# pass DoWhy's own d-separation check (dowhy.graph.check_valid_backdoor_set). When DoWhy
# finds no back-door set, ours must say "not identifiable".
PAIRS3 = g([("x", "y")] + [e for i in range(3) for e in
                            [(f"c{i}", f"d{i}"), (f"d{i}", "x"), (f"c{i}", "y")]])
TEXTBOOK = {"m_bias": M_BIAS, "front_door": FRONT_DOOR, "triangle": TRIANGLE,
            "empty_ok": EMPTY_OK, "two_sets": TWO_SETS, "pairs3": PAIRS3}
ALL = {**TEXTBOOK, **{p.stem: read_graph(p) for p in DAGS}}


@pytest.mark.parametrize("name", sorted(ALL))
def test_agrees_with_dowhy(name):
    from causal.graph._dowhy import dowhy_backdoor_sets, dowhy_is_backdoor_set

    graph = ALL[name]
    ours = identify(graph)
    theirs = dowhy_backdoor_sets(graph, "exhaustive-search")
    if theirs is None:
        assert not ours.identifiable
        return
    assert ours.identifiable
    for s in theirs:
        assert is_valid_adjustment(graph, s), (name, sorted(s))
    theirs_minimal = {s for s in theirs if not any(o < s for o in theirs)}
    assert theirs_minimal == as_sets(ours.minimal_sets)
    for s in ours.minimal_sets:
        assert dowhy_is_backdoor_set(graph, s)


def test_every_project_graph_is_compared_with_dowhy():
    assert {p.stem for p in DAGS} >= {"thew2024", "nhefs", "lalonde"}


def test_dowhy_finds_the_front_door_where_adjustment_fails():
    from causal.graph._dowhy import to_dowhy_model

    model = to_dowhy_model(FRONT_DOOR)
    estimand = model.identify_effect(proceed_when_unidentifiable=True)
    assert estimand.get_frontdoor_variables() == ["m"]
