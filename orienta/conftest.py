"""Named people and places shared by every test (like healthchecks' alice, bob, charlie).

Sites: TD-NDJ1 and TD-MOU1 in Chad, MZ-MPM1 in Mozambique.
Users: agent_td and manager_td (TD-NDJ1), agent_td2 (TD-MOU1), coordinator_td (Chad),
agent_mz (MZ-MPM1), coordinator_mz, me_hq, admin_user, provider_user.
Persons: person_td (TD-NDJ1), person_td2 (TD-MOU1), person_mz (MZ-MPM1).

The users whose role requires two-factor authentication (manager, coordinators, M&E, admin)
have a confirmed TOTP device; `login(user)` and `force_login_verified(client, user)` give a
session already verified by it, as after entering the code.

Every test runs on the test clock (`clock`, starting at a working morning, see
orienta/testing/clock.py) with its own MEDIA_ROOT and cache. The world with its users, the world
with its users and persons, and the demo (`demo_data`) are data sets loaded once for the tests
that read them, an hour before the morning (orienta/testing/shared.py); a test that commits for
real gets the world, users and persons made for itself.
"""

import datetime
import pickle
from importlib import import_module
from io import StringIO

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from orienta.accounts.twofactor import otp_required
from orienta.core.models import Area, Country, Organisation, Role, Site, Theme, User
from orienta.lib import runtime
from orienta.people.services import person_register
from orienta.testing import clock as test_clock
from orienta.testing import shared
from orienta.testing.flush import use_delete_to_flush

PASSWORD = "a-long-test-password"

# The test client and the live server of the browser tests speak plain HTTP; outside tests,
# production redirects it to HTTPS. Set at import, before the live server loads its middleware.
settings.SECURE_SSL_REDIRECT = False

