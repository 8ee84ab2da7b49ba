"""Starting files for a new study: ``causal init`` writes them, the user edits them.

:func:`scaffold_from_data` reads a data file once and drafts a study file (``[study]``,
``[data]`` pointing at the file, ``[graph]``, no claim) and a DOT graph with every declared
column as a measured node and commented placeholders for the unmeasured confounders the data
cannot show. :func:`paper_template` drafts a claim-only study file for a published result.
:func:`write_new` writes them, refusing to overwrite anything. Nothing here prints.
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import stat
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from pandas.api import types

from causal.errors import ParameterError

_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: an all-distinct integer or text column with at least this many rows is an identifier
_IDENTIFIER_MIN_ROWS = 20
#: placeholders for unmeasured confounders: (node, label)
PLACEHOLDERS = (("readiness", "Readiness to take up the treatment"), ("engagement", "Engagement with the service"),
                ("clinician_or_site", "Clinician or site effects"),
                ("health_trajectory", "Health trajectory (getting better or worse)"))


@dataclass(frozen=True)
class Scaffold:
    """Drafted files and what the user should know about them."""

    study_path: Path
    graph_path: Path
    study_text: str
    graph_text: str
    covariates: tuple[str, ...]
    categorical: tuple[str, ...]
    left_out: tuple[str, ...]
    notes: tuple[str, ...]


def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _toml_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(_toml(v) for v in values) + "]"


def _dot_id(name: str) -> str:
    return name if _ID.match(name) else _toml(name)


def _unsafe_name(name: str) -> str | None:
    """The first character of a column name that no draft can carry (a control or format
    character: a newline ends a TOML comment, an ESC or a bidi mark is invisible), shown;
    or the name's length when a study file cannot hold a name that long."""
    from causal.study._reader import MAX_PATH_CHARS

    if len(name) > MAX_PATH_CHARS:
        return f"{len(name):,} characters, more than the {MAX_PATH_CHARS:,} a study file allows"
    for char in name:
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            return repr(char)[1:-1] if ord(char) < 0x80 else f"U+{ord(char):04X}"
    return None


def _refuse_unsafe(role: str, name: str) -> None:
    bad = _unsafe_name(name)
    if bad is not None:
        from causal.data._formats import shorten

        what = (f"a name of {bad}" if "characters" in bad else
                f"an invisible or control character ({bad}) in its name, which a study "
                "file cannot name reliably")
        raise ParameterError(f"the {role} column {shorten(name)!r} has {what}; rename the "
                             "column and run `causal init` again.")


