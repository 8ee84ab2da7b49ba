"""Property-based tests: only the project's own errors escape the graph parsers and the CLI.

Budget: about 30 s in all on a 2-core machine (each test states its ``max_examples``; no
deadline, since the machine is shared). The graph strategies build text from the formats'
own pieces (keywords, arrows, brackets, quoted and bare names, attributes) so that most
examples get deep into the parsers, plus raw text and bytes for the tokenisers. The CLI
strategies draw numbers of every kind (negative, zero, huge, tiny, inf, nan, non-numbers) for
the numeric options and awkward paths (missing, a folder, a file, a device, under a file,
NUL bytes, very long names) for the path options, and require exit status 0 or 2 with no
traceback.
"""

from __future__ import annotations

import os
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from causal.cli import main
from causal.errors import CausalError
from causal.graph.dag import from_dagitty, from_dot, from_gml
from tests.conftest import ROOT

SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])
NAMES = st.one_of(
    st.sampled_from(["x", "y", "u", "a", "b", "U_a_b", "node", "graph", "edge", "dag"]),
    st.text(string.ascii_letters + "_", min_size=1, max_size=4),
    st.text(max_size=6).map(lambda s: '"' + s.replace('"', '\\"') + '"'),
    st.from_regex(r"-?[0-9]{1,3}(\.[0-9]{1,2})?", fullmatch=True),
)
ATTRIBUTES = st.lists(st.one_of(
    st.sampled_from(["latent", "exposure", "outcome", 'role="exposure"', 'role="outcome"',
                     'latent="true"', 'latent="maybe"', 'role="bogus"', 'label="<b>"',
                     "pos=\"1,2\"", "adjusted"]),
    st.builds(lambda k, v: f"{k}={v}", NAMES, NAMES)), max_size=3).map(
    lambda items: " [" + ", ".join(items) + "]" if items else "")
ARROWS = st.sampled_from(["->", "<-", "<->", "--", "-", ">", ""])
STATEMENTS = st.one_of(
    st.builds(lambda n, a: f"{n}{a}", NAMES, ATTRIBUTES),
    st.builds(lambda a, arrow, b, at: f"{a} {arrow} {b}{at}", NAMES, ARROWS, NAMES, ATTRIBUTES),
    st.sampled_from(["rankdir=LR", "node [shape=box]", "subgraph s { a -> b }", "{ a b }",
                     "}", "{", "[", "]", ";;", "/* open comment", "// c", "# c"]),
)


def graph_text(keyword: str) -> st.SearchStrategy[str]:
    return st.builds(
        lambda head, body, close: head + " {\n" + ";\n".join(body) + ("\n}" if close else ""),
        st.sampled_from([keyword, keyword, "graph", "strict digraph", "digraph g", "dag g",
                         ""]),
        st.lists(STATEMENTS, max_size=12), st.booleans())


def only_our_errors(parse, text: str) -> None:
    try:
        parse(text)
    except CausalError:
        pass


@SETTINGS
@given(st.one_of(graph_text("digraph"), st.text(max_size=200)))
def test_dot_parser_raises_only_graph_errors(text):
    only_our_errors(from_dot, text)


@SETTINGS
@given(st.one_of(graph_text("dag"), st.text(max_size=200)))
def test_dagitty_parser_raises_only_graph_errors(text):
    only_our_errors(from_dagitty, text)


GML_VALUES = st.recursive(
    st.one_of(st.integers(-3, 3).map(str), NAMES.map(lambda s: s if s.startswith('"') else
                                                     f'"{s}"'), st.just("1.5")),
    lambda inner: st.lists(st.tuples(st.sampled_from(
        ["id", "label", "source", "target", "node", "edge", "directed", "graph", "role",
         "latent", "multigraph", "varlabel"]), inner), max_size=4).map(
        lambda pairs: "[ " + " ".join(f"{k} {v}" for k, v in pairs) + " ]"),
    max_leaves=12)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.builds(lambda v: f"graph {v}", GML_VALUES),
                 st.builds(lambda v: f"Creator \"x\" graph {v}", GML_VALUES),
                 st.text(max_size=120)))
def test_gml_parser_raises_only_graph_errors(text):
    only_our_errors(from_gml, text)


NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**20, 10**20).map(str),
    st.sampled_from(["0", "-0", "1e308", "5e-324", "-2.54", "nan", "inf", "-inf", "1e999",
                     "big", "", " ", "0x10", "1_000", "--", "-", "2.54.1"]),
)


def exits_cleanly(capsys, argv: list[str]) -> None:
    status = main(argv)
    out, err = capsys.readouterr()
    assert status in (0, 2), (argv, status, err)
    assert "Traceback" not in err


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.sampled_from(["rr", "or", "hr", "smd"]), NUMBERS, NUMBERS, NUMBERS, NUMBERS)
def test_evalue_numbers(capsys, measure, estimate, lower, upper, alpha):
    exits_cleanly(capsys, ["evalue", measure, estimate, "--ci", lower, upper, "--alpha", alpha,
                           "--common-outcome"])


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(NUMBERS, NUMBERS, NUMBERS, NUMBERS)
def test_tip_and_ovb_numbers(capsys, a, b, c, d):
    exits_cleanly(capsys, ["tip", "or", a, "--p1", b, "--p0", c, "--rare-outcome"])
    exits_cleanly(capsys, ["ovb", a, b, c, "--q", d])


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(NUMBERS, NUMBERS)
def test_bias_analysis_numbers(capsys, count, draws):
    exits_cleanly(capsys, ["bias-analysis", count, "66", "64", "236", "--p1", "0.5", "--p0",
                           "uniform:0.1,0.3", "--effect", "2", "--draws", draws])


PATHS = st.sampled_from(["missing.toml", "folder", "file.txt", "/dev/null", "file.txt/under",
                         "bad\x00name", "x" * 5000, ".", "", "-"])


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(PATHS, PATHS, st.sampled_from(["audit", "sensitivity", "report", "dag", "explain-away"]))
def test_path_arguments_and_options(capsys, tmp_path_factory, path, out, command):
    work = tmp_path_factory.mktemp("paths")
    (work / "folder").mkdir()
    (work / "file.txt").write_text("not a study")
    here = os.getcwd()
    os.chdir(work)
    try:
        argv = [command, path]
        if command == "report":
            argv += ["--out", out, "--quiet"]
        elif command in ("dag", "explain-away"):
            argv = [command, str(ROOT / ("dags/thew2024.dot" if command == "dag" else
                                         "studies/thew2024.toml")), "--png", out + ".png",
                    *(["--grid", "0"] if command == "explain-away" else [])]
        exits_cleanly(capsys, argv)
    finally:
        os.chdir(here)
