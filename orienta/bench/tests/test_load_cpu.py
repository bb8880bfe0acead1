"""The load's CPU figure counts the timed requests only, not the sign-in before them."""

from orienta.bench import load


class _Session:
    def close(self) -> None:
        pass


def test_the_cpu_count_starts_after_every_user_signed_in(monkeypatch):
    events: list[str] = []

    def log_in(base_url, plan, password, result):
        events.append(f"sign-in {plan.username}")
        return _Session()

    def perform(session, plan, op, rng):
        events.append("request")
        return None

    monkeypatch.setattr(load, "_log_in", log_in)
    monkeypatch.setattr(load, "perform", perform)
    monkeypatch.setattr(load.LoadResult, "record", lambda self, op, response, error="": None)
    plans = [
        load.UserPlan(
            username=f"agent-{i}", site_code="S", person_ids=(), family_name="", identities=()
        )
        for i in range(3)
    ]
    load.run_load("http://127.0.0.1:1", plans, password="-", seconds=0.05, max_requests=10,
                  on_start=lambda: events.append("start"))  # fmt: skip
    start = events.index("start")
    assert sorted(events[:start]) == ["sign-in agent-0", "sign-in agent-1", "sign-in agent-2"]
    assert events.count("start") == 1
    assert "request" in events[start:]
