"""How fast this machine runs Python now: a fixed pure-Python workload, timed in CPU.

The CPU a request costs depends on the machine as much as on the code: the same commit on the
same data has cost a third more an hour later on a shared machine. The load stage times this
workload before and after its run, so two reports can be compared: a run whose workload took
a third longer ran on a slower machine. The workload uses only the standard library (strings,
dictionaries, lists, sorting), so it does not change when Orienta's code does.
"""

import statistics
import time

ROUNDS = 5


def _workload() -> int:
    rows = [{"code": f"TD-{i:05d}", "name": f"Person {i % 97}", "age": i % 83} for i in range(6000)]
    index: dict[str, list[int]] = {}
    for row in rows:
        index.setdefault(row["name"], []).append(row["age"])
    ordered = sorted(rows, key=lambda row: (row["name"], -row["age"], row["code"]))
    text = "".join(f"<li>{row['code']} {row['name'].upper()}</li>" for row in ordered)
    return len(text) + sum(len(ages) for ages in index.values())


def calibration_ms(rounds: int = ROUNDS) -> float:
    """Milliseconds of CPU the workload takes, the median of `rounds` runs."""
    times = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(10):
            _workload()
        times.append((time.process_time() - started) * 1000)
    return round(statistics.median(times), 1)
