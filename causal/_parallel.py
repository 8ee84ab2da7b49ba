"""Replicate blocks and where they run: in this process, or as tasks on a Dask cluster.

The heavy procedures (explain-away cells, bias-analysis draws, refuter simulations, bootstrap
replicates) are sets of independent *blocks*. A block's random numbers come only from the study
seed and the block's index (:func:`block_streams`), never from a generator shared between blocks, and the blocking
itself is fixed by the problem's size, not by the number of workers. So the same blocks give
the same numbers wherever they run: in this process (the default, where Dask is not even
imported), on a local cluster (``workers=N``) or on an existing one (``scheduler=ADDRESS`` or
the ``CAUSAL_SCHEDULER`` environment variable).

On a cluster the data every block needs are sent once (``Client.scatter(..., broadcast=True)``)
and each task receives a reference to them plus its block index; lost or failed tasks are
retried (``retries``), and a worker that dies is replaced by its nanny while the scheduler
re-runs its tasks elsewhere, so a run survives a lost worker with the same result.

Every block runs with BLAS limited to one thread, in process and on workers alike: a matrix
product's rounding may depend on how many threads split it, and the results must not. What a
task receives travels pickled in-band (:class:`Packed`) and is unpickled once per worker into
fresh NumPy allocations: distributed's own out-of-band buffers can leave an array at an address
that is not even a multiple of 8 (seen: ``x.ctypes.data % 64 == 13``), and NumPy then runs
unaligned loops whose rounding differs from the in-process run in the last bit.
"""

from __future__ import annotations

import os
import pickle
import re
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np

from causal.errors import ParameterError

__all__ = ["InProcess", "DaskRunner", "block_streams", "cluster", "current_runner",
           "SCHEDULER_ENV"]

#: environment variable naming an existing scheduler, e.g. tcp://10.0.0.5:8786
SCHEDULER_ENV = "CAUSAL_SCHEDULER"
#: how many times a task that raised is retried (a task lost with a dead worker is re-run by the
#: scheduler anyway, up to distributed's ``allowed-failures``)
RETRIES = 3

#: objects a DaskRunner keeps scattered for reuse (a suite's problem and a negative control's)
SHARED_KEPT = 2

Progress = Callable[[int, int], None]


def block_streams(random_state: Any, count: int) -> list[np.random.SeedSequence]:
    """``count`` independent seed sequences, block ``b`` getting spawn key ``(b,)``.

    An int seed gives ``SeedSequence(seed).spawn(count)``, whose child ``b`` equals
    ``SeedSequence(seed, spawn_key=(b,))``: block ``b``'s stream depends on the seed and ``b``
    only, so it is the same whoever runs it. A Generator spawns from its own seed sequence
    (``Generator.spawn``), so ``default_rng(7)`` gives the same blocks as ``7`` and a second
    call on the same Generator gives new ones; None gives fresh entropy.
    """
    from causal._validation import check_random_state

    if random_state is None:
        return np.random.SeedSequence().spawn(count)
    if isinstance(random_state, int | np.integer) and not isinstance(random_state, bool):
        check_random_state(random_state)  # the same message for a negative seed
        return np.random.SeedSequence(int(random_state)).spawn(count)
    rng = check_random_state(random_state)
    try:
        return rng.bit_generator.seed_seq.spawn(count)
    except (AttributeError, NotImplementedError, TypeError):  # a generator without a sequence
        return np.random.SeedSequence(int(rng.integers(0, 2**63 - 1))).spawn(count)


class Packed:
    """An object pickled in-band for a worker, unpickled there once (on first use).

    ``pickle.loads`` of an in-band pickle copies every array into a new, aligned allocation,
    so a block computes on a worker exactly as in this process (see the module's notes). The
    unpickled value is kept on the instance, which the worker holds for as long as the
    scattered object lives: tasks of one refuter suite share one copy per worker.
    """

    __slots__ = ("blob", "_value")

    def __init__(self, obj: Any) -> None:
        try:
            self.blob = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, AttributeError, TypeError):  # closures, local classes
            import cloudpickle

            self.blob = cloudpickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        self._value: Any = None

    def __getstate__(self) -> bytes:
        return self.blob

    def __setstate__(self, blob: bytes) -> None:
        self.blob = blob
        self._value = None

    def unpack(self) -> Any:
        if self._value is None:
            self._value = pickle.loads(self.blob)
        return self._value


