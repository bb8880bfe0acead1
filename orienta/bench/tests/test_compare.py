"""Comparing two checkouts: the operations weighed as in the load test, the table."""

import pytest

from orienta.bench import compare, load


def test_the_operations_weigh_as_their_share_of_the_load():
    weights = compare.operation_weights()
    assert set(weights) == set(load.OPERATIONS)
    assert sum(weights.values()) == pytest.approx(1)
    # One user in five is a manager with two operations; the others share eighteen.
    assert weights["fund_queue"] / weights["day"] == pytest.approx(
        (1 / 5 / 2) / (4 / 5 / (len(load.OPERATIONS) - 2))
    )


def test_the_table_gives_each_operation_and_the_mix():
    comparison = compare.Comparison(rounds=2)
    for op in load.OPERATIONS:
        comparison.ms["base", op] = [10.0, 30.0]
        comparison.ms["this", op] = [18.0, 18.0]
    comparison.ms["this", "day"] = [40.0, 40.0]
    lines = compare.table(comparison, ("base", "this"))
    assert lines[0] == "| operation | base ms CPU | this ms CPU | change |"
    assert "| day | 20.0 | 40.0 | +100.0 % |" in lines
    assert "| worklist | 20.0 | 18.0 | -10.0 % |" in lines
    day = compare.operation_weights()["day"]
    mix = 18 + 22 * day
    assert lines[-1] == (
        f"| **the load's mix** | **20.0** | **{mix:.1f}** | **{100 * (mix - 20) / 20:+.1f} %** |"
    )
