"""Every figure regenerates from scratch, and the same mode and seed give identical arrays."""
import numpy as np
import pytest
from conftest import quick_data

from figgen.core import runner
from figgen.core.paths import figure_names


@pytest.mark.slow  # a second run of every figure
@pytest.mark.parametrize("name", figure_names())
def test_quick_mode_is_deterministic(name):
    first, meta = quick_data(name)  # the run the chapter's own checks use
    second, _ = runner.run_compute(name, "quick", device="cpu")
    assert first.keys() == second.keys() and first
    for key in first:
        a, b = np.asarray(first[key]), np.asarray(second[key])
        assert a.shape == b.shape and a.dtype == b.dtype, key
        assert np.array_equal(a, b, equal_nan=False), f"{name}: data[{key!r}] differs between two runs"
    assert meta["mode"] == "quick" and meta["seed"] is not None
