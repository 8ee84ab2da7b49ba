"""The project's one BLAS guard: one BLAS thread inside a block of tall, thin products."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

#: below this many elements (R x n) switching thread pools costs more than it saves
SMALL_PROBLEM = 262_144

#: (number of imported modules, threadpoolctl controller) of the last scan for BLAS libraries
_CONTROLLER: list = [-1, None]


def single_threaded_blas(size: int | None = None) -> Any:
    """Limit BLAS (and OpenMP) to one thread inside the block.

    Our products are tall and thin (n x a few columns), where OpenBLAS's thread start-up and
    spin-waiting cost more than they save (measured 3-5x slower with 2 threads on a busy 2-core
    machine). With ``size`` (elements of the work) below :data:`SMALL_PROBLEM` the switch,
    which itself costs a few milliseconds, is skipped. A no-op without threadpoolctl.

    The scan for the loaded BLAS libraries (1-2 ms: ``threadpool_limits`` walks every shared
    object each time) is kept and redone only when modules have been imported since, which is
    when a new library (SciPy's own OpenBLAS, say) can have been loaded.
    """
    if size is not None and size < SMALL_PROBLEM:
        return nullcontext()
    import sys

    if _CONTROLLER[0] != len(sys.modules):
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # pragma: no cover - installed with scikit-learn
            return nullcontext()
        _CONTROLLER[:] = [len(sys.modules), ThreadpoolController()]
    return _CONTROLLER[1].limit(limits=1)
