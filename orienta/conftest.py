"""Named people and places shared by every test (like healthchecks' alice, bob, charlie).

Sites: TD-NDJ1 and TD-MOU1 in Chad, MZ-MPM1 in Mozambique.
Users: agent_td and manager_td (TD-NDJ1), agent_td2 (TD-MOU1), coordinator_td (Chad),
agent_mz (MZ-MPM1), coordinator_mz, me_hq, admin_user, provider_user.
Persons: person_td (TD-NDJ1), person_td2 (TD-MOU1), person_mz (MZ-MPM1).
"""

import datetime

import pytest
from django.test import Client

from orienta.core.models import Area, Country, Organisation, Role, Site, User

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is sized for real logins; tests hash dozens of passwords each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    td, mz = Country.objects.get(code="TD"), Country.objects.get(code="MZ")
    ndj = Area.objects.create(country=td, level=1, code="TD-ND", name="N'Djamena")
    ndj5 = Area.objects.create(
        country=td, level=2, parent=ndj, code="TD-ND-5", name="5e arrondissement"
    )
    logone = Area.objects.create(country=td, level=1, code="TD-LO", name="Logone Occidental")
    maputo = Area.objects.create(country=mz, level=1, code="MZ-MPM", name="Maputo Cidade")
    org_td = Organisation.objects.create(
        name="Association Tchad Solidarité", kind="cso", country=td
    )
    org_mz = Organisation.objects.create(name="Associação Kuvumbana", kind="cso", country=mz)
    provider_org = Organisation.objects.create(
        name="Centre de santé de Chagoua", kind="public", country=td
    )
    sites = {
        "td": Site.objects.create(
            code="TD-NDJ1",
            name="BIOSP Chagoua",
            country=td,
            area=ndj,
            organisation=org_td,
            timezone="Africa/Ndjamena",
        ),
        "td2": Site.objects.create(
            code="TD-MOU1",
            name="BIOSP Moundou",
            country=td,
            area=logone,
            organisation=org_td,
            timezone="Africa/Ndjamena",
        ),
        "mz": Site.objects.create(
            code="MZ-MPM1",
            name="BIOSP Chamanculo",
            country=mz,
            area=maputo,
            organisation=org_mz,
            timezone="Africa/Maputo",
        ),
    }
    return {
        "td": td,
        "mz": mz,
        "area_td": ndj,
        "area_td2": ndj5,
        "area_mz": maputo,
        "provider_org": provider_org,
        "sites": sites,
    }


def _user(username, role, *, sites=(), country=None, organisation=None, **extra):
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        country=country,
        organisation=organisation,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
        **extra,
    )
    user.sites.set(sites)
    return user


@pytest.fixture
def users(world):
    s = world["sites"]
    return {
        "agent_td": _user("agent_td", Role.AGENT, sites=[s["td"]]),
        "agent_td2": _user("agent_td2", Role.AGENT, sites=[s["td2"]]),
        "manager_td": _user("manager_td", Role.MANAGER, sites=[s["td"]]),
        "coordinator_td": _user("coordinator_td", Role.COORDINATOR, country=world["td"]),
        "agent_mz": _user("agent_mz", Role.AGENT, sites=[s["mz"]]),
        "coordinator_mz": _user("coordinator_mz", Role.COORDINATOR, country=world["mz"]),
        "me_hq": _user("me_hq", Role.ME),
        "admin_user": _user("admin_user", Role.ADMIN),
        "provider_user": _user("provider_user", Role.PROVIDER, organisation=world["provider_org"]),
    }


@pytest.fixture
def persons(world, users):
    from orienta.people.services import person_register

    def reg(site, by, **data):
        base = {"sex": "female", "migration_status": "national", "documents": []}
        return person_register(site=site, by=by, data=base | data)

    s = world["sites"]
    return {
        "person_td": reg(
            s["td"],
            users["agent_td"],
            given_name="Achta",
            family_name="Mahamat",
            birth_date=datetime.date(1990, 5, 4),
            phone="+23566123456",
        ),
        "person_td2": reg(
            s["td2"],
            users["agent_td2"],
            given_name="Ngarta",
            family_name="Ndoubabé",
            sex="male",
            birth_date=datetime.date(1985, 1, 9),
        ),
        "person_mz": reg(
            s["mz"],
            users["agent_mz"],
            given_name="Joana",
            family_name="Macuácua",
            birth_date=datetime.date(2001, 3, 2),
            phone="+258841234567",
        ),
    }


@pytest.fixture
def login():
    """A logged-in test client for a user: login(user)."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make
