"""Dask options under hostile values (issue 26, "Hangs" and the scheduler tracebacks).

Addresses are checked before anything connects; a scheduler that accepts and never answers,
and an HTTP server, are probed with a small timeout on a local socket bound to 127.0.0.1 only
(each test is bounded by that timeout, 0.5 s); --workers has a budget. Each case checks the
one sentence and that the study folder is unchanged.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from causal import _parallel
from causal._budgets import MAX_LOCAL_WORKERS
from causal._parallel import check_scheduler, cluster, probe_scheduler
from causal.cli import main
from causal.errors import ParameterError
from tests._untouched import snapshot
from tests.conftest import ROOT, THEW


@pytest.mark.parametrize("address, match", [
    ("tcp://127.0.0.1", "must name the scheduler's port, e.g. tcp://127.0.0.1:8786"),
    ("tcp://127.0.0.1:", "must name the scheduler's port"),
    ("tcp://127.0.0.1:99999", "port must be in 1-65535; got 99999"),
    ("tls://127.0.0.1:8786", "uses tls://, which is not supported: TLS needs certificates"),
    ("ucx://127.0.0.1:8786", "uses ucx://, which is not supported: UCX needs"),
    ("inproc://127.0.0.1:8786", "uses inproc://, which is not supported"),
    ("http://127.0.0.1:8787", "must be a tcp:// address"),
    ("127.0.0.1:8786", "must be a Dask scheduler address like tcp://HOST:PORT"),
    ("tcp://" + "a" * 10_000 + ":1", None),
])
def test_addresses_are_checked_before_connecting(address, match):
    if match is None:  # a huge host name is not echoed in full
        with pytest.raises(ParameterError) as raised:
            check_scheduler(address)
        assert len(str(raised.value)) < 400
        return
    with pytest.raises(ParameterError, match=match):
        check_scheduler(address)


@pytest.mark.parametrize("address", ["tcp://127.0.0.1", "tls://127.0.0.1:8786",
                                     "ucx://127.0.0.1:8786"])
def test_cli_unusable_scheduler_is_one_sentence(capsys, address):
    before = snapshot(ROOT / "studies")
    status = main(["explain-away", str(THEW), "--scheduler", address])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "`scheduler`" in err
    assert snapshot(ROOT / "studies") == before


class _Server:
    """A TCP server on 127.0.0.1 that accepts and then sends ``reply`` (or nothing)."""

    def __init__(self, reply: bytes | None):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(4)
        self.reply, self.open = reply, []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def address(self) -> str:
        return f"tcp://127.0.0.1:{self.socket.getsockname()[1]}"

    def _serve(self):
        try:
            while True:
                connection, _ = self.socket.accept()
                self.open.append(connection)
                if self.reply is not None:
                    connection.sendall(self.reply)
        except OSError:
            return

    def close(self):
        for connection in self.open:
            connection.close()
        self.socket.close()


@pytest.fixture
def silent_server():
    server = _Server(None)
    yield server
    server.close()


def test_a_scheduler_that_accepts_and_never_answers_times_out(silent_server, monkeypatch):
    monkeypatch.setattr(_parallel, "SCHEDULER_TIMEOUT", 0.5)
    start = time.monotonic()
    with pytest.raises(ParameterError, match=r"did not answer as a Dask scheduler within "
                                             r"0.5 s"), cluster(silent_server.address):
        pass
    assert time.monotonic() - start < 10  # bounded by the timeout, not by distributed's


def test_an_http_server_is_not_taken_for_a_scheduler(monkeypatch):
    server = _Server(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    try:
        monkeypatch.setattr(_parallel, "SCHEDULER_TIMEOUT", 0.5)
        with pytest.raises(ParameterError, match=r"answered, but not as a Dask scheduler "
                                                 r"\(it sent 'HTTP/1.1 400 Bad"), \
                cluster(server.address):
            pass
    finally:
        server.close()


def test_a_refused_port_fails_at_once():
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    start = time.monotonic()
    with pytest.raises(ParameterError, match=r"could not connect to tcp://127.0.0.1:\d+ "
                                             r"\(Connection refused\)"):
        probe_scheduler(f"tcp://127.0.0.1:{port}", timeout=0.5)
    assert time.monotonic() - start < 5


@pytest.mark.parametrize("workers, match", [
    (1000, f"`workers` must be at most {MAX_LOCAL_WORKERS:,} \\(the budget "
           "causal._budgets.MAX_LOCAL_WORKERS\\); got 1,000"),
    (0, "`workers` must be a positive integer; got 0"),
])
def test_workers_are_bounded_by_a_budget(capsys, workers, match):
    with pytest.raises(ParameterError, match=match), cluster(workers=workers):
        pass
    status = main(["explain-away", str(THEW), "--workers", str(workers)])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1


class _Drip(_Server):
    """Sends ``reply`` one byte at a time, ``pause`` seconds apart (never 24 bytes soon)."""

    def __init__(self, reply: bytes, pause: float):
        self.pause = pause
        super().__init__(reply)

    def _serve(self):
        try:
            while True:
                connection, _ = self.socket.accept()
                self.open.append(connection)
                threading.Thread(target=self._drip, args=(connection,), daemon=True).start()
        except OSError:
            return

    def _drip(self, connection):
        try:
            for byte in self.reply:
                connection.sendall(bytes([byte]))
                time.sleep(self.pause)
        except OSError:
            return


@pytest.mark.parametrize("reply, pause", [(b"SSH-2.0-OpenSSH_9.2\r\n", 0.0),
                                          (b"\x00" * 24, 0.2)])
def test_a_greeting_that_is_slow_or_short_is_bounded_by_one_timeout(reply, pause):
    """An SSH banner (21 bytes, then silence) was reported as "accepted and sent nothing";
    a server dripping one byte every 0.2 s reset the timeout at each byte, so the wait was
    up to 24 timeouts (8 minutes at the default 20 s) instead of one."""
    server = _Drip(reply, pause)
    try:
        start = time.monotonic()
        with pytest.raises(ParameterError, match=r"answered, but not as a Dask scheduler "
                                                 r"within 0.5 s \(it sent '(SSH-2.0|\\x00)"):
            probe_scheduler(server.address, timeout=0.5)
        assert time.monotonic() - start < 2  # one timeout, not one per byte
    finally:
        server.close()