def run_block(fn: Callable[..., Any], shared: Any, item: Any) -> Any:
    """Run one block with BLAS on one thread (the same arithmetic everywhere)."""
    from causal._blas import single_threaded_blas  # the project's one BLAS guard

    if isinstance(shared, Packed):
        shared = shared.unpack()
    if isinstance(item, Packed):
        item = item.unpack()
    with single_threaded_blas():
        return fn(shared, item)


class InProcess:
    """Runs blocks one after another in this process (the default)."""

    parallelism = 1
    address: str | None = None

    def __init__(self, progress: Progress | None = None) -> None:
        self.progress = progress

    def share(self, obj: Any) -> Any:
        """``obj`` itself: blocks in this process read it directly."""
        return obj

    def map(self, fn: Callable[[Any, Any], Any], items: Sequence[Any], shared: Any,
            label: str = "blocks") -> list[Any]:
        """``[fn(shared, item) for item in items]``, reporting progress after each block."""
        out = []
        for done, item in enumerate(items, start=1):
            out.append(run_block(fn, shared, item))
            if self.progress is not None:
                self.progress(done, len(items))
        return out


class DaskRunner:
    """Runs blocks as tasks through a ``distributed.Client``."""

    def __init__(self, client: Any, progress: Progress | None = None,
                 retries: int = RETRIES) -> None:
        self.client = client
        self.progress = progress
        self.retries = retries
        self._shared: dict[int, tuple[Any, Any]] = {}

    def share(self, obj: Any) -> Any:
        """A future for ``obj`` scattered to every worker, once per object for this runner's
        lifetime: procedures that run several maps over the same data (the refuters of one
        suite) send it once. Pass the future as ``shared`` to :meth:`map`. The workers keep
        the latest :data:`SHARED_KEPT` objects; older ones are released."""
        key = id(obj)  # the object is held below, so its id cannot be reused meanwhile
        if key not in self._shared:
            [future] = self.client.scatter([Packed(obj)], broadcast=True, hash=False)
            self._shared[key] = (obj, future)
            while len(self._shared) > SHARED_KEPT:
                _, old = self._shared.pop(next(iter(self._shared)))
                self.client.cancel([old])
        return self._shared[key][1]

    @property
    def address(self) -> str:
        return self.client.scheduler.address

    @property
    def parallelism(self) -> int:
        """Worker threads the scheduler knows of (at least 1)."""
        info = self.client.scheduler_info()
        return max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def map(self, fn: Callable[[Any, Any], Any], items: Sequence[Any], shared: Any,
            label: str = "blocks") -> list[Any]:
        """``fn(shared, item)`` for every item as tasks; results in the order of ``items``."""
        from distributed import Future, as_completed

        if not items:
            return []
        owned = not isinstance(shared, Future)  # else a future from share(), kept for reuse
        [data] = (self.client.scatter([Packed(shared)], broadcast=True, hash=False) if owned
                  else [shared])
        futures = self.client.map(run_block, [fn] * len(items), [data] * len(items),
                                  [Packed(item) for item in items], retries=self.retries,
                                  pure=False,
                                  key=[f"causal-{label}-{i}-{os.urandom(4).hex()}"
                                       for i in range(len(items))])
        try:
            for done, _ in enumerate(as_completed(futures), start=1):
                if self.progress is not None:
                    self.progress(done, len(items))
            return self.client.gather(futures)
        finally:
            self.client.cancel([*futures, data] if owned else futures)


_CURRENT: ContextVar[Any] = ContextVar("causal_runner", default=None)


def current_runner(runner: Any = None) -> Any:
    """``runner`` if given, else the one set by :func:`cluster`, else :class:`InProcess`."""
    if runner is not None:
        return runner
    active = _CURRENT.get()
    return active if active is not None else InProcess()


