"""The ``causal`` application: the Typer app, one-sentence failures (exit 2), output helpers
and :func:`main`. The only package that writes to the terminal; the commands live in one
module per group and are registered in :mod:`causal.cli`.

Invalid input is reported as one sentence on stderr with exit status 2, never a traceback.
"""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import typer

from causal.errors import CausalError

app = typer.Typer(
    rich_markup_mode=None,
    name="causal",
    help="Stress-test observational findings: audit published numbers, E-values, reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        from causal import __version__

        typer.echo(f"causal {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True,
        help="Print the version and exit.")) -> None:
    """Stress-test observational findings: audit published numbers, E-values, reports."""


EXIT_BAD_INPUT = 2


# Commands whose arguments are numbers: "-2.54" is a (negative) value, not an unknown option.
NEGATIVE_NUMBERS = {"ignore_unknown_options": True}


def fail(message: str) -> None:
    """Print one sentence to stderr and exit with status 2."""
    from causal._text import terminal_safe

    typer.echo(f"error: {terminal_safe(message)}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


class _SafeStream(io.TextIOBase):
    """A text stream that shows control characters as escapes (see causal._text): labels,
    node names and notes from a user's files never drive the terminal."""

    def __init__(self, raw: Any) -> None:
        self.raw_stream = raw

    def write(self, text: str) -> int:
        from causal._text import terminal_safe

        self.raw_stream.write(terminal_safe(text))
        return len(text)

    def flush(self) -> None:
        self.raw_stream.flush()

    def isatty(self) -> bool:
        return self.raw_stream.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.raw_stream, "encoding", None) or "utf-8"


def emit_json(data: Any) -> None:
    from causal._results import jsonable  # NumPy and pandas: not needed for --help

    typer.echo(json.dumps(jsonable(data), indent=2, sort_keys=True, allow_nan=False))


def echo_frame(frame: Any) -> None:
    from causal._results import frame_to_markdown

    typer.echo(frame_to_markdown(frame))


def echo_result(result: Any, as_json: bool, extra: dict[str, Any] | None = None) -> None:
    """Print a result through its own renderers (``to_dict()`` for --json, ``render_text()``
    otherwise), with ``extra`` (the command's own settings, e.g. the seed) added to the JSON;
    the result's notes go to stderr as warnings."""
    if as_json:
        emit_json({**(extra or {}), **result.to_dict()})
        return
    typer.echo(result.render_text())
    for note in getattr(result, "notes", ()):
        typer.echo(f"warning: {note}", err=True)


def load_study_file(study: Path) -> Any:
    """Load a study file, or the bundled example of a bare name (``thew2024``)."""
    import stat

    from causal.examples import resolve_study
    from causal.study.load import load_study

    study = resolve_study(study)

    try:
        mode = os.stat(study).st_mode
    except FileNotFoundError:
        mode = None  # the loader says "not found"
    except (OSError, ValueError) as error:
        fail(f"{shown_path(study)}: cannot be opened as a study file "
             f"({getattr(error, 'strerror', None) or error}).")
    if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        fail(f"{study}: expected a study file (TOML), got a device, pipe or socket.")

    return load_study(study)


def read_csv_file(path: Path, *, not_found: str = "{path}: CSV file not found.",
                  unreadable: str = "{path}: could not be read as CSV ({reason}).") -> Any:
    """Read a CSV file given on the command line, or fail with one sentence: ``not_found``
    or ``unreadable`` filled with ``path`` and the first line of the reader's ``reason``
    (each command keeps its own wording)."""
    import pandas as pd

    if not path.is_file():
        fail(not_found.format(path=path))
    try:
        return pd.read_csv(path)
    except (ValueError, OSError, UnicodeDecodeError) as error:
        # pandas' ParserError and EmptyDataError are ValueErrors
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        fail(unreadable.format(path=path, reason=reason))


def shown_path(path: Any, limit: int = 80) -> str:
    """A path for a message: long ones shortened, NUL bytes visible."""
    text = repr(str(path))[1:-1] if "\x00" in str(path) else str(path)
    return text if len(text) <= limit else f"{text[:limit - 20]}...{text[-17:]}"


def check_figure_path(png: Path | None, option: str = "--png") -> None:
    """Fail before any work if a figure cannot be written to ``png``."""
    if png is None:
        return
    try:
        _check_figure_path(png, option)
    except (OSError, ValueError) as error:
        fail(f"`{option}` {shown_path(png)} cannot be used "
             f"({getattr(error, 'strerror', None) or error}).")


def _check_figure_path(png: Path, option: str) -> None:
    if png.is_dir():
        fail(f"`{option}` {png} is a folder; give a file name ending in .png or .svg.")
    folder = png.parent
    if not folder.is_dir():
        what = "is a file" if folder.exists() else "does not exist"
        fail(f"`{option}` {png}: the folder {folder} {what}; create the folder first.")
    if not os.access(folder, os.W_OK | os.X_OK):
        fail(f"`{option}` {png}: the folder {folder} is not writable.")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``causal`` command."""
    from causal._text import terminal_safe

    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _SafeStream(sys.stdout), _SafeStream(sys.stderr)
    try:
        status = app(args=argv, prog_name="causal", standalone_mode=False)
    except CausalError as error:
        typer.echo(f"error: {terminal_safe(str(error))}", err=True)
        return EXIT_BAD_INPUT
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 1
    except Exception as error:
        # usage errors of the command-line parser (unknown option, bad choice...)
        if hasattr(error, "show") and hasattr(error, "exit_code"):
            error.show()
            return int(error.exit_code)
        raise
    finally:
        sys.stdout, sys.stderr = streams
    return int(status or 0)


def run() -> None:
    """Console-script wrapper: exit with :func:`main`'s status."""
    sys.exit(main())
