"""``--scheduler`` / ``--workers`` for the commands that run replicate blocks, and the progress
bar that follows the blocks (the library only calls back; this module draws)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer

SchedulerOpt = Annotated[str | None, typer.Option(
    "--scheduler", help="Run replicate blocks on this existing Dask cluster (tcp://HOST:PORT; "
                        "default: the CAUSAL_SCHEDULER environment variable). Results are the "
                        "same as in process.")]
WorkersOpt = Annotated[int | None, typer.Option(
    "--workers", help="Start a local Dask cluster of this many worker processes (loopback "
                      "only) for the replicate blocks. Results are the same as in process.")]


@contextmanager
def replicate_blocks(scheduler: str | None, workers: int | None, *, quiet: bool = False,
                     bar: Any = None) -> Iterator[Any]:
    """Set where replicate blocks run for the ``with`` body and draw their progress on stderr.

    ``bar`` is an existing ``rich.progress.Progress`` to add a task to (the report's); without
    one a transient bar is made unless ``quiet`` or stderr is not a terminal.
    """
    from causal._parallel import cluster

    own = None
    if bar is None and not quiet and sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        own = bar = Progress(TextColumn("{task.description:<34}"), BarColumn(),
                             MofNCompleteColumn(), transient=True,
                             console=Console(stderr=True))
    task = None

    def progress(done: int, total: int) -> None:
        nonlocal task
        if bar is None:
            return
        if task is None:
            task = bar.add_task("replicate blocks", total=total)
        bar.update(task, completed=done, total=total)

    if own is not None:
        own.start()
    try:
        with cluster(scheduler, workers, progress=progress) as runner:
            yield runner
    finally:
        if own is not None:
            own.stop()