#: Seconds to wait for a scheduler to accept a connection and to send its greeting (a Dask
#: scheduler sends its handshake as soon as it accepts), and the ``timeout`` given to
#: ``distributed.Client``. A port that accepts but never answers fails after this long.
SCHEDULER_TIMEOUT = 20.0
_ADDRESS = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<host>\[[0-9A-Fa-f:.]+\]|"
                      r"[A-Za-z0-9._-]+)(?::(?P<port>[0-9]*))?/?")
_UNSUPPORTED = {"tls": "TLS needs certificates and a security configuration, which causal does "
                       "not set up (reach a remote scheduler over an SSH tunnel with tcp:// "
                       "instead)",
                "ucx": "UCX needs the ucx-py transport, which causal does not install",
                "inproc": "an in-process scheduler cannot be reached from this command",
                "ws": "websocket transports are not supported",
                "wss": "websocket transports are not supported"}


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:60]}...{text[-17:]}"


def check_scheduler(address: Any) -> str:
    """A ``tcp://HOST:PORT`` address, checked before anything connects to it."""
    if not isinstance(address, str):
        raise ParameterError(f"`scheduler` must be a Dask scheduler address like "
                             f"tcp://HOST:PORT; got {_shown(address)}.")
    match = _ADDRESS.fullmatch(address.strip())
    if match is None:
        raise ParameterError(f"`scheduler` must be a Dask scheduler address like "
                             f"tcp://HOST:PORT; got {_shown(address)}.")
    scheme = match["scheme"].lower()
    if scheme in _UNSUPPORTED:
        raise ParameterError(f"`scheduler` {_shown(address)} uses {scheme}://, which is not "
                             f"supported: {_UNSUPPORTED[scheme]}.")
    if scheme != "tcp":
        raise ParameterError(f"`scheduler` must be a tcp:// address (tcp://HOST:PORT); got "
                             f"the scheme {scheme}:// in {_shown(address)}.")
    host = match["host"]
    if not host.startswith("[") and (len(host) > 253 or
                                     any(len(label) > 63 for label in host.split("."))):
        raise ParameterError(f"`scheduler` host must be a host name (at most 253 characters, "
                             f"63 per label) or an IP address; got {_shown(host)}.")
    port = match["port"]
    if not port:
        raise ParameterError(f"`scheduler` must name the scheduler's port, e.g. "
                             f"tcp://{match['host']}:8786; got {_shown(address)}.")
    if not 1 <= int(port) <= 65535:
        raise ParameterError(f"`scheduler` port must be in 1-65535; got {int(port)} in "
                             f"{_shown(address)}.")
    return f"tcp://{match['host']}:{int(port)}"


def probe_scheduler(address: str, timeout: float | None = None) -> None:
    """Connect to ``address`` and wait for a Dask scheduler's greeting, within ``timeout``
    seconds (:data:`SCHEDULER_TIMEOUT`); a :class:`ParameterError` says what answered
    instead (nothing, a refusal, something that is not Dask)."""
    import socket
    import struct

    timeout = SCHEDULER_TIMEOUT if timeout is None else timeout
    match = _ADDRESS.fullmatch(address)
    assert match is not None
    host, port = match["host"].strip("[]"), int(match["port"])
    head = b""
    deadline = time.monotonic() + timeout  # for the whole greeting, however slowly it drips
    try:
        with socket.create_connection((host, port), timeout=timeout) as connection:
            while len(head) < 24:
                connection.settimeout(max(deadline - time.monotonic(), 1e-3))
                chunk = connection.recv(24 - len(head))
                if not chunk:
                    break
                head += chunk
    except TimeoutError:
        if head:  # something answered, too slowly or not in Dask's frames
            raise ParameterError(f"`scheduler` {address} answered, but not as a Dask "
                                 f"scheduler within {timeout:g} s (it sent "
                                 f"{_shown(head[:16].decode('latin-1'))}); check the address "
                                 "and port.") from None
        raise ParameterError(f"`scheduler` {address} did not answer as a Dask scheduler "
                             f"within {timeout:g} s (it accepted no connection, or accepted "
                             "and sent nothing); check the address and that the scheduler "
                             "is running.") from None
    except (OSError, UnicodeError) as error:
        raise ParameterError(f"`scheduler` must be the address of a running Dask scheduler; "
                             f"could not connect to {address} "
                             f"({getattr(error, 'strerror', None) or error}).") from None
    # distributed's TCP frames: total length, frame count, frame lengths (uint64 each)
    if len(head) == 24:
        total, count, first = struct.unpack("<QQQ", head)
        if 0 < count <= 16 and 0 < first <= total <= 1 << 20:
            return
    shown = head[:16].decode("latin-1")
    raise ParameterError(f"`scheduler` {address} answered, but not as a Dask scheduler "
                         f"(it sent {_shown(shown)}); check the address and port.")


