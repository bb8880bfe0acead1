"""The machine's speed is measured around the load run and written with its CPU figure."""

from orienta.bench import report
from orienta.bench.calibrate import calibration_ms


def test_the_reference_workload_takes_some_cpu():
    assert calibration_ms(rounds=1) > 0


def test_the_report_gives_the_machine_speed_beside_the_cpu_per_request():
    load = {"calibration_ms": [121.5, 130.25]}
    assert report._speed(load) == (
        "; machine speed: the reference workload took 121.5 ms before the run, 130.25 after"
    )
    assert "took 121.5 ms of CPU before the run and 130.25 ms after" in report._speed_sentence(load)


def test_a_report_of_an_older_run_has_no_speed():
    assert report._speed({}) == ""
    assert report._speed_sentence({}) == ""
