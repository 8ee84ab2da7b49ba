"""`causal dag FILE`: text, --json, --adjust, --png, --data, and bad input (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from causal.cli import main

ROOT = Path(__file__).resolve().parents[1]
THEW = str(ROOT / "dags" / "thew2024.dot")
NHEFS = str(ROOT / "dags" / "nhefs.dot")


def test_text_report_of_the_thew_graph(capsys):
    assert main(["dag", THEW]) == 0
    out = capsys.readouterr().out
    assert "exposure: employment_support    outcome: recovery" in out
    assert "latent: motivation, engagement, therapist, adviser" in out
    assert "identifiable by covariate adjustment: no" in out
    assert "  - employment_support <- motivation -> recovery" in out
    assert "implied independences (13):" in out and "  age ⊥ sex" in out


def test_adjust_judges_a_set(capsys):
    assert main(["dag", THEW, "--adjust", "age,sex,sessions"]) == 0
    out = capsys.readouterr().out
    assert "adjustment set {age, sex, sessions}: NOT valid" in out
    assert "sessions is a mediator" in out and "it is also a collider" in out
    assert main(["dag", NHEFS, "--adjust",
                 "sex,race,age,education,smokeintensity,smokeyrs,exercise,active,wt71"]) == 0
    assert ": valid" in capsys.readouterr().out


def test_json(capsys):
    assert main(["dag", NHEFS, "--json", "--adjust", ""]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["identifiable"] is True
    assert data["minimal_adjustment_sets"] == [["sex", "race", "age", "education",
                                                "smokeintensity", "smokeyrs", "exercise",
                                                "active", "wt71"]]
    assert data["adjustment"]["set"] == [] and data["adjustment"]["valid"] is False
    assert "qsmk <- age -> wt82_71" in data["adjustment"]["open_paths"]


def test_png_and_svg(tmp_path, capsys):
    png, svg = tmp_path / "g.png", tmp_path / "g.svg"
    assert main(["dag", THEW, "--adjust", "age", "--png", str(png)]) == 0
    assert main(["dag", THEW, "--png", str(svg)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in svg.read_bytes()
    assert f"wrote {png}" in capsys.readouterr().out


def test_data_option_tests_implications(tmp_path, capsys):
    rng = np.random.default_rng(0)
    a = rng.normal(size=300)
    b = a + rng.normal(size=300)
    c = b + rng.normal(size=300)
    (tmp_path / "g.dagitty").write_text("dag { a [exposure]; c [outcome]; a -> b -> c }")
    pd.DataFrame({"a": a, "b": b, "c": c}).to_csv(tmp_path / "sim.csv", index=False)
    assert main(["dag", str(tmp_path / "g.dagitty"), "--data", str(tmp_path / "sim.csv")]) == 0
    out = capsys.readouterr().out
    assert "(partial correlation, Fisher z)" in out and "a ⊥ c | b" in out


def test_roles_from_options(tmp_path, capsys):
    (tmp_path / "g.dot").write_text("digraph { z -> x; z -> y; x -> y }")
    assert main(["dag", str(tmp_path / "g.dot"), "--exposure", "x", "--outcome", "y"]) == 0
    assert "  {z}" in capsys.readouterr().out


def test_no_causal_path_is_a_warning_not_an_error(tmp_path, capsys):
    (tmp_path / "g.dot").write_text("digraph { x [role=exposure]; y [role=outcome]; z -> x; "
                                    "z -> y }")
    assert main(["dag", str(tmp_path / "g.dot")]) == 0
    assert "warning: g has no directed path from x to y" in capsys.readouterr().out


def _fails(argv, capsys, message):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err
    return captured.err


def test_bad_input_exits_2(tmp_path, capsys):
    _fails(["dag", THEW, "--adjust", "age,nope"], capsys,
           "error: `adjustment` names node(s) not in thew2024: 'nope'")
    _fails(["dag", THEW, "--adjust", "motivation"], capsys,
           "`adjustment` names latent (unmeasured) node(s) 'motivation'")
    _fails(["dag", THEW, "--exposure", "recovery"], capsys,
           "`exposure` and `outcome` must differ; both are 'recovery'")
    _fails(["dag", str(tmp_path / "none.dot")], capsys, "graph file not found")
    (tmp_path / "cyc.dot").write_text("digraph {\n a -> b\n b -> a\n}")
    _fails(["dag", str(tmp_path / "cyc.dot")], capsys, "cycle a -> b -> a")
    (tmp_path / "bad.dot").write_text("digraph {\n a -> b\n b -> [x]\n}")
    _fails(["dag", str(tmp_path / "bad.dot")], capsys, "bad.dot, line 3: expected a node name")
    _fails(["dag", THEW, "--png", str(tmp_path / "g.jpg")], capsys,
           "`--png` must end in .png or .svg; got 'g.jpg'")
    (tmp_path / "nodata.dot").write_text("digraph { x [role=exposure]; y [role=outcome]; "
                                         "x -> y; w -> y }")
    _fails(["dag", str(tmp_path / "nodata.dot"), "--data", str(tmp_path / "none.csv")],
           capsys, "`--data` must be a CSV file")
