"""The scale benchmark compares each build with the bare parse run beside it."""

import pytest

from bench.run import paired_ratio


def test_each_build_is_compared_with_the_baseline_run_beside_it():
    # The machine is five times slower in the second round: each round alone says 0.80.
    assert paired_ratio([10.0, 50.0], [8.0, 40.0]) == pytest.approx((0.8, 0.8, 0.8))
    # Rounds pair by position: the same times paired the other way round disagree wildly.
    assert paired_ratio([10.0, 50.0], [40.0, 8.0]) == pytest.approx((2.08, 0.16, 4.0))


def test_the_range_shows_how_far_the_rounds_disagree():
    median, lowest, highest = paired_ratio([10.0, 10.0, 10.0], [7.0, 9.0, 8.0])
    assert (median, lowest, highest) == pytest.approx((0.8, 0.7, 0.9))


def test_every_build_needs_a_baseline_run():
    with pytest.raises(ValueError, match="one baseline run for each build"):
        paired_ratio([10.0, 12.0], [8.0])
    with pytest.raises(ValueError):
        paired_ratio([], [])
