"""Two checkouts compared request by request: which costs the server less CPU.

Two runs of the load test an hour apart on a shared machine differ by a third with the same
code: a change worth a few percent cannot be seen by comparing them. Here both checkouts serve
the bench database at once, each with one gunicorn worker; the load's operations are sent to
one then the other (the order alternating each round), and the CPU each worker spends on each
request is read from Linux's scheduler statistics (nanoseconds). Whatever slows the machine
slows both alike.
"""

import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from orienta.bench import load, server
from orienta.bench.network import PASSWORD

WARM_ROUNDS = 2  # not counted: templates compiled, connections opened, caches filled


@dataclass
class Worker:
    name: str
    server: server.Server
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time the worker has run, from /proc/<pid>/schedstat (ns, not clock ticks)."""
        return int(Path(f"/proc/{self.pid}/schedstat").read_text().split()[0]) / 1e9


@dataclass
class Comparison:
    rounds: int
    ms: dict[tuple[str, str], list[float]] = field(default_factory=dict)

    def mean(self, name: str, op: str) -> float:
        return statistics.mean(self.ms[name, op])


def operation_weights() -> dict[str, float]:
    """Each operation's share of the load test's requests: one user in MANAGER_EVERY is a
    manager running the manager's operations, the others the agents'."""
    manager = 1 / load.MANAGER_EVERY
    agent_ops = [op for op in load.OPERATIONS if op not in load.MANAGER_OPERATIONS]
    weights = {op: (1 - manager) / len(agent_ops) for op in agent_ops}
    weights |= {op: manager / len(load.MANAGER_OPERATIONS) for op in load.MANAGER_OPERATIONS}
    return weights


def weighted_mean(per_op: dict[str, float]) -> float:
    weights = operation_weights()
    return sum(per_op[op] * weights[op] for op in per_op) / sum(weights[op] for op in per_op)


def table(comparison: Comparison, names: tuple[str, str]) -> list[str]:
    """Markdown lines: each operation's mean CPU in each checkout and the change."""
    base, this = names
    lines = [
        f"| operation | {base} ms CPU | {this} ms CPU | change |",
        "|---|---:|---:|---:|",
    ]
    means: dict[str, dict[str, float]] = {base: {}, this: {}}
    for op in load.OPERATIONS:
        if (base, op) not in comparison.ms:
            continue
        a, b = comparison.mean(base, op), comparison.mean(this, op)
        means[base][op], means[this][op] = a, b
        lines.append(f"| {op} | {a:.1f} | {b:.1f} | {_change(a, b)} |")
    a, b = weighted_mean(means[base]), weighted_mean(means[this])
    lines.append(f"| **the load's mix** | **{a:.1f}** | **{b:.1f}** | **{_change(a, b)}** |")
    return lines


def _change(before: float, after: float) -> str:
    return f"{100 * (after - before) / before:+.1f} %"


def start(name: str, tree: Path, database_url: str) -> Worker:
    """gunicorn with one worker, serving the checkout `tree` (its code, this interpreter)."""
    port = server.free_port()
    log = Path("/tmp") / f"orienta-compare-{name}.log"
    command = [
        sys.executable, "-m", "gunicorn", "orienta.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", "1", "--chdir", str(tree),
        "--error-logfile", str(log),
    ]  # fmt: skip
    # Each checkout its own hashed static files (a page names those of its own version).
    env = server.server_env(database_url) | {"STATIC_ROOT": str(tree / "var" / "bench" / "static")}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--clear", "-v", "0"],
        env=env, cwd=tree, check=True,
    )  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=tree)
    live = server.Server(process, f"http://127.0.0.1:{port}", log, log)
    server.wait_ready(live)
    return Worker(name, live, _worker_pid(live))


def _worker_pid(live: server.Server) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        pids = server.worker_pids(live)
        if pids:
            return pids[0]
        time.sleep(0.2)
    raise RuntimeError("gunicorn started no worker")


def compare(workers: tuple[Worker, Worker], rounds: int, seed: int = 1) -> Comparison:
    """Every operation of an agent's and a manager's plan, `rounds` times on each worker."""
    plans = load.plan_users(load.MANAGER_EVERY, seed)
    agent, manager = plans[0], plans[load.MANAGER_EVERY - 1]
    sessions = {}
    for worker in workers:
        for plan in (agent, manager):
            session = load.Session(worker.server.base_url)
            session.log_in(plan.username, PASSWORD)
            if plan.role != manager.role:
                session.api_log_in(plan.username, PASSWORD)
            sessions[worker.name, plan.username] = session
    result = Comparison(rounds)
    for n in range(WARM_ROUNDS + rounds):
        order = workers if n % 2 == 0 else workers[::-1]
        for op in load.OPERATIONS:
            plan = manager if op in load.MANAGER_OPERATIONS else agent
            for worker in order:
                rng = random.Random(f"{seed}:{n}:{op}")  # the same request on both
                before = worker.cpu_seconds()
                response = load.perform(sessions[worker.name, plan.username], plan, op, rng)
                time.sleep(0.002)  # the worker finishes its bookkeeping after answering
                spent = (worker.cpu_seconds() - before) * 1000
                if response.status != load.EXPECTED.get(op, 200):
                    raise RuntimeError(f"{worker.name}: {op} answered HTTP {response.status}")
                if n >= WARM_ROUNDS:
                    result.ms.setdefault((worker.name, op), []).append(spent)
    for session in sessions.values():
        session.close()
    return result
