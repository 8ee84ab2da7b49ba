"""What makes a study's estimates fast on millions of rows changes no result.

* the text-column hash built a chunk of rows at a time equals the row-by-row canonical form
  (the reference is tests/test_data_hash_text.py's transcription of the docstring);
* :func:`causal._memory.reuse_freed_memory` restores glibc's settings and changes no number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from causal import _memory
from causal.data.load import _joined_texts, data_hash
from tests.test_data_hash_text import reference


@pytest.mark.parametrize("chunk", [1, 3, 1 << 20])
def test_joined_texts_any_chunk(chunk):
    texts = [b"a\x1f", b"\xc3\xa9t\xc3\xa9\x1f", b"\x1f", b"\x00\x1f"]
    codes = np.array([0, 1, 2, 1, -1, 0, 0, 3, 1, -1, 2])
    assert _joined_texts(codes, texts, chunk) == b"".join(texts[c] for c in codes)


def test_string_column_hash_as_defined_across_chunks():
    rng = np.random.default_rng(3)
    words = np.array(["north", "south", "é", "", "a longer region name"], dtype=object)
    values = words[rng.integers(0, 5, 3_000_000)]
    values[rng.random(len(values)) < 0.01] = None
    frame = pd.DataFrame({"region": pd.array(values, dtype="string")})
    assert data_hash(frame) == reference(frame)


def test_reuse_freed_memory_restores_and_changes_nothing(monkeypatch):
    calls = []

    class FakeLibc:
        def mallopt(self, param, value):
            calls.append((param, value))
            return 1

        def malloc_trim(self, pad):
            calls.append(("trim", pad))
            return 1

    monkeypatch.setattr(_memory, "_libc", lambda: FakeLibc())
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    monkeypatch.setenv("MALLOC_MMAP_MAX_", "1000")
    x = np.arange(10.0)
    with _memory.reuse_freed_memory(rows=2_000_000):
        with _memory.reuse_freed_memory(rows=2_000_000):  # nested: nothing more
            y = x * 2
    assert calls == [(-4, 0), (-1, 2**31 - 1), (-1, 128 * 1024), (-4, 1000), ("trim", 0)]
    assert np.array_equal(y, 2 * x)
    calls.clear()
    with _memory.reuse_freed_memory(rows=10):  # small data: untouched
        pass
    assert calls == []


def test_reuse_freed_memory_for_real():
    """On this machine's libc (glibc on Linux; elsewhere a no-op) the block runs and large
    temporaries give the same numbers."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal(5_000_000)
    expected = float(np.sum(np.tanh(x) * 2))
    with _memory.reuse_freed_memory(rows=len(x)):
        got = float(np.sum(np.tanh(x) * 2))
    assert got == expected
