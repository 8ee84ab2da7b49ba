"""Replicate blocks on a Dask cluster give exactly the in-process results (causal._parallel).

The cluster listens on the loopback address only. Equality is exact (bytes or
``assert_array_equal``): a block's random numbers come from the seed and its index alone, and
the blocking does not depend on the number of workers, so nothing may differ.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import warnings

import numpy as np
import pytest

from causal._parallel import DaskRunner, InProcess, block_streams, cluster, current_runner
from causal.cli import main
from causal.errors import ParameterError
from tests.conftest import ROOT, THEW

distributed = pytest.importorskip("distributed")

# a small grid: 3 x 3 cells, 2 replicate blocks (260 > 250 replicates), several tasks per block
SMALL = dict(uptake_ors=[1.0, 4.0, 12.0], recovery_ors=[1.0, 4.0, 12.0], replicates=260)


@pytest.fixture(scope="module")
def scheduler():
    with warnings.catch_warnings():  # another process may hold the default HTTP port
        warnings.filterwarnings("ignore", message="Port .* is already in use")
        cluster_ = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                            host="127.0.0.1", dashboard_address=None)
    try:
        yield cluster_.scheduler_address
    finally:
        cluster_.close()


def test_without_options_dask_is_not_imported():
    """In process, the commands that can use a cluster never import dask or distributed."""
    code = (
        "import sys\n"
        "from causal.cli import main\n"
        f"assert main(['explain-away', {str(THEW)!r}, '--grid', '2', '--replicates', '30', "
        "'--json']) == 0\n"
        "assert main(['bias-analysis', '31', '66', '64', '236', '--p1', 'uniform:0.4,0.6', "
        "'--p0', '0.2', '--effect', '2', '--draws', '1000', '--json']) == 0\n"
        f"assert main(['refute', {str(THEW)!r}, '--simulations', '5', '--json']) == 0\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed'))\n"
        "assert not loaded, loaded\n")
    env = {k: v for k, v in os.environ.items() if k != "CAUSAL_SCHEDULER"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_block_streams_depend_on_seed_and_index_only():
    """Block b's stream is SeedSequence(seed, spawn_key=(b,)) (numpy's documented spawn), and
    a fresh Generator from the same seed gives the same blocks."""
    streams = block_streams(7, 3)
    for b, stream in enumerate(streams):
        expected = np.random.SeedSequence(7, spawn_key=(b,))
        assert stream.generate_state(4).tolist() == expected.generate_state(4).tolist()
    from_generator = block_streams(np.random.default_rng(7), 3)
    assert [s.generate_state(2).tolist() for s in from_generator] == \
        [s.generate_state(2).tolist() for s in streams]
    assert block_streams(8, 1)[0].generate_state(2).tolist() != \
        streams[0].generate_state(2).tolist()


def test_in_process_is_the_default(monkeypatch):
    monkeypatch.delenv("CAUSAL_SCHEDULER", raising=False)
    assert isinstance(current_runner(), InProcess)
    with cluster() as runner:
        assert isinstance(runner, InProcess) and current_runner() is runner


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"workers": 0}, "`workers` must be a positive integer; got 0"),
    ({"scheduler": "localhost:8786"}, "`scheduler` must be a Dask scheduler address"),
    ({"scheduler": "tcp://127.0.0.1:1", "workers": 2}, "alternatives"),
])
def test_bad_options_raise(kwargs, match):
    with pytest.raises(ParameterError, match=match), cluster(**kwargs):
        pass


def test_cli_bad_options_exit_2(capsys):
    assert main(["explain-away", str(THEW), "--workers", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "`workers` must be a positive integer" in err


def test_explain_away_identical_on_a_cluster(scheduler):
    from causal.sensitivity.simulations.explain_away import explain_away

    local = explain_away(THEW, random_state=5, **SMALL)
    with cluster(scheduler) as runner:
        assert isinstance(runner, DaskRunner) and runner.parallelism == 2
        remote = explain_away(THEW, random_state=5, **SMALL)
    for name in ("mean_log_or", "mean_log_or_se", "p_at_least", "p_ci_above", "converged"):
        np.testing.assert_array_equal(getattr(remote, name), getattr(local, name))


def test_environment_variable_names_the_scheduler(scheduler, monkeypatch):
    monkeypatch.setenv("CAUSAL_SCHEDULER", scheduler)
    with cluster() as runner:
        assert isinstance(runner, DaskRunner) and runner.address == scheduler


def test_bias_analysis_draws_identical_on_a_cluster(scheduler):
    """2.5 million draws: three blocks (10^6, 10^6, 0.5 * 10^6)."""
    from causal.measures import TwoByTwo
    from causal.sensitivity.bias_analyses.probabilistic import probabilistic_bias_analysis
    from causal.study.values import priors as P

    kwargs = dict(prevalence_treated=P.beta(5, 5), prevalence_control=P.uniform(0.1, 0.3),
                  outcome_rr=P.lognormal(0.69, 0.2), n_draws=2_500_000, random_state=3)
    local = probabilistic_bias_analysis(TwoByTwo(31, 66, 64, 236), **kwargs)
    with cluster(scheduler):
        remote = probabilistic_bias_analysis(TwoByTwo(31, 66, 64, 236), **kwargs)
    np.testing.assert_array_equal(remote.total, local.total)
    np.testing.assert_array_equal(remote.bias_factors, local.bias_factors)


def test_bootstrap_replicates_identical_on_a_cluster(scheduler):
    """300,000 rows: 37 chunks of 8,192 rows, 3 tasks on the cluster, 2 threads in process."""
    from causal.estimate._bootstrap import multiplier_bootstrap

    phi = np.random.default_rng(1).standard_normal((300_000, 2))
    theta = np.array([0.3, 0.5])
    local = multiplier_bootstrap(phi, theta, 200, np.random.default_rng(4))
    with cluster(scheduler):
        remote = multiplier_bootstrap(phi, theta, 200, np.random.default_rng(4))
    np.testing.assert_array_equal(remote, local)


def _refuter_data(n: int = 300):
    """SIMULATED: two confounders, binary treatment, continuous and binary outcomes."""
    import pandas as pd

    rng = np.random.default_rng(8)
    x = rng.normal(size=(n, 2))
    t = (rng.random(n) < 1 / (1 + np.exp(-x[:, 0]))).astype(int)
    y = 0.5 * t + x @ [1.0, 0.5] + rng.normal(size=n)
    yb = (rng.random(n) < 1 / (1 + np.exp(-(0.5 * t + x[:, 1])))).astype(int)
    return pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "t": t, "y": y, "yb": yb})


def test_refuters_identical_on_a_cluster(scheduler, monkeypatch):
    """Six refuters on an IPW estimate and five on a logistic outcome regression, 20
    simulations in blocks of at most 7 replicates (3 blocks, so 3 tasks per refuter): the
    cluster's refuted estimates equal the in-process ones exactly, and the problem is
    scattered once per suite, not once per refuter."""
    import causal.refute as cr
    from causal import _budgets
    from causal.estimate import IPW
    from tests._refute_by_name import by_name

    data = _refuter_data()
    monkeypatch.setattr(_budgets, "REPLICATE_BLOCK_BYTES", 7 * 8 * len(data))
    estimate = IPW().estimate(data, treatment="t", outcome="y", covariates=["a", "b"])

    def suites():
        return [cr.refute(estimate, data, n_simulations=20, random_state=3,
                          unobserved_strengths=(0.1, 0.5)),
                by_name(cr.refute_all, data, treatment="t", outcome="yb", covariates=["a", "b"],
                        estimator="logistic_regression", n_simulations=20, random_state=3)]

    local = suites()
    with cluster(scheduler) as runner:
        scattered = []
        share = runner.share
        monkeypatch.setattr(runner, "share", lambda obj: scattered.append(obj) or share(obj))
        remote = suites()
    assert len({id(obj) for obj in scattered}) == 2 < len(scattered)  # one problem per suite
    for here, there in zip(local, remote, strict=True):
        assert len(here.results) == len(there.results) >= 5
        for a, b in zip(here.results, there.results, strict=True):
            assert a.refuter == b.refuter
            np.testing.assert_array_equal(b.refuted_estimates, a.refuted_estimates)
            assert b.p_value == a.p_value


def test_report_json_byte_identical_on_a_cluster(scheduler, tmp_path):
    """The report's random sections (estimates with bootstrap, explain-away) built in process
    and on the cluster write the same report.json, byte for byte (with "refutations" too: 30 s,
    run by hand; its refuters are tested on a cluster above)."""
    from causal.report import build_report, write_report
    from causal.study import load_study

    sections = ["estimates", "explain_away"]
    study = load_study(THEW)
    write_report(build_report(study, sections=sections), tmp_path / "local")
    with cluster(scheduler):
        write_report(build_report(study, sections=sections), tmp_path / "remote")
    local = (tmp_path / "local" / "report.json").read_bytes()
    assert (tmp_path / "remote" / "report.json").read_bytes() == local
    assert "explain_away" in {s["key"] for s in json.loads(local)["sections"]}


def test_report_on_users_data_byte_identical_on_a_cluster(scheduler, tmp_path, monkeypatch):
    """A report on a user's individual data (a DataFrame study: estimates with its bootstrap-free
    estimators, refutations on a labelled random subsample, the probabilistic bias analysis in
    blocks) writes the same report.json in process and on the cluster."""
    from causal import Study, _budgets
    from causal.report import build_report, write_report
    from tests._estimate_sim import simulate

    monkeypatch.setattr(_budgets, "REPORT_SECTION_ROWS", {"refutations": 300})
    frame = simulate(900, seed=31, outcome="binary")
    study = Study.from_frame(frame, treatment="a", outcome="y", covariates=["x1", "x2", "x3"],
                             name="users_data")
    sections = ["estimates", "refutations", "probabilistic_bias"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_report(build_report(study, sections=sections), tmp_path / "local")
        with cluster(scheduler):
            write_report(build_report(study, sections=sections), tmp_path / "remote")
    local = (tmp_path / "local" / "report.json").read_bytes()
    assert (tmp_path / "remote" / "report.json").read_bytes() == local
    keys = {s["key"]: s for s in json.loads(local)["sections"]}
    assert keys["refutations"]["data"]["subsample"]["rows"] == 300


def test_cli_scheduler_option_gives_the_same_json(scheduler, capsys):
    args = ["explain-away", str(THEW), "--grid", "2", "--replicates", "40", "--json"]
    assert main(args) == 0
    local = json.loads(capsys.readouterr().out)
    assert main([*args, "--scheduler", scheduler]) == 0
    remote = json.loads(capsys.readouterr().out)
    for out in (local, remote):
        del out["wall_seconds"], out["cpu_seconds"]
    assert remote == local


def test_cli_refute_on_a_cluster_gives_the_same_json(scheduler, capsys):
    """`causal refute --scheduler`: the same JSON as in process (Thew, n = 302, IPW)."""
    args = ["refute", str(THEW), "--estimator", "ipw", "--simulations", "20", "--json"]
    assert main(args) == 0
    local = json.loads(capsys.readouterr().out)
    assert main([*args, "--scheduler", scheduler]) == 0
    assert json.loads(capsys.readouterr().out) == local


def _listening_hosts() -> set[str]:
    """Addresses on which this process and its children listen for TCP connections."""
    import psutil

    me = psutil.Process()
    hosts = set()
    for process in [me, *me.children(recursive=True)]:
        for conn in process.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN:
                hosts.add(conn.laddr.ip)
    return hosts


def test_a_worker_killed_mid_run_changes_nothing():
    """A local cluster started by ``workers=2``; after the first finished task, a worker that is
    running a task is killed (SIGKILL). Its nanny restarts it, the scheduler re-runs the lost
    task, and the result is the in-process one. 520 replicates: 11 blocks of at most 50 (REPLICATE_BLOCK), each a task or more."""
    from causal.sensitivity.simulations.explain_away import explain_away

    grid = dict(SMALL, replicates=520)
    local = explain_away(THEW, random_state=6, **grid)
    killed: list[tuple[int, tuple]] = []
    with cluster(workers=2) as runner:
        assert runner.address.startswith("tcp://127.0.0.1:")
        assert _listening_hosts() == {"127.0.0.1"}  # scheduler, nannies, workers: loopback
        pids = runner.client.run(os.getpid)  # worker address -> process id

        def kill_busy_worker(done: int, total: int) -> None:
            if killed:
                return
            busy = {w: keys for w, keys in runner.client.processing().items() if keys}
            if busy:
                worker = sorted(busy)[0]
                os.kill(pids[worker], signal.SIGKILL)
                killed.append((pids[worker], tuple(busy[worker])))

        runner.progress = kill_busy_worker
        remote = explain_away(THEW, random_state=6, **grid)
        after = set(runner.client.run(os.getpid).values())
    assert killed and killed[0][1], "no worker was killed while running a task"
    assert killed[0][0] not in after
    np.testing.assert_array_equal(remote.mean_log_or, local.mean_log_or)
    np.testing.assert_array_equal(remote.p_at_least, local.p_at_least)
    np.testing.assert_array_equal(remote.converged, local.converged)


def test_batch_on_a_cluster_equals_in_process(scheduler, tmp_path, capsys, monkeypatch):
    """`causal batch --scheduler`: blocks of findings run as tasks; the rows are the same."""
    import causal.literature.findings as findings

    monkeypatch.setattr(findings, "BLOCK_ROWS", 3)
    csv = tmp_path / "f.csv"
    csv.write_text("measure,estimate,ci_lower,ci_upper,rare_outcome\n" + "".join(
        f"{m},{e},{lo},{hi},{r}\n" for m, e, lo, hi, r in [
            ("RR", "10.73", "8.02", "14.36", ""), ("RR", "3.9", "1.8", "8.7", ""),
            ("OR", "2.54", "1.32", "4.89", "false"), ("HR", "0.72", "0.60", "0.86", "true"),
            ("OR", "1.20", "0.90", "1.60", ""), ("RR", "0.50", "0.30", "0.83", ""),
            ("HR", "1.29", "1.02", "1.63", "true")]), encoding="utf-8")
    assert main(["batch", str(csv), "--json"]) == 0
    alone = json.loads(capsys.readouterr().out)
    assert main(["batch", str(csv), "--json", "--scheduler", scheduler]) == 0
    assert json.loads(capsys.readouterr().out) == alone
    assert round(alone["rows"][0]["evalue_point"], 2) == 20.95
