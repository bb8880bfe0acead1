"""The demo's families: an instrument per country, and assessed, accompanied, reassessed
households at every site, some due for reassessment."""

from orienta.core.models import Country, User
from orienta.families.models import Assessment, Enrolment, Instrument
from orienta.families.queries import due_reassessments


def test_every_country_has_an_instrument_and_every_site_assessed_families(demo_data):
    countries = set(Country.objects.filter(sites__isnull=False).values_list("code", flat=True))
    assert set(Instrument.objects.current().values_list("country__code", flat=True)) == countries
    assert set(Instrument.objects.values_list("rule", flat=True)) == {"weighted", "counting"}
    for site_code in ("TD-NDJ1", "TD-MOU1", "MZ-MPM1"):
        assessed = Assessment.objects.filter(site__code=site_code)
        assert assessed.values("household").distinct().count() >= 5, site_code
        enrolments = Enrolment.objects.filter(site__code=site_code)
        assert enrolments.filter(status="active").exists(), site_code
        assert enrolments.filter(exit_reason="graduated").exists(), site_code
        reassessed = [
            h
            for h in enrolments.values_list("household", flat=True)
            if Assessment.objects.filter(household=h).count() >= 2
        ]
        assert reassessed, site_code


def test_agent_td_has_reassessments_due(demo_data):
    from orienta.cases.queries import site_today

    agent = User.objects.get(username="agent-td")
    sites = list(agent.sites.all())
    assert due_reassessments(agent, sites, site_today(sites[0])).exists()
