"""The demo's cases: made through the services, some sensitive, some closed, and a worklist
with something due for agent-td."""

from orienta.cases.models import Case, CaseAction, Status
from orienta.cases.queries import worklist
from orienta.core.models import User


def test_every_site_has_cases_some_sensitive_some_closed(demo_data):
    for site_code in ("TD-NDJ1", "TD-MOU1", "MZ-MPM1"):
        cases = Case.objects.filter(site__code=site_code)
        assert cases.count() >= 5, site_code
        assert cases.filter(status=Status.CLOSED).exclude(closure_reason="").exists(), site_code
        assert cases.exclude(status=Status.CLOSED).exists(), site_code
        assert all(c.code.startswith(f"{site_code}-C-") for c in cases)
    assert Case.objects.filter(sensitive=True).exists()
    assert not Case.objects.filter(visit__isnull=True).exists()
    assert all(c.opened_at == c.visit.occurred_at for c in Case.objects.select_related("visit"))


def test_the_worklist_of_agent_td_has_work(demo_data):
    agent = User.objects.get(username="agent-td")
    work = worklist(agent, agent.sites.all())
    counts = {s.key: s.count for s in work.sections}
    assert counts["due_today"] > 0 and counts["overdue"] > 0, counts
    assert counts["no_contact"] > 0, counts
    assert CaseAction.objects.filter(case__responsible=agent).exists()
