"""Assemble a report from a study and write it atomically."""

from __future__ import annotations

import importlib
import os
import platform
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from causal.report.headline import headline_section
from causal.report.model import Report, Section
from causal.report.render import to_html, to_json, to_markdown
from causal.report.robins import robins_section
from causal.report.sections import SECTION_MODULES
from causal.report.subsample import build_section
from causal.report.writer import write_files

if TYPE_CHECKING:  # the study package is imported only where a path must be loaded
    from causal.analysis.result import Analysis
    from causal.study.model import Study

_VERSIONED_PACKAGES = ("causal", "numpy", "scipy", "pandas", "statsmodels", "scikit-learn",
                       "networkx", "matplotlib", "dowhy", "econml")


def package_versions() -> dict[str, str]:
    from causal import __version__

    versions = {"python": platform.python_version()}
    for name in _VERSIONED_PACKAGES:
        if name == "causal":  # the distribution is causal-stress; the import name is causal
            versions[name] = __version__
            continue
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def check_skip(study: Study) -> None:
    """Every name in the study's ``[report] skip`` is a report section's (the report owns its
    section names; the study file's parser keeps them as written)."""
    from causal.study._reader import spec_error, suggestion

    for name in study.skip:
        if name not in SECTION_MODULES:
            raise spec_error(study.where, "report.skip",
                             f"names of report sections ({', '.join(SECTION_MODULES)})"
                             + suggestion(name, SECTION_MODULES), name)


def build_report(analysis: Analysis | Study | str | Path, *, random_state: int = 20240101,
                 progress: Callable[[str], None] | None = None,
                 command: Sequence[str] | None = None,
                 sections: Sequence[str] | None = None) -> Report:
    """Render an :class:`~causal.analysis.Analysis` as a report: every section's
    ``build(analysis)``, in reading order, preceded by the verdict composed from them.

    Parameters
    ----------
    analysis : Analysis, Study or path
        What :func:`causal.analyse` (or :meth:`causal.Analysis.from_results`) returned. A
        study (or its path) is analysed first, as a convenience:
        ``build_report(study)`` is ``build_report(analyse(study))``.
    random_state : int
        Only with a study: the seed of :func:`causal.analyse`. An Analysis carries its own.
    progress : callable, optional
        Called with a short message as each analysis and section starts.
    command : sequence of str, optional
        The command line to record (the CLI passes its own).
    sections : sequence of str, optional
        Section module names to render (default: those the analysis was made for, or all,
        preceded by the verdict composed from them; a selection gets no verdict).

    Notes
    -----
    The report computes nothing on the data: every number comes from the analysis. An
    analysis that could not be computed is shown where its result would be, and the verdict
    lists what could not be computed.
    """
    from causal.analysis import Analysis, analyse
    from causal.study.api import as_study

    say = progress or (lambda message: None)
    if not isinstance(analysis, Analysis):
        study = as_study(analysis)
        check_skip(study)
        analysis = analyse(study, random_state=random_state, sections=sections,
                           progress=say)
    study = analysis.study
    check_skip(study)
    if sections is None and analysis.sections is not None:
        sections = analysis.sections
    built: list[Section] = []
    for name in sections or [n for n in SECTION_MODULES if n not in study.left_out]:
        say(name)
        module = importlib.import_module(f"causal.report.sections.{name}")
        section = build_section(module, name, analysis)  # labelled where it was subsampled
        if section is not None:
            built.append(section)
    # The risk-of-bias summary and the verdict read the whole report, so they are added only
    # when every section ran; the summary goes after the real study's sections.
    robins = robins_section(built) if sections is None else None
    if robins is not None:
        last_real = max((i for i, s in enumerate(built) if not s.simulated), default=-1)
        built.insert(last_real + 1, robins)
    verdict = headline_section(study, built, analysis.failures) if sections is None else None
    if verdict is not None:
        built.insert(0, verdict)
    from causal.study.fingerprint import study_fingerprint

    hashes = {"study_sha256": study_fingerprint(study)}
    hashes.update(analysis.hashes())
    reproducibility: dict[str, Any] = {
        "study": study.name,
        **({} if study.data is None else {"data_source": study.data.source}),
        **hashes,
        "random_state": analysis.random_state,
        "command": " ".join(command) if command else None,
        "versions": package_versions(),
    }
    if analysis.origin != "analyse":
        reproducibility["results"] = "the user's own results (Analysis.from_results)"
    failures = [f.sentence() for f in analysis.failures]
    if failures:
        reproducibility["not_computed"] = failures
    return Report(study=study, sections=tuple(built), reproducibility=reproducibility)


def write_report(report: Report, out_dir: str | Path, *, force: bool = False) -> Path:
    """Write ``report.md``, ``report.html``, ``report.json`` and every figure's PNG.

    The folder must be new or hold only an earlier report of this tool (``force=True``
    writes into a folder with other files, replacing only an earlier report's own files); an
    earlier report survives any failure. See :mod:`causal.report.writer`.
    """
    files = {"report.md": to_markdown(report).encode("utf-8"),
             "report.html": to_html(report).encode("utf-8"),
             "report.json": to_json(report).encode("utf-8")}
    for figure in report.figures:
        files[f"{figure.key}.png"] = figure.png
        if figure.svg is not None:
            files[f"{figure.key}.svg"] = figure.svg
    return write_files(files, out_dir, force=force)


def relative_command(study_path: Path, *options: str | Path) -> list[str]:
    """``causal report STUDY [options]`` with every path relative to the study file's folder,
    so the same study run from two folders records the same command."""
    base = Path(study_path).resolve().parent
    out = ["causal", "report", Path(study_path).name]
    for option in options:
        if isinstance(option, Path):
            option = Path(os.path.relpath(Path(option).resolve(), base)).as_posix()
        out.append(str(option))
    return out


def default_out_dir(study: Study) -> Path:
    return Path("reports") / study.name


