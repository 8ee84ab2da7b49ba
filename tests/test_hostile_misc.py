"""Issue 26, "Also": `--random-state 7` (a DML fit that cannot be computed), no outcome events
among the treated in `causal estimate`, matplotlib warnings apart from statistical ones."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from causal.cli import main
from causal.errors import DataError
from causal.sensitivity.omitted_variable.dml_bounds import riesz_elements
from tests._untouched import snapshot
from tests.conftest import ROOT, THEW


def test_thew_with_seed_7_writes_the_dml_section(capsys, tmp_path):
    """With seed 7 the DML bounds once refitted an AIPW whose cross-fitted outcome model left
    60 of 302 predictions undefined, and the report failed with a message about `cf_y`, a
    parameter the user never set. The bounds are now those of the AIPW estimate the report
    shows (the run layer); each SIMULATED world is either bounded or listed as not computable
    with its reason, and the report is written."""
    before = snapshot(ROOT / "studies")
    status = main(["report", str(THEW), "--random-state", "7", "--section", "dml_sensitivity",
                   "--out", str(tmp_path / "r"), "--quiet"])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert "`cf_y` must" not in err and "`cf_y` must" not in out
    document = json.loads((tmp_path / "r" / "report.json").read_text())
    section = next(s for s in document["sections"] if s["key"] == "dml_sensitivity")
    data = section["data"]
    assert len(data["cases"]) + len(data["not_computable"]) == 2  # two declared worlds
    assert all(row["reason"] for row in data["not_computable"])
    assert snapshot(ROOT / "studies") == before


def test_undefined_nuisance_values_are_one_sentence():
    y = np.array([0.0, 1, 0, 1])
    a = np.array([0.0, 0, 1, 1])
    e = np.full(4, 0.5)
    with pytest.raises(DataError, match=r"1 of 4 values of `m1` \(the outcome model's "
                                        r"prediction under treatment\) are not finite"):
        riesz_elements(y, a, e, np.array([0.2, np.nan, 0.4, 0.5]), np.full(4, 0.3))


def test_no_outcome_events_among_the_treated_is_not_a_traceback(capsys, tmp_path,
                                                                monkeypatch):
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(1)
    rows = ["t,y,x"] + [f"{i % 2},{0 if i % 2 else int(rng.random() < 0.4)},{rng.random():.3f}"
                        for i in range(200)]
    (tmp_path / "d.csv").write_text("\n".join(rows) + "\n")
    assert main(["init", "d.csv", "--treatment", "t", "--outcome", "y"]) == 0
    capsys.readouterr()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        status = main(["estimate", "d.toml"])
    out, err = capsys.readouterr()
    assert status == 0, err
    # the crude OR is 0 (0 events among 100 treated): shown, without a p-value
    assert "| crude (unadjusted) OR | 0 |" in out  # the crude contrast is never an "ATE"


def test_figure_warnings_are_not_called_statistical(capsys, tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import causal.report as report_package

    real = report_package.build_report

    def build_with_warnings(*args, **kwargs):
        figure, ax = plt.subplots()
        ax.set_title("\u4e2d\u6587")  # CJK glyphs the default font (DejaVu Sans) lacks
        figure.canvas.draw()
        plt.close(figure)
        warnings.warn("the propensity model separates the data", stacklevel=2)
        return real(*args, **kwargs)

    monkeypatch.setattr(report_package, "build_report", build_with_warnings)
    status = main(["report", str(THEW), "--section", "evalue", "--out",
                   str(tmp_path / "r"), "--quiet"])
    err = capsys.readouterr().err
    assert status == 0
    statistical, _, drawing = err.partition("warning(s) while drawing the figures")
    assert "1 statistical warning(s)" in statistical and "separates" in statistical
    assert "Glyph" in drawing and "Glyph" not in statistical
