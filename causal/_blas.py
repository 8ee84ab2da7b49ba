"""The project's one BLAS guard: one BLAS thread inside a block of tall, thin products."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

#: below this many elements (R x n) switching thread pools costs more than it saves
SMALL_PROBLEM = 262_144


def single_threaded_blas(size: int | None = None) -> Any:
    """Limit BLAS (and OpenMP) to one thread inside the block.

    Our products are tall and thin (n x a few columns), where OpenBLAS's thread start-up and
    spin-waiting cost more than they save (measured 3-5x slower with 2 threads on a busy 2-core
    machine). With ``size`` (elements of the work) below :data:`SMALL_PROBLEM` the switch,
    which itself costs a few milliseconds, is skipped. A no-op without threadpoolctl.
    """
    if size is not None and size < SMALL_PROBLEM:
        return nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - installed with scikit-learn
        return nullcontext()
    return threadpool_limits(1)
