"""An ASSUMED design effect on a paper's interval (``[claim] clustering``).

Worked check from issue 23, by hand: Thew's OR 2.54 (1.32-4.89) has log-scale SE
(ln 4.89 - ln 1.32) / (2 x 1.959964) = 0.334079; Kish's deff for ICC 0.05 and 10 per cluster is
1 + 9 x 0.05 = 1.45, so the half-width 0.654791 becomes 0.654791 x sqrt(1.45) = 0.788460 about
the interval's log-centre (ln 1.32 + ln 4.89) / 2 = 0.932412, giving 1.154829-5.589400. Its
lower limit's E-value with the common-outcome conversion RR = sqrt(1.154829) = 1.074630 is
1.074630 + sqrt(1.074630 x 0.074630) = 1.357824 (VanderWeele & Ding 2017), down from 1.56.
"""

from __future__ import annotations

import doctest
import math
import shutil

import pytest

from causal import load_study
from causal.errors import ParameterError, StudySpecError
from causal.sensitivity.evalues import design_effect
from causal.sensitivity.evalues.design_effect import (
    claim_clustering,
    claim_interval,
    kish_design_effect,
)
from tests.conftest import ROOT, THEW


def test_worked_check():
    r = claim_interval(2.54, (1.32, 4.89), icc=0.05, mean_cluster_size=10, ratio=True)
    half = (math.log(4.89) - math.log(1.32)) / 2 * math.sqrt(1.45)
    centre = math.sqrt(1.32 * 4.89)
    assert r.design_effect == pytest.approx(1.45, rel=1e-12)
    assert r.ci == pytest.approx((centre * math.exp(-half), centre * math.exp(half)),
                                 rel=1e-12)
    assert r.ci == pytest.approx((1.154829, 5.589400), abs=1e-6)


def test_difference_scale_and_no_clustering():
    r = claim_interval(0.2, (0.1, 0.3), icc=0.1, mean_cluster_size=11, ratio=False)
    assert r.ci == pytest.approx((0.2 - 0.1 * math.sqrt(2), 0.2 + 0.1 * math.sqrt(2)))
    same = claim_interval(2.54, (1.32, 4.89), icc=0.0, mean_cluster_size=10, ratio=True)
    assert same.ci == pytest.approx((1.32, 4.89), rel=1e-12)


def test_doctest():
    assert doctest.testmod(design_effect).failed == 0


@pytest.mark.parametrize(("icc", "size", "match"), [(1.0, 10, "`icc`"), (-0.1, 10, "`icc`"),
                                                    (0.05, 0.5, "`mean_cluster_size`")])
def test_bad_numbers(icc, size, match):
    with pytest.raises(ParameterError, match=match):
        kish_design_effect(icc, size)


def _thew_with(tmp_path, block: str):
    text = THEW.read_text().replace("[evalue]", block + "\n[evalue]", 1)
    (tmp_path / "studies").mkdir()
    shutil.copytree(ROOT / "dags", tmp_path / "dags")
    path = tmp_path / "studies" / "thew.toml"
    path.write_text(text)
    return path


def test_thew_claim_clustering(tmp_path):
    study = load_study(_thew_with(tmp_path, "[claim.clustering]\nicc = [0.01, 0.05]\n"
                                            "mean_cluster_size = 10\n"
                                            "justification = \"a guess for therapists\"\n"))
    c = study.claim.clustering
    assert c.icc == (0.01, 0.05) and c.mean_cluster_size == 10
    result = claim_clustering(study.claim, icc=c.icc, mean_cluster_size=c.mean_cluster_size,
                              rare_outcome=study.evalue.rare_outcome)
    assert result.reported_evalue_ci == pytest.approx(1.56, abs=0.005)
    assert result.evalue_ci[1] == pytest.approx(1.357824, abs=1e-5)
    assert result.rows[1].ci == pytest.approx((1.154829, 5.589400), abs=1e-6)
    text = result.sentence()
    assert "ASSUMED" in text and "upper end" in text
    table = result.summary()
    assert table["note"].iloc[1:].str.contains("ASSUMED").all()


@pytest.mark.parametrize("block", ["[claim.clustering]\nicc = 1.5\nmean_cluster_size = 10\n",
                                   "[claim.clustering]\nicc = []\nmean_cluster_size = 10\n",
                                   "[claim.clustering]\nicc = 0.05\n",
                                   "[claim.clustering]\nicc = 0.05\nmean_cluster_size = 0\n",
                                   "[claim.clustering]\nicc = 0.05\nmean_cluster_size = 9\n"
                                   "rho = 1\n"])
def test_bad_claim_clustering(tmp_path, block):
    with pytest.raises(StudySpecError, match="clustering"):
        load_study(_thew_with(tmp_path, block))


def _cli(capsys, *args):
    from causal.cli import main

    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_evalue_with_assumed_clustering(capsys):
    import json

    status, out, _ = _cli(capsys, "evalue", "or", "2.54", "--ci", "1.32", "4.89",
                          "--common-outcome", "--icc", "0.05", "--cluster-size", "10", "--json")
    assert status == 0
    row = json.loads(out)["clustering_assumed"][0]
    assert row["ci"] == pytest.approx([1.154829, 5.589400], abs=1e-6)
    assert row["evalue_ci"] == pytest.approx(1.357824, abs=1e-5)
    status, out, _ = _cli(capsys, "evalue", "or", "2.54", "--ci", "1.32", "4.89",
                          "--common-outcome", "--icc", "0.05", "--cluster-size", "10")
    assert status == 0 and "ASSUMED ICC 0.05" in out and "upper end" in out


@pytest.mark.parametrize(("args", "match"), [
    (("--icc", "0.05"), "go together"),
    (("--icc", "1.5", "--cluster-size", "10"), "`icc`"),
    (("--icc", "0.05", "--cluster-size", "0.5"), "`mean_cluster_size`")])
def test_cli_evalue_clustering_bad_input(capsys, args, match):
    status, _, err = _cli(capsys, "evalue", "or", "2.54", "--ci", "1.32", "4.89",
                          "--common-outcome", *args)
    assert status == 2 and match in err and "Traceback" not in err
