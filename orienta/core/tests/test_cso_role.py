"""The partner CSO staff role: an organisation's own work, no person's record, no site."""

import pytest
from django.core.exceptions import ValidationError

from orienta.core.access import can_read_persons, is_cso_staff, role_reach
from orienta.core.models import Organisation, Role, Site, User
from orienta.core.scoping import organisation_filter, site_filter
from orienta.people.models import Person


def test_a_cso_staff_member_needs_a_cso(world):
    user = User(username="nobody", role=Role.CSO)
    with pytest.raises(ValidationError) as refused:
        user.clean()
    assert "organisation" in refused.value.message_dict
    user.organisation = world["provider_org"]  # a public health centre, not a CSO
    with pytest.raises(ValidationError):
        user.clean()
    user.organisation = world["org_td"]
    user.clean()


def test_a_cso_staff_member_reaches_their_organisation_only(users, world):
    cso = users["cso_td"]
    assert is_cso_staff(cso) and role_reach(cso.role) == "organisation"
    assert list(Organisation.objects.filter(organisation_filter(cso))) == [world["org_td"]]
    assert not Site.objects.filter(site_filter(cso)).exists()


def test_a_cso_staff_member_reads_no_person(users, persons):
    cso = users["cso_td"]
    assert not can_read_persons(cso)
    assert not Person.objects.visible_to(cso).exists()
