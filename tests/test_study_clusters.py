"""``[data] cluster`` and ``Study.from_frame(cluster=...)`` end to end: the study file, the
command line (bad input: one sentence, exit 2, nothing written) and the estimates table."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from causal import Study, load_study
from causal.cli import main
from causal.errors import DataError, StudySpecError
from causal.estimate.study import estimate_study

DATA = Path(__file__).resolve().parent / "data" / "clusters" / "clustered.csv"
STUDY = """[study]
name = "therapists"
title = "SIMULATED clients within therapists"
treatment = "a"
outcome = "y"

[data]
source = "clustered.csv"
description = "SIMULATED clustered data (tests/data/clusters/make_data.py)"
covariates = ["x"]
cluster = "therapist"

[evalue]
rare_outcome = false
"""


def _study(tmp_path: Path, frame: pd.DataFrame | None = None, text: str = STUDY) -> Path:
    if frame is None:
        shutil.copy(DATA, tmp_path / "clustered.csv")
    else:
        frame.to_csv(tmp_path / "clustered.csv", index=False)
    path = tmp_path / "therapists.toml"
    path.write_text(text)
    return path


def run(capsys, *args):
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_study_file_and_frame_agree(tmp_path):
    from_file = estimate_study(load_study(_study(tmp_path)))
    frame = pd.read_csv(DATA)
    study = Study.from_frame(frame, treatment="a", outcome="y", covariates=["x"],
                             cluster="therapist", name="therapists")
    from_frame = estimate_study(study)
    assert study.data.cluster == "therapist"
    a, b = from_file.summary(), from_frame.summary()
    pd.testing.assert_frame_equal(a[["quantity", "estimate", "ci_lower", "ci_upper"]],
                                  b[["quantity", "estimate", "ci_lower", "ci_upper"]])
    c = from_file.clustering
    assert c.n_clusters == 40 and c.column == "therapist"
    assert "GEE" in {e.method for e in from_file.fitted}
    assert all(e.clustering is not None for e in from_file.fitted)
    assert "design effect" in a["note"].iloc[0]
    assert "40 clusters" in from_file.clustering_sentence()


def test_cli_estimate_shows_both_intervals(tmp_path, capsys):
    status, out, err = run(capsys, "estimate", str(_study(tmp_path)), "--json")
    assert status == 0, err
    payload = json.loads(out)
    rows = payload["estimates"]
    assert all("naive CI" in r["note"] for r in rows)
    assert payload["clustering"]["n_clusters"] == 40
    assert payload["clustering"]["correction"] == "CR1"
    status, out, _ = run(capsys, "estimate", str(_study(tmp_path)))
    assert status == 0 and "rows are clustered by 'therapist'" in out


@pytest.mark.parametrize(("change", "match"), [
    (lambda f: f.assign(therapist=1), "single cluster"),
    (lambda f: f.assign(therapist=range(len(f))), "size 1"),
    (lambda f: f.assign(therapist=f["a"] * 100 + f["therapist"] % 4),
     "splits the treatment perfectly")])
def test_bad_clusters_exit_2_and_write_nothing(tmp_path, capsys, change, match):
    path = _study(tmp_path, change(pd.read_csv(DATA)))
    out_dir = tmp_path / "report"
    for args in (("estimate", str(path)), ("report", str(path), "--out", str(out_dir),
                                           "--quiet")):
        status, _, err = run(capsys, *args)
        assert status == 2
        assert match in err and "Traceback" not in err
        assert len(err.strip().splitlines()) == 1
    assert not out_dir.exists() or not any(out_dir.iterdir())
    with pytest.raises(DataError, match=match):
        estimate_study(load_study(path))


def test_cluster_column_must_exist_and_is_not_for_simulated_data(tmp_path, capsys):
    path = _study(tmp_path, text=STUDY.replace('cluster = "therapist"', 'cluster = "clinic"'))
    status, _, err = run(capsys, "estimate", str(path))
    assert status == 2 and "clinic" in err
    with pytest.raises(StudySpecError, match="data.cluster"):
        load_study(_study(tmp_path, text=STUDY.replace('cluster = "therapist"', "cluster = 3")))
    thew = Path(__file__).resolve().parents[1] / "studies" / "thew2024.toml"
    text = thew.read_text().replace('source = "simulated"',
                                    'source = "simulated"\ncluster = "therapist"', 1)
    (tmp_path / "studies").mkdir()
    shutil.copytree(Path(__file__).resolve().parents[1] / "dags", tmp_path / "dags")
    (tmp_path / "studies" / "t.toml").write_text(text)
    with pytest.raises(StudySpecError, match="independent rows"):
        load_study(tmp_path / "studies" / "t.toml")


def test_init_writes_the_cluster_and_leaves_it_out_of_the_covariates(tmp_path, capsys):
    shutil.copy(DATA, tmp_path / "clustered.csv")
    status, _, err = run(capsys, "init", str(tmp_path / "clustered.csv"), "--treatment", "a",
                         "--outcome", "y", "--cluster", "therapist", "--out", str(tmp_path))
    assert status == 0, err
    study = load_study(tmp_path / "clustered.toml")
    assert study.data.cluster == "therapist"
    assert "therapist" not in study.data.covariates
    frame = pd.read_csv(DATA).assign(therapist=5)
    frame.to_csv(tmp_path / "one.csv", index=False)
    status, _, err = run(capsys, "init", str(tmp_path / "one.csv"), "--treatment", "a",
                         "--outcome", "y", "--cluster", "therapist", "--out", str(tmp_path))
    assert status == 2 and "single cluster" in err
    assert not (tmp_path / "one.toml").exists()
