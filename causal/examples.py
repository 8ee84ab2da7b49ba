"""The bundled examples: study files, their causal graphs and the teaching notebooks.

In a checkout of the repository they are the folders ``studies/``, ``dags/`` and
``notebooks/`` beside the package; in an installed wheel the same three folders are package
data under ``causal/_examples/`` (copied there by the build, see ``pyproject.toml``), found at
run time through :mod:`importlib.resources`. Either way the three folders keep their relative
layout, so a study's ``[graph] file = "../dags/NAME.dot"`` and a notebook's
``../studies/NAME.toml`` resolve as written.

>>> from causal.examples import example_study
>>> example_study("thew2024").name
'thew2024.toml'
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from causal.errors import CausalError

FOLDERS = ("studies", "dags", "notebooks")


def examples_root() -> Path:
    """The folder holding ``studies/``, ``dags/`` and ``notebooks/``.

    The installed package data (``causal/_examples``) when present, else the repository
    checkout the package is imported from (an editable install)."""
    packaged = Path(str(resources.files("causal"))) / "_examples"
    if (packaged / "studies").is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[1]
    if (checkout / "studies").is_dir():
        return checkout
    raise CausalError("the bundled examples are missing from this installation of causal "
                      f"(looked in {packaged} and {checkout}); reinstall the package.")


@dataclass(frozen=True)
class Example:
    """One bundled file: its kind (``study``, ``graph`` or ``notebook``), bare name and path."""

    kind: str
    name: str
    path: Path
    title: str = ""


_KINDS = {"studies": ("study", "*.toml"), "dags": ("graph", "*.dot"),
          "notebooks": ("notebook", "*.ipynb")}


def list_examples() -> list[Example]:
    """Every bundled study, graph and notebook, in that order and by name."""
    root = examples_root()
    found: list[Example] = []
    for folder, (kind, pattern) in _KINDS.items():
        for path in sorted((root / folder).glob(pattern)):
            found.append(Example(kind, path.stem, path, _title(kind, path)))
    return found


def _title(kind: str, path: Path) -> str:
    if kind == "study":
        import tomllib

        try:
            return str(tomllib.loads(path.read_text(encoding="utf-8"))
                       .get("study", {}).get("title", ""))
        except (OSError, tomllib.TOMLDecodeError):
            return ""
    if kind == "notebook":
        import json

        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            return ""
        for cell in cells:
            if cell.get("cell_type") == "markdown":
                source = "".join(cell.get("source", []))
                first = source.strip().splitlines()[0] if source.strip() else ""
                return first.lstrip("# ").strip()
    return ""


def example_names() -> list[str]:
    """The bare names of the bundled studies (``thew2024``, ``nhefs``...)."""
    return [e.name for e in list_examples() if e.kind == "study"]


def example_study(name: str) -> Path:
    """The path of the bundled study file called ``name`` (with or without ``.toml``)."""
    stem = name[:-5] if name.endswith(".toml") else name
    path = examples_root() / "studies" / f"{stem}.toml"
    if not path.is_file():
        raise CausalError(f"`{name}` is not a bundled example; expected one of "
                          f"{', '.join(example_names())} (see `causal examples`).")
    return path


def resolve_study(argument: Path) -> Path:
    """A study argument from the command line: the file itself when it exists, else a bare
    example name (``thew2024``) for the bundled study of that name.

    Only a bare name (no folder, no suffix other than ``.toml``) is looked up, so a mistyped
    path keeps its "not found" message."""
    text = str(argument)
    if argument.exists() or "/" in text or "\\" in text:
        return argument
    if argument.suffix not in ("", ".toml"):
        return argument
    stem = argument.stem if argument.suffix == ".toml" else text
    candidate = examples_root() / "studies" / f"{stem}.toml"
    return candidate if candidate.is_file() else argument


def copy_examples(destination: Path) -> list[Path]:
    """Copy ``studies/``, ``dags/`` and ``notebooks/`` into ``destination`` (created if
    needed), keeping their layout so the relative paths inside them work. Refuses to
    overwrite: a file already present stops the copy before anything is written."""
    root = examples_root()
    sources = [p for folder in FOLDERS for p in sorted((root / folder).glob("*"))
               if p.is_file() and p.suffix in (".toml", ".dot", ".ipynb")]
    targets = [destination / p.parent.name / p.name for p in sources]
    clash = [t for t in targets if t.exists()]
    if clash:
        raise CausalError(f"`--copy` {destination}: {clash[0]} already exists; choose an "
                          "empty folder (nothing was copied).")
    for source, target in zip(sources, targets, strict=True):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return targets
