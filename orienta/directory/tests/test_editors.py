"""Who may edit which country's directory, and which organisations site staff work with: read
from the user's sites (once a request), the same answers as the queries they replace."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from orienta.core.models import Country, Organisation
from orienta.core.scoping import organisation_filter
from orienta.directory.services import can_edit, editable_countries


def test_can_edit_answers_as_the_editable_countries_for_every_role(world, users):
    for user in users.values():
        countries = editable_countries(user)
        assert can_edit(user) == countries.exists(), user.username
        for country in Country.objects.all():
            expected = countries.filter(pk=country.pk).exists()
            assert can_edit(user, country) == expected, (user.username, country.code)


def test_a_manager_of_sites_in_two_countries_edits_both_without_a_query(world, users):
    manager = users["manager_td"]
    assert can_edit(manager, world["td"]) and not can_edit(manager, world["mz"])
    manager.sites.add(world["sites"]["mz"])  # the user object's copy of its sites is dropped
    with CaptureQueriesContext(connection) as ctx:
        assert can_edit(manager, world["mz"])
    assert len(ctx) == 1  # the sites, read once
    with CaptureQueriesContext(connection) as ctx:
        assert can_edit(manager) and can_edit(manager, world["td"])
    assert len(ctx) == 0
    assert set(editable_countries(manager)) == {world["td"], world["mz"]}
    manager.sites.clear()
    assert not can_edit(manager) and not editable_countries(manager).exists()


def test_site_staff_work_with_the_organisations_of_their_sites_countries(world, users):
    for name in ("agent_td", "agent_td2", "agent_mz", "manager_td"):
        user = users[name]
        expected = Organisation.objects.filter(country__in=user.sites.values("country"))
        found = Organisation.objects.filter(organisation_filter(user))
        assert set(found) == set(expected) and expected.exists(), name
    agent = users["agent_td"]
    agent.sites.set([])
    assert not Organisation.objects.filter(organisation_filter(agent)).exists()
