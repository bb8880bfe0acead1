"""The fund's sections of the site page and the worklist, and its menu entries."""

from orienta.fund.tests.factories import make_fund_request


def test_the_site_page_shows_the_fund_position(login, users, fund_td):
    page = login(users["agent_td"]).get("/sites/TD-NDJ1/").content.decode()
    assert "fund-panel" in page and "10" in page
    assert "fund-panel" not in login(users["provider_user"]).get("/sites/").content.decode()


def test_the_manager_worklist_counts_decisions_waiting(login, world, users, persons, fund_td):
    make_fund_request(
        persons["person_td"], users["agent_td"], amount=500, provider=world["provider_org"]
    )
    users["manager_td"].language = "en"
    users["manager_td"].save()
    page = login(users["manager_td"]).get("/worklist/").content.decode()
    assert "1 request awaits your decision" in page
    agent_page = login(users["agent_td"]).get("/worklist/").content.decode()
    assert "awaits your decision" not in agent_page


def test_menu_entries(login, users, fund_td):
    assert 'href="/fund/"' in login(users["agent_td"]).get("/sites/").content.decode()
    provider_page = login(users["provider_user"]).get("/sites/").content.decode()
    assert 'href="/fund/statements/"' in provider_page and 'href="/fund/"' not in provider_page


def test_every_fund_template_loads():
    from pathlib import Path

    from django.conf import settings
    from django.template.loader import get_template

    folder = Path(settings.BASE_DIR) / "orienta" / "templates" / "fund"
    names = sorted(p.name for p in folder.glob("*.html"))
    assert len(names) >= 15
    for name in names:
        get_template(f"fund/{name}")
