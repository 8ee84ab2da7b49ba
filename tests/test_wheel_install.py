"""The built wheel works outside the repository: it is installed into a fresh virtual
environment in a temporary folder (dependencies from uv.lock, read from the uv cache that
`uv run` has already filled, so nothing is downloaded), and from an empty folder
`causal report thew2024 --out DIR` writes a complete report and a bundled notebook runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("uv") is None, reason="needs uv on PATH")]


def _run(args, cwd, env=None, timeout=600):
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("wheel")
    dist, venv = base / "dist", base / "venv"
    _run(["uv", "build", "--wheel", "--quiet", "-o", str(dist)], cwd=ROOT)
    wheel = next(dist.glob("causal_stress-*.whl"))
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv)}
    env.pop("VIRTUAL_ENV", None)
    # the runtime dependencies only (no dev group), and the test tools a notebook needs
    _run(["uv", "sync", "--quiet", "--frozen", "--offline", "--no-install-project",
          "--no-editable", "--no-default-groups"], cwd=ROOT, env=env)
    python = venv / "bin" / "python"
    _run(["uv", "pip", "install", "--quiet", "--offline", "--no-deps", "--python", str(python),
          str(wheel)], cwd=base)
    return venv


def test_report_from_a_bare_example_name_in_an_empty_folder(installed, tmp_path):
    work = tmp_path / "empty"
    work.mkdir()
    causal = installed / "bin" / "causal"
    version = _run([str(causal), "--version"], cwd=work).stdout
    import causal as here

    assert version.strip() == f"causal {here.__version__}"
    listing = _run([str(causal), "examples"], cwd=work).stdout
    assert "thew2024" in listing and str(ROOT) not in listing  # package data, not the clone
    done = _run([str(causal), "report", "thew2024", "--out", "rep", "--quiet"], cwd=work)
    # a fresh install has no byte-compiled files: the dependencies' own compile-time warnings
    # are not statistical warnings of the report
    assert "invalid escape sequence" not in done.stderr
    report = json.loads((work / "rep" / "report.json").read_text())
    assert report["study"]["name"] == "thew2024"
    for name in ("report.html", "report.md", "report.json", "causal_graph.png"):
        assert (work / "rep" / name).is_file(), name
    keys = [s["key"] for s in report["sections"]]
    assert len(keys) >= 10 and "verdict" in " ".join(keys)
    (work / "mine").mkdir()
    _run([str(causal), "init", "--example", "thew2024", "--out", "mine"], cwd=work)
    assert (work / "mine" / "thew2024.dot").is_file()
    _run([str(causal), "audit", "mine/thew2024.toml"], cwd=work)


def test_a_bundled_notebook_runs_from_a_copy(installed, tmp_path):
    causal = installed / "bin" / "causal"
    _run([str(causal), "examples", "--copy", "ex"], cwd=tmp_path)
    notebook = tmp_path / "ex" / "notebooks" / "01_published_claim.ipynb"
    assert notebook.is_file()
    # nbclient and ipykernel come from the test environment; the kernel is the fresh venv's
    import nbformat
    from nbclient import NotebookClient

    env_python = installed / "bin" / "python"
    code = ("import sys, causal; print(causal.__file__)")
    where = _run([str(env_python), "-c", code], cwd=tmp_path).stdout
    assert "site-packages" in where and str(ROOT) not in where
    nb = nbformat.read(notebook, as_version=4)
    # a kernel whose imports come first from the fresh venv's site-packages (PYTHONPATH is
    # searched before the test environment's own), so the notebook uses the installed wheel
    kernel_dir = tmp_path / "kernels" / "fresh"
    kernel_dir.mkdir(parents=True)
    (kernel_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "fresh", "language": "python",
        "env": {"PYTHONPATH": _site_packages(installed)}}))
    old = os.environ.get("JUPYTER_PATH", "")
    os.environ["JUPYTER_PATH"] = f"{tmp_path}{os.pathsep}{old}" if old else str(tmp_path)
    try:
        NotebookClient(nb, timeout=300, kernel_name="fresh",
                       resources={"metadata": {"path": str(notebook.parent)}}).execute()
    finally:
        os.environ["JUPYTER_PATH"] = old
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert outputs and not [o for o in outputs if o.get("output_type") == "error"]


def _site_packages(venv: Path) -> str:
    return str(next((venv / "lib").glob("python*/site-packages")))
