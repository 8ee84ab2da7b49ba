"""The multiplier bootstrap's signs (causal.estimate._bootstrap): each chunk's sum of signed
influence values, unpacked block by block, against the same signs unpacked at once in float64.

The reference is the definition: r_bi = 2 bit_bi - 1 from the chunk's random bytes (its own
seed), sum_i r_bi phi_i in float64. The tolerance (1e-5 relative to sum_i |phi_i|) is the
float32 rounding of phi (6e-8 per value), far below one sign's share of a sum of 8,192
(1e-4): a dropped, repeated or misaligned block of signs fails it.
"""

from __future__ import annotations

import numpy as np
import pytest

from causal.estimate._bootstrap import SIGN_BLOCK, _chunk_sum


@pytest.mark.parametrize("m", [8_192, 1_000, SIGN_BLOCK, 13, 1])
def test_chunk_sum_is_the_signed_sum_of_its_bytes(m):
    rng = np.random.default_rng(m)
    phi = rng.normal(size=(m, 2)).astype(np.float32)
    b = 300
    raw = np.random.default_rng(77).integers(0, 256, size=(b, (m + 7) // 8), dtype=np.uint8)
    signs = 2.0 * np.unpackbits(raw, axis=1, count=m).astype(float) - 1.0
    expected = signs @ phi.astype(float)
    got = _chunk_sum(phi, 77, b)
    scale = np.abs(phi.astype(float)).sum(0)
    assert got.shape == (b, 2)
    assert np.max(np.abs(got - expected) / scale) < 1e-5