def _numbers_but(series: pd.Series) -> tuple[int, list[str]] | None:
    """For a text column that is numbers except for a few values: (how many values are not
    numbers, up to three of them); None otherwise."""
    values = series.dropna()
    if not len(values) or types.is_numeric_dtype(values.dtype):
        return None
    numbers = pd.to_numeric(values.astype(str).str.strip(), errors="coerce")
    bad = values[numbers.isna()]
    if len(bad) == 0 or len(bad) > max(1, len(values) // 10):
        return None
    from causal.data._formats import shorten

    return len(bad), [shorten(v, 20) for v in pd.unique(bad.astype(str))[:3]]


def study_name(text: str) -> str:
    """A study name (letters, digits, '-' and '_') from a file stem."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_")
    return name or "study"


def _identifier(series: pd.Series) -> bool:
    values = series.dropna()
    if len(values) < _IDENTIFIER_MIN_ROWS or types.is_float_dtype(values.dtype):
        return False
    return bool(values.is_unique)


def scaffold_from_data(data: str | Path, *, treatment: str, outcome: str,
                       covariates: Sequence[str] | None = None,
                       out: str | Path = ".", missing: str = "refuse",
                       cluster: str | None = None) -> Scaffold:
    """Draft a study file and a graph for a data file.

    Parameters
    ----------
    data : path
        A CSV, Parquet or Feather file (see :func:`causal.data.files.read_table`).
    treatment, outcome : str
        Column names; the treatment must be 0/1.
    covariates : sequence of str, optional
        Default: every other column except identifiers (integer or text columns whose values
        are all distinct), which are left out and listed in :attr:`Scaffold.left_out`.
    out : path
        Folder of the new files, ``<stem>.toml`` and ``<stem>.dot``; ``[data] source`` is
        written relative to it.
    missing : {"refuse", "complete_case", "multiple_imputation"}
        Written as ``[data] missing`` when the file has missing values in the declared
        columns ("refuse" leaves the choice to the user, commented, with the counts;
        "multiple_imputation" also writes ``imputations = 20``).
    cluster : str, optional
        A column grouping the rows, written as ``[data] cluster`` (never a covariate); the
        clusters are checked as the study will check them.
    """
    from causal._validation import check_literal
    from causal.data.files import read_columns, read_table

    check_literal(missing, "missing", ("refuse", "complete_case", "multiple_imputation"))
    data = Path(data)
    columns = read_columns(data)
    chosen_by_user = covariates is not None
    _refuse_unsafe("treatment", treatment)
    _refuse_unsafe("outcome", outcome)
    unsafe: list[str] = []
    if cluster is not None:
        _refuse_unsafe("cluster", cluster)
    out = Path(out)
    stem = study_name(data.name.split(".")[0])
    study_path, graph_path = out / f"{stem}.toml", out / f"{stem}.dot"
    _check_targets((study_path, graph_path))  # before reading a large file
    if covariates is None:
        candidates = [c for c in columns if c not in (treatment, outcome, cluster)]
        unsafe = [c for c in candidates if _unsafe_name(c) is not None]
        candidates = [c for c in candidates if _unsafe_name(c) is None]
    else:
        if isinstance(covariates, str):
            raise ParameterError(f"`covariates` must be a list of column names; got "
                                 f"{covariates!r}.")
        candidates = list(covariates)
        if not candidates:
            raise ParameterError("`covariates` must name at least one column (or be left out "
                                 "to use every other column); got none.")
        for name in candidates:
            _refuse_unsafe("covariate", name)
    table = read_table(data, treatment=treatment, outcome=outcome, covariates=candidates,
                       categorical=candidates, missing="complete_case", cluster=cluster,
                       leave_out_empty=not chosen_by_user)
    frame = table.frame
    if table.empty:
        gone = set(table.empty)
        candidates = [c for c in candidates if c not in gone]
    left_out = () if chosen_by_user else tuple(c for c in candidates if _identifier(frame[c]))
    dropped = set(left_out)
    chosen = tuple(c for c in candidates if c not in dropped)
    categorical = tuple(c for c in chosen if not types.is_numeric_dtype(frame[c].dtype))
    if not chosen:
        why = [f"{len(x):,} left out ({what})" for x, what in
               ((unsafe, "names a study file cannot hold"), (table.empty, "empty"),
                (left_out, "identifiers")) if x]
        raise ParameterError(f"{data.name} has no column to draft as a covariate besides the "
                             f"treatment and the outcome{' (' + '; '.join(why) + ')' if why else ''}"
                             "; a study adjusts for at least one measured covariate, so add "
                             "one to the file or name one with --covariates.")
    notes = []
    if unsafe:
        from causal.data._formats import shorten

        shown = ", ".join(repr(shorten(c)) for c in unsafe[:3])
        notes.append(f"left out {shown}{' and more' if len(unsafe) > 3 else ''}: a control or "
                     "invisible character in the name, or a name too long for a study file; "
                     "rename the column to use it")
    for column in categorical:
        nearly = _numbers_but(frame[column])
        if nearly is not None:
            count, examples = nearly
            notes.append(f"{column} is numbers except {count:,} value(s) "
                         f"({', '.join(map(repr, examples))}), so it is drafted as "
                         "categorical; if those mean missing, make them empty cells and "
                         "run `causal init` again to have it numeric")
    if left_out:
        notes.append(f"left out {', '.join(left_out)}: every value distinct, so an identifier, "
                     "not a covariate")
    if table.empty:
        from causal.data._formats import shorten

        shown = ", ".join(repr(shorten(c)) for c in table.empty[:3])
        notes.append(f"left out {shown}{' and more' if len(table.empty) > 3 else ''}: "
                     "empty in every row")
    if table.dropped and missing == "refuse":
        notes.append(f"{table.n_read - table.n_used:,} of {table.n_read:,} rows have missing "
                     "values; the study refuses them until you choose missing = "
                     "\"complete_case\" in [data]")
    elif table.dropped:
        notes.append(f"{table.n_read - table.n_used:,} of {table.n_read:,} rows have missing "
                     "values and are " + ("imputed 20 times (missing = "
                     "\"multiple_imputation\"), with complete cases beside"
                     if missing == "multiple_imputation"
                     else "dropped (missing = \"complete_case\")"))
    binary = set(pd.unique(frame[outcome])) <= {0, 1}
    source = Path(os.path.relpath(data.resolve(), out.resolve())).as_posix()
    study_text = _study_text(stem, data, source, treatment, outcome, chosen, categorical,
                             left_out, table, graph_path.name, binary,
                             float(frame[outcome].mean()) if binary else None, missing,
                             cluster)
    graph_text = _graph_text(stem, data.name, treatment, outcome, chosen, columns)
    return Scaffold(study_path, graph_path, study_text, graph_text, chosen, categorical,
                    left_out, tuple(notes))


def _zero_one(values: pd.Series) -> bool:
    """Whether a numeric column holds exactly the values 0 and 1 (missing values aside)."""
    if not types.is_numeric_dtype(values.dtype) or types.is_bool_dtype(values.dtype):
        return False
    return set(pd.unique(values.dropna())) == {0, 1}


def _study_text(name: str, data: Path, source: str, treatment: str, outcome: str,
                covariates: tuple[str, ...], categorical: tuple[str, ...],
                left_out: tuple[str, ...], table, graph_file: str, binary: bool,
                prevalence: float | None, missing: str, cluster: str | None = None) -> str:
    lines = [
        f"# Study file drafted by `causal init` from {data.name}. Lines starting with # are",
        "# comments. Check every field: the draft knows the columns, not the study.",
        "",
        "[study]",
        f"name = {_toml(name)}",
        f"title = {_toml(f'{outcome} by {treatment} in {data.name}')}",
        f"treatment = {_toml(treatment)}",
        f"outcome = {_toml(outcome)}",
        f"# question = \"Did {treatment} change {outcome}?\"",
        f"# treatment_description = \"what {treatment} = 1 means, e.g. accepted the offer\"",
        f"# outcome_description = \"what {outcome} measures, and when\"",
        "# population = \"who is in the data\"",
        "# design = \"e.g. observational cohort; who chose the treatment, and how\"",
        "",
        "[data]",
        f"source = {_toml(source)}   # relative to this file",
        f"covariates = {_toml_list(covariates)}",
    ]
    if categorical:
        lines.append(f"categorical = {_toml_list(categorical)}   # text columns: entered as "
                     "categories")
    if cluster is not None:
        lines.append(f"cluster = {_toml(cluster)}   # rows of one {cluster} are not "
                     "independent: cluster-robust intervals")
    text_columns = set(categorical)
    flags = tuple(c for c in covariates if c not in text_columns and _zero_one(table.frame[c]))
    if flags:
        # a 0/1 column gives the same models as a number or as a category; listed as a
        # category it can also enter saturated (cell-mean) models and exact matching
        listed = _toml_list(tuple(categorical) + flags)
        lines.append(f"# categorical = {listed}   # {', '.join(flags)}: 0/1, drafted as "
                     "numbers; as categories they also serve saturated models and exact "
                     "matching")
    if left_out:
        lines.append(f"# left out (every value distinct, an identifier): "
                     f"{', '.join(left_out)}")
    if table.dropped:
        arms = ", ".join(f"{k} {v:,}" for k, v in table.dropped.items())
        lines += [f"# {table.n_read - table.n_used:,} of {table.n_read:,} rows have missing "
                  "values in these columns",
                  f"# ({arms})."]
        if missing == "multiple_imputation":
            lines += ["# They are imputed by chained equations, every estimator is pooled by "
                      "Rubin's rules,",
                      "# and the complete-case analysis is shown beside it.",
                      "missing = \"multiple_imputation\"",
                      "imputations = 20"]
        elif missing == "complete_case":
            lines += ["# They are dropped, and the report states how many per arm; delete the "
                      "next line",
                      "# to have the study refuse them instead.",
                      "missing = \"complete_case\""]
        else:
            lines += ["# The study refuses them: fill them in, or uncomment the next line to "
                      "drop those rows",
                      "# (the report then states how many per arm).",
                      "# missing = \"complete_case\""]
    every_categorical = bool(covariates) and set(covariates) == set(categorical)
    lines += ["# treatment_interactions = []   # covariates whose effect differs by treatment "
              "(outcome model)",
              "",
              "# How the estimators model the covariates (uncomment to change):",
              "# [estimate]",
              ("# estimand = \"ate\"   # or \"att\" (the effect on the treated) or \"atc\" "
               "(on the controls, the ATU)"),
              ("# saturated = true   # every covariate is categorical: cell-mean models give "
               "the stratified answer"
               if every_categorical else
               "# saturated = true   # cell-mean models; needs every covariate categorical"),
              "",
              "# Was the treatment assigned at random (an experiment)? Then uncomment:",
              "# [design]",
              "# randomised = true"]
    lines += ["", "[graph]",
              f"file = {_toml(graph_file)}   # edit it: add the unmeasured confounders"]
    if binary and prevalence is not None:
        from causal.measures import RARE_OUTCOME_THRESHOLD

        rare = prevalence < RARE_OUTCOME_THRESHOLD
        lines += ["",
                  "# The outcome is 0/1. An odds ratio approximates a risk ratio only for a rare",
                  f"# outcome (below about {100 * RARE_OUTCOME_THRESHOLD:.0f}%, VanderWeele "
                  f"2017); {outcome} = 1 in {100 * prevalence:.1f}% of the",
                  "# complete rows. Change this if the outcome is rare or common in a "
                  "different way in your",
                  "# population (the rule is about every stratum, not only the whole sample).",
                  "[evalue]", f"rare_outcome = {'true' if rare else 'false'}"]
    lines += ["",
              "# No [claim]: the report stress-tests this study's own estimate. To compare "
              "with a",
              "# published result, add [[claim.estimates]] (`causal init --from-paper NAME` "
              "shows the keys).", ""]
    return "\n".join(lines)


def _graph_text(name: str, data_name: str, treatment: str, outcome: str,
                covariates: tuple[str, ...], columns: Sequence[str]) -> str:
    t, y = _dot_id(treatment), _dot_id(outcome)
    lines = [
        f"// Causal graph drafted by `causal init` from {data_name}: every declared column is a",
        "// measured node, each covariate a common cause of the treatment and the outcome. That",
        "// is the assumption a covariate-adjusted analysis makes. Edit it: remove arrows you",
        "// know are absent, mark a covariate caused by the treatment (a mediator), and add",
        "// what the data cannot show (the placeholders at the end).",
        f"digraph {_dot_id(name)} {{",
        "  rankdir=LR;",
        f"  {t} [role=\"exposure\", label={_toml(treatment)}];",
        f"  {y} [role=\"outcome\", label={_toml(outcome)}];",
    ]
    lines += [f"  {_dot_id(c)};" for c in covariates]
    lines.append("")
    for c in covariates:
        lines.append(f"  {_dot_id(c)} -> {t};")
        lines.append(f"  {_dot_id(c)} -> {y};")
    lines += [f"  {t} -> {y};", "",
              "  // Unmeasured confounders: what makes people both more likely to be treated and",
              "  // more (or less) likely to have the outcome, that the file does not record?",
              "  // Uncomment and rename what applies in your field and point it at what it",
              "  // affects; the report then names the paths adjustment cannot close."]
    taken = set(columns)
    for node, label in PLACEHOLDERS:
        if node in taken:
            continue
        lines += [f"  // {node} [latent=\"true\", label={_toml(label)}];",
                  f"  // {node} -> {t};", f"  // {node} -> {y};"]
    lines += ["}", ""]
    return "\n".join(lines)


def _folder_problem(folder: Path, *, create: bool = True) -> str | None:
    """Why files cannot be created in ``folder`` (made if missing and ``create``), or None."""
    probe = folder
    while not os.path.lexists(probe) and probe != probe.parent:
        probe = probe.parent
    if os.path.lexists(probe) and not probe.is_dir():
        return (f"{folder} is an existing file, not a folder" if probe == folder else
                f"{folder} is under {probe}, which is a file, not a folder")
    if not create:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return f"{folder} cannot be created ({error.strerror or error})"
    return None


def _check_targets(paths: Sequence[Path]) -> None:
    """What :func:`write_new` would refuse without the texts, checked before the data are
    read: a link or a non-file at a name, every name taken (a second run), an unusable
    folder."""
    for path in paths:
        if path.is_symlink():
            raise ParameterError(f"{path} is a symbolic link; `causal init` does not write "
                                 "through links, so remove it or choose another --out "
                                 "folder.")
        if os.path.lexists(path) and not path.is_file():
            raise ParameterError(f"{path} already exists; `causal init` does not overwrite "
                                 "files, so remove it or choose another --out folder.")
    if all(os.path.lexists(p) for p in paths):
        raise ParameterError(f"{paths[0]} already exists; `causal init` does not overwrite "
                             "files, so remove it or choose another --out folder.")
    for folder in dict.fromkeys(p.parent for p in paths):
        problem = _folder_problem(folder, create=False)
        if problem is not None:
            raise ParameterError(f"`--out` cannot be used: {problem}.")


def write_new(files: dict[Path, str]) -> None:
    """Write the files together, never overwriting or writing through anything.

    Refuses (ParameterError) if any of the names is taken, by a file, a folder or a symbolic
    link (dangling ones too), before writing any; a file that already holds exactly the text
    to write is left as it is when another is missing (so an interrupted run can be
    repeated). Each file is written in full to a new hidden file beside it (``O_CREAT |
    O_EXCL``, so created, never opened through a link; held ``flock``-ed while this run
    writes, so that the hidden files of a killed run, which no one holds, can be removed
    first) and synced, and only then linked to its name with :func:`os.link`, which
    fails rather than replace anything created meanwhile. A failure (a full disk, a folder
    that cannot be written) removes what this call wrote: either every file is there, or
    none.
    """
    encoded = {Path(p): t.encode("utf-8") for p, t in files.items()}
    todo = {}
    for path, data in encoded.items():
        if os.path.lexists(path):
            if path.is_symlink():
                raise ParameterError(f"{path} is a symbolic link; `causal init` does not "
                                     "write through links, so remove it or choose another "
                                     "--out folder.")
            if not path.is_file() or path.read_bytes() != data:
                raise ParameterError(f"{path} already exists; `causal init` does not "
                                     "overwrite files, so remove it or choose another --out "
                                     "folder.")
            continue
        todo[path] = data
    if not todo:  # everything is there already: a second run, not an interrupted one
        raise ParameterError(f"{next(iter(encoded))} already exists; `causal init` does not "
                             "overwrite files, so remove it or choose another --out folder.")
    for folder in dict.fromkeys(p.parent for p in todo):
        problem = _folder_problem(folder)
        if problem is not None:
            raise ParameterError(f"`--out` cannot be used: {problem}.")
    for path in todo:
        _clear_dead_partials(path)
    staged: dict[Path, Path] = {}
    linked: list[tuple[Path, int]] = []
    handles = []
    try:
        for path, data in todo.items():
            temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL |
                         getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o666)
            staged[path] = temporary
            handle = os.fdopen(fd, "wb")
            handles.append(handle)  # open (and locked) until the links are made
            _lock(fd, blocking=True)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        for path, temporary in staged.items():
            os.link(temporary, path, follow_symlinks=False)
            linked.append((path, os.lstat(path).st_ino))
    except OSError as error:
        for path, inode in linked:
            if os.lstat(path).st_ino == inode:
                os.unlink(path)
        if error.errno == errno.EEXIST and error.filename2 is not None:
            raise ParameterError(f"{error.filename2} was created while `causal init` was "
                                 "writing; nothing was overwritten, and nothing was "
                                 "written.") from None
        raise ParameterError(f"`causal init` could not write {next(iter(todo))} "
                             f"({error.strerror or error}); nothing was written.") from None
    finally:
        for temporary in staged.values():
            try:
                os.unlink(temporary)
            except OSError:
                pass
        for handle in handles:
            handle.close()


def _lock(fd: int, *, blocking: bool) -> bool:
    """An exclusive ``flock`` on ``fd`` (released when it is closed, or the process dies)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except OSError:
        return False
    return True


_PARTIAL = re.compile(r"\.(?P<name>.+)\.[0-9a-f]{8}\.partial")


def _clear_dead_partials(path: Path) -> None:
    """Remove the hidden ``.NAME.XXXXXXXX.partial`` files a killed run of ``causal init``
    left beside ``path`` (SIGKILL skips the clean-up): regular files that no live run holds
    locked."""
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    for name in names:
        match = _PARTIAL.fullmatch(name)
        if match is None or match["name"] != path.name:
            continue
        try:
            fd = os.open(path.parent / name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) |
                         getattr(os, "O_NONBLOCK", 0))
        except OSError:
            continue
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode) and _lock(fd, blocking=False):
                os.unlink(path.parent / name)
        except OSError:
            pass
        finally:
            os.close(fd)


def paper_template(name: str) -> str:
    """A commented, claim-only study file whose example numbers are Thew et al. (2024)."""
    if not isinstance(name, str) or not name or study_name(name) != name:
        raise ParameterError("`--from-paper` must be a study name of letters, digits, '-' or "
                             f"'_' (it names the file and the report folder); got {name!r}.")
    from importlib.resources import files
    from string import Template

    text = files("causal.study.templates").joinpath("paper.toml").read_text(encoding="utf-8")
    return Template(text).substitute(name=name)
