"""The demo data set: demo mode only, loaded once, with working accounts and six lived months.

Loading takes several seconds, so the demo is loaded once for all the tests that read it
(`demo_data`, see orienta/testing/shared.py); each test still runs in its own savepoint.
"""

from datetime import datetime, timedelta
from datetime import time as clock
from io import StringIO
from zoneinfo import ZoneInfo

import phonenumbers
import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from orienta.core.models import Area, Event, Organisation, Role, Site, User
from orienta.demo.data import SITES
from orienta.frontdesk.models import Visit
from orienta.people.models import Household, HouseholdMember, Person
from orienta.people.queries import person_candidates
from orienta.people.services import IDENTITY_FIELDS
from orienta.testing.shared import HASHERS  # the demo passwords were hashed with these

MODELS = (Area, Organisation, Site, User, Person, Household, HouseholdMember, Visit, Event)

ACCOUNTS = {  # username: role, sites, country
    "agent-td": (Role.AGENT, {"TD-NDJ1"}, "TD"),
    "manager-td": (Role.MANAGER, {"TD-NDJ1"}, "TD"),
    "agent-td2": (Role.AGENT, {"TD-MOU1"}, "TD"),
    "coordinator-td": (Role.COORDINATOR, set(), "TD"),
    "agent-mz": (Role.AGENT, {"MZ-MPM1"}, "MZ"),
    "agent-mz2": (Role.AGENT, {"MZ-BEI1"}, "MZ"),
    "coordinator-mz": (Role.COORDINATOR, set(), "MZ"),
    "agent-gw": (Role.AGENT, {"GW-BIS1"}, "GW"),
    "agent-gw2": (Role.AGENT, {"GW-GAB1"}, "GW"),
    "provider-td": (Role.PROVIDER, set(), "TD"),
    "cso-td": (Role.CSO, set(), "TD"),
    "me-hq": (Role.ME, set(), None),
    "admin": (Role.ADMIN, set(), None),
}
SITE_CODES = {"TD-NDJ1", "TD-MOU1", "MZ-MPM1", "MZ-BEI1", "GW-BIS1", "GW-GAB1"}


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_refuses_to_run_outside_demo_mode(db):
    before = counts()
    with (
        override_settings(DEMO=False),
        pytest.raises(CommandError, match="never loaded outside demo mode"),
    ):
        call_command("load_demo", stdout=StringIO())
    assert counts() == before


@override_settings(PASSWORD_HASHERS=HASHERS)
def test_demo_accounts_log_in_with_the_demo_password(demo_data):
    for username, (role, sites, country) in ACCOUNTS.items():
        user = authenticate(username=username, password="orienta-demo")
        assert user is not None, username
        assert user.role == role, username
        assert {s.code for s in user.sites.all()} == sites, username
        assert (user.country.code if user.country else None) == country, username
        assert user.is_staff == user.is_superuser == (username == "admin"), username
        assert user.first_name and user.last_name and user.language == "", username
    assert authenticate(username="agent-td", password="wrong-password") is None


def test_every_site_is_set_up_with_local_data(demo_data):
    sites = Site.objects.select_related("country", "area", "organisation")
    assert {s.code for s in sites} == SITE_CODES
    for site in sites:
        assert site.name.startswith("BIOSP ") and site.address and site.opening_hours
        assert site.timezone == site.country.timezone
        assert site.area.country_id == site.organisation.country_id == site.country_id
        assert site.staff.filter(role=Role.AGENT).exists(), site.code
    assert Area.objects.filter(level=2, parent__code="TD-ND").count() == 10
    for kind in ("cso", "public"):
        for code in ("TD", "MZ", "GW"):
            assert Organisation.objects.filter(kind=kind, country__code=code).exists()


def test_about_300_persons_mostly_in_households(demo_data):
    persons = Person.objects.all()
    assert 280 <= persons.count() <= 320
    for code in SITE_CODES:
        assert persons.filter(site__code=code).count() >= 30, code
    in_household = HouseholdMember.objects.filter(left_on__isnull=True).count()
    assert in_household >= 0.9 * persons.count()
    assert persons.filter(sex="female").count() > persons.count() / 2
    assert persons.filter(birth_date_estimated=True).exists()
    assert persons.filter(migration_status="refugee", site__country__code="TD").exists()
    assert persons.filter(migration_status="idp", site__country__code="MZ").exists()
    without_birth_certificate = [p for p in persons if "birth_certificate" not in p.documents]
    assert len(without_birth_certificate) > persons.count() / 2
    assert persons.filter(consent_processing=True).count() > 0.9 * persons.count()


def test_six_months_of_visits_with_visits_today_and_anonymous_ones(demo_data):
    now = timezone.now()
    visits = Visit.objects.all()
    registered = visits.filter(person__isnull=False).count()
    assert 3 <= registered / Person.objects.count() <= 6
    assert not visits.filter(occurred_at__gt=now).exists()
    assert visits.filter(occurred_at__lt=now - timedelta(days=150)).exists()
    for site in Site.objects.all():
        tz = ZoneInfo(site.timezone)
        start = datetime.combine(now.astimezone(tz).date(), clock.min, tzinfo=tz)
        at_site = visits.filter(site=site)
        assert at_site.filter(occurred_at__gte=start).exists(), site.code
        assert at_site.filter(person__isnull=True).exclude(anonymous_sex="").exists(), site.code
        assert at_site.filter(person__isnull=False).exists(), site.code


def test_past_visits_fall_within_opening_hours(demo_data):
    hours = {spec.code: spec.hours for specs in SITES.values() for spec in specs}
    now = timezone.now()
    for visit in Visit.objects.select_related("site"):
        local = visit.occurred_at.astimezone(ZoneInfo(visit.site.timezone))
        if local.date() == now.astimezone(local.tzinfo).date():
            continue  # today's visits: whatever part of the day has passed
        opening, closing = hours[visit.site.code][local.weekday()]
        assert opening <= local.strftime("%H:%M") <= closing, (visit.site.code, local)


def test_every_phone_is_a_valid_e164_number(demo_data):
    phones = [p for pair in Person.objects.values_list("phone", "phone_alt") for p in pair if p]
    phones += [p for p in Organisation.objects.values_list("phone", flat=True) if p]
    assert len(phones) > 100
    for phone in phones:
        number = phonenumbers.parse(phone, None)
        assert phonenumbers.is_valid_number(number), phone
        assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == phone


def test_near_duplicates_are_found_by_the_duplicate_check(demo_data):
    agent = User.objects.get(username="agent-td")
    second = Person.objects.get(site__code="TD-NDJ1", given_name="Mohamed", family_name="Abakar")
    query = {field: getattr(second, field) for field in IDENTITY_FIELDS}
    found = [p for p, _result in person_candidates(agent, query, exclude=second)]
    assert [p.full_name for p in found][:1] == ["Mahamat Abakar"]
    assert found[0].phone == second.phone


def test_loading_twice_changes_nothing(demo_data):
    assert "Demo data loaded" in demo_data
    before = counts()
    out = StringIO()
    with override_settings(DEMO=True):
        call_command("load_demo", stdout=out)
    assert out.getvalue().strip() == "Demo data already loaded."
    assert counts() == before