# On PostgreSQL, the flush after each test that commits deletes the rows rather than truncating
# the tables (orienta/testing/flush.py). At import, as tests/conftest.py imports this module.
if connection.vendor == "postgresql":
    use_delete_to_flush()


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Each test starts with an empty cache of its own (rate limits count per test); results'
    figures are computed anew on each request unless a test keeps them."""
    settings.ORIENTA_RESULTS_CACHE_SECONDS = 0
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "t",
            "OPTIONS": {"MAX_ENTRIES": settings.CACHE_MAX_ENTRIES},
        }
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def clock():
    """The test clock, at `MORNING` when the test starts and running on from there: "today" is
    the same date in UTC and at every site whenever the suite runs. `clock.move_to(when)` and
    `clock.shift(timedelta)` move it; `stopped_clock` stops it."""
    with test_clock.travel(test_clock.MORNING) as traveller:
        yield traveller


@pytest.fixture
def stopped_clock(clock):
    """The test clock standing still at `MORNING` (listed first, before the data is made)."""
    with test_clock.travel(test_clock.MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded, exported and generated files go to the test's own folder, never var/media
    (tests run in parallel)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def users_in_english(monkeypatch):
    """Every user reads the pages in English (the catalogues are checked in core's tests)."""
    monkeypatch.setattr(User, "preferred_language", lambda self: "en")


@pytest.fixture
def in_english(users_in_english, settings):
    """Every user and API caller works in English, and so does code run outside a request."""
    settings.LANGUAGE_CODE = "en"  # API callers that send no Accept-Language
    with translation.override("en"):
        yield


@pytest.fixture(scope="session")
def _compiled_catalogues(tmp_path_factory):
    """The committed catalogues (locale/*/django.po) compiled, once for the tests that read them."""
    root = tmp_path_factory.mktemp("locale")
    for language, _name in settings.LANGUAGES:
        target = root / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        source = settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
        with open(source, "rb") as po, open(target / "django.mo", "wb") as mo:
            write_mo(mo, read_po(po, locale=language))
    return root


@pytest.fixture
def compiled_catalogues(settings, _compiled_catalogues):
    """The pages speak the committed catalogues: they are checked against them, never against
    stale .mo files."""
    settings.LOCALE_PATHS = [_compiled_catalogues]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is sized for real logins; tests hash dozens of passwords each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _seed_again() -> None:
    """The rows `migrate` seeds (countries, themes, the OCA tool), back if a transactional test
    flushed them."""
    if not Country.objects.exists():
        import_module("orienta.core.migrations.0002_seed_countries").seed(apps, None)
    if not Theme.objects.exists():
        import_module("orienta.frontdesk.migrations.0002_seed_themes").seed_into(Theme)
    import_module("orienta.partners.migrations.0002_seed_oca_tool").seed(apps, None)


def _made_outside_the_models() -> None:
    """What a migration makes in the database that no model declares: the trigram indexes on
    the names, on PostgreSQL (people 0007; nothing on SQLite). The backup drill compares a
    migrated database with the suite's, so a migration that adds such a thing needs its line
    here."""
    with connection.schema_editor() as editor:
        import_module("orienta.people.migrations.0007_name_trigram_indexes").create(apps, editor)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test databases, with the rows `migrate` seeds: the suite builds the schema from the
    models (`--nomigrations`: `makemigrations --check` keeps the two the same, and the backup
    drill applies the migrations themselves and compares the schemas), which seeds nothing."""
    with django_db_blocker.unblock():
        _seed_again()
        _made_outside_the_models()


# ---------------------------------------------------------------------------------------------
# Data sets loaded once for the tests that read them (see orienta/testing/shared.py)
# ---------------------------------------------------------------------------------------------


def _load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


DEMO = shared.SharedData("demo", _load_demo, settings_={"DEMO": True})


@pytest.fixture(scope="session")
def _demo(django_db_setup, django_db_blocker):
    yield from DEMO.session(django_db_blocker)


@pytest.fixture
def demo_data(_demo, db):
    """The demo data set (`manage.py load_demo`: six sites, about 300 persons, six months of
    work), loaded once for all the tests that read it; each test's writes are rolled back.
    Its value is what the command printed."""
    return DEMO.value


def pytest_collection_finish(session):
    """The code and the tests are loaded: the garbage collector as in production
    (orienta/lib/runtime.py)."""
    runtime.settle()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """The tests reading a shared data set first, each data set's together: each is loaded once.
    With pytest-xdist (`-n`), the first batch a worker is sent is consecutive tests, so one
    worker reads them all (`--dist loadgroup` would say so, but does not group with pytest 9.2:
    pytest-xdist#1386)."""
    groups: dict[str, list] = {data.name: [] for data in shared.ALL}
    others = []
    for item in items:
        data = shared.reading(item)
        (others if data is None else groups[data.name]).append(item)
    items[:] = [item for group in groups.values() for item in group] + others


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A test reading a data set that was rolled back since (other tests ran in between): the
    data set is loaded again, before the test's fixtures."""
    data = shared.reading(item)
    if data is not None and data.blocker is not None:
        data.open()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the last of consecutive tests reading a data set, the data set is rolled back."""
    try:
        return (yield)
    finally:
        for data in shared.ALL:
            if data.is_open and (nextitem is None or not data.read_by(nextitem)):
                data.close()


def make_world() -> dict:
    """Chad and Mozambique, three sites, their areas and organisations."""
    _seed_again()
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
        "org_td": org_td,
        "org_mz": org_mz,
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
    if otp_required(user):
        TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
    return user


def force_login_verified(client: Client, user: User, backend: str | None = None) -> Client:
    """client.force_login(user), with the session verified by the user's device, if any."""
    Client.force_login(client, user, backend)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


class VerifiedLoginClient(Client):
    """Django's test client, whose force_login(user) also passes two-factor, like login(user)."""

    def force_login(self, user, backend=None):
        force_login_verified(self, user, backend)


@pytest.fixture
def client():
    """pytest-django's `client`, with force_login past two-factor (see VerifiedLoginClient).

    A test of the two-factor steps themselves signs in with a plain `Client()`.
    """
    return VerifiedLoginClient()


def make_users(world: dict) -> dict:
    """A user of each role (see the module's docstring)."""
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
        "cso_td": _user("cso_td", Role.CSO, organisation=world["org_td"]),
    }


def make_persons(world: dict, users: dict) -> dict:
    """A person at each of the three sites, registered by its agent."""

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


def _people(persons: bool) -> dict:
    world = make_world()
    users = make_users(world)
    return {
        "world": world,
        "users": users,
        "persons": make_persons(world, users) if persons else None,
    }


# The world and its users, and the world, its users and its persons: two data sets shared by
# the tests that read them, as the demo is (they are most of the suite). A test that commits
# for real gets them made for itself.
USERS = shared.SharedData(
    "users",
    lambda: _people(persons=False),
    reads=lambda item: (
        "users" in getattr(item, "fixturenames", ())
        and "persons" not in item.fixturenames
        and not shared.transactional(item)
    ),
)
PERSONS = shared.SharedData(
    "persons",
    lambda: _people(persons=True),
    reads=lambda item: (
        "persons" in getattr(item, "fixturenames", ()) and not shared.transactional(item)
    ),
)
_PEOPLE_COPY = pytest.StashKey[dict]()
# Each data set's objects, pickled, with the load they come from.
_PICKLED: dict[str, tuple[int, bytes]] = {}


@pytest.fixture(scope="session")
def _people_sets(request, django_db_setup, django_db_blocker):
    """The blocker for the two data sets; the first test to read one opens it here, before its
    own transaction (a session fixture is set up before the test's)."""
    for data in (USERS, PERSONS):
        data.blocker = django_db_blocker
    # The test this session fixture is set up for (pytest gives it no public name).
    first = shared.reading(request._pyfuncitem)
    if first in (USERS, PERSONS):
        first.open()
    yield
    for data in (USERS, PERSONS):
        data.close()


def _shared_people(request) -> dict | None:
    """The test's own copy of the data set it reads (None if it reads neither): each fixture
    hands out its part of one copy, so the objects refer to each other as when made for the
    test, and nothing a test changes in memory reaches the next."""
    data = shared.reading(request.node)
    if data not in (USERS, PERSONS):
        return None
    stash = request.node.stash
    if _PEOPLE_COPY not in stash:
        assert data.is_open, f"the {data.name} data set is not loaded"
        loads, pickled = _PICKLED.get(data.name, (0, b""))
        if loads != data.loads:  # pickled once a load: unpickling is the cheap copy
            loads, pickled = data.loads, pickle.dumps(data.value)
            _PICKLED[data.name] = (loads, pickled)
        stash[_PEOPLE_COPY] = pickle.loads(pickled)
    return stash[_PEOPLE_COPY]


@pytest.fixture
def world(request, _people_sets, db):
    people = _shared_people(request)
    return make_world() if people is None else people["world"]


@pytest.fixture
def users(request, world):
    people = _shared_people(request)
    return make_users(world) if people is None else people["users"]


@pytest.fixture
def persons(request, world, users):
    people = _shared_people(request)
    return make_persons(world, users) if people is None else people["persons"]


@pytest.fixture
def login():
    """A logged-in test client for a user, past two-factor if they have it: login(user)."""

    def make(user):
        return force_login_verified(Client(), user)

    return make