def check_workers(workers: Any) -> int:
    from causal._budgets import check_size

    if isinstance(workers, bool) or not isinstance(workers, int | np.integer) or workers < 1:
        raise ParameterError(f"`workers` must be a positive integer; got {_shown(workers)}.")
    return check_size(workers, "MAX_LOCAL_WORKERS", "`workers`", "each is a process on this "
                      "machine; start a larger cluster yourself and pass --scheduler",
                      minimum=1)


@contextmanager
def cluster(scheduler: str | None = None, workers: int | None = None, *,
            progress: Progress | None = None, retries: int = RETRIES) -> Iterator[Any]:
    """Run the replicate blocks of every procedure inside the ``with`` block on a cluster.

    Parameters
    ----------
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://HOST:PORT``); default: the
        ``CAUSAL_SCHEDULER`` environment variable when ``workers`` is not given either.
    workers : int, optional
        Start a local cluster of this many single-threaded worker processes listening on the
        loopback address only (closed on exit).
    progress : callable, optional
        ``progress(done, total)`` after each finished block (the library never prints).
    retries : int
        Retries of a task that raised.

    Yields
    ------
    InProcess or DaskRunner
        The runner that procedures use when they are not given one. With neither option nor
        environment variable, blocks run in this process and Dask is not imported.
    """
    if scheduler is not None and workers is not None:
        raise ParameterError("`scheduler` and `workers` are alternatives (an existing cluster "
                             "or a local one); got both.")
    if scheduler is None and workers is None:
        scheduler = os.environ.get(SCHEDULER_ENV) or None
    if scheduler is None and workers is None:
        runner: Any = InProcess(progress)
        token = _CURRENT.set(runner)
        try:
            yield runner
        finally:
            _CURRENT.reset(token)
        return
    scheduler = None if scheduler is None else check_scheduler(scheduler)
    workers = None if workers is None else check_workers(workers)
    try:
        from distributed import Client, LocalCluster
    except ImportError as error:  # pragma: no cover - dask is in the dev group
        raise ParameterError("running on a cluster needs Dask distributed: install the "
                             "'dask' extra (pip install 'causal[dask]'); got an environment "
                             "without it.") from error
    local = None
    if workers is not None:
        import dask

        # distributed sets MALLOC_TRIM_THRESHOLD_ in its workers, which also fixes glibc's mmap
        # threshold: every large temporary array is then a fresh mmap, and the page faults cost
        # about 30% more CPU in these blocks (measured). The port warning: another is taken.
        with warnings.catch_warnings(), dask.config.set(
                {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
            warnings.filterwarnings("ignore", message="Port .* is already in use")
            local = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                 host="127.0.0.1", dashboard_address=None)
        client = Client(local)
    else:
        probe_scheduler(scheduler)
        try:
            client = Client(scheduler, timeout=f"{SCHEDULER_TIMEOUT:g}s")
        except (OSError, ValueError, RuntimeError) as error:
            raise ParameterError(f"`scheduler` must be the address of a running Dask "
                                 f"scheduler; could not connect to {scheduler!r} "
                                 f"({str(error)[:120] or type(error).__name__}).") from None
    runner = DaskRunner(client, progress, retries)
    token = _CURRENT.set(runner)
    try:
        yield runner
    finally:
        _CURRENT.reset(token)
        runner._shared.clear()
        client.close()
        if local is not None:
            local.close()
