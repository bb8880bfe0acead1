"""The generated network: deterministic for a seed, plausible, and within the registry's rules."""

from collections import Counter
from datetime import UTC, date, datetime

import pytest
from django.db import transaction
from django.db.models import Count, Min, Q

from orienta.bench.generate import RegistryNotEmpty, generate
from orienta.bench.network import build_network
from orienta.core.models import Role, Site, User
from orienta.demo.data import POOLS
from orienta.frontdesk.models import Visit
from orienta.lib.phones import to_e164
from orienta.people import matching
from orienta.people.models import (
    ConsentEvent,
    Household,
    HouseholdMember,
    Person,
    PersonMatchKey,
    Relationship,
)
from orienta.people.queries import person_candidates
from orienta.people.services import IDENTITY_FIELDS, identity_of, person_register
from orienta.testing.shared import SharedData

NOW = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
PERSONS, SITES = 300, 3
COUNTRY_POOLS = {
    "TD": ("td_north", "td_south", "car"),
    "MZ": ("mz_south", "mz_centre", "mz_north"),
    "GW": ("gw_east", "gw_coast"),
}


def _generate(seed: int = 7):
    return generate(persons=PERSONS, seed=seed, sites=SITES, years=2, now=NOW)


def _snapshot() -> list[tuple]:
    fields = ("code", "given_name", "family_name", "sex", "birth_date", "phone")
    return list(Person.objects.order_by("code").values_list(*fields))


# Generated once for all the tests that read it (see orienta/testing/shared.py).
NETWORK = SharedData("network", _generate)


@pytest.fixture(scope="session")
def _network(django_db_setup, django_db_blocker):
    yield from NETWORK.session(django_db_blocker)


@pytest.fixture
def generated(_network, db):
    return NETWORK.value


def test_the_same_seed_gives_the_same_network(db):
    with transaction.atomic():
        first = _generate()
        persons, visits = _snapshot(), Visit.objects.count()
        transaction.set_rollback(True)
    assert Person.objects.count() == 0
    second = _generate()
    assert _snapshot() == persons
    assert Visit.objects.count() == visits
    assert second.pairs == first.pairs


def test_another_seed_gives_other_people(db):
    with transaction.atomic():
        _generate(seed=7)
        persons = _snapshot()
        transaction.set_rollback(True)
    _generate(seed=8)
    assert _snapshot() != persons


def test_it_refuses_a_registry_that_holds_persons(generated):
    with pytest.raises(RegistryNotEmpty):
        _generate()


def test_sites_spread_over_the_three_countries_with_staff(db):
    network = build_network(sites=30, seed=1, now=NOW)
    codes = [b.site.code for b in network]
    assert len(set(codes)) == 30
    assert Counter(code[:2] for code in codes) == {"TD": 12, "MZ": 10, "GW": 8}
    assert "TD-NDJ2" in codes
    assert all(b.site.organisation.country_id == b.site.country_id for b in network)
    assert all(b.site.area.country_id == b.site.country_id for b in network)
    agents = User.objects.filter(role=Role.AGENT, sites__code="TD-NDJ2")
    assert agents.count() == 3


def test_names_come_from_the_pools_of_the_site_country(generated):
    seconds = {p["duplicate"] for p in generated.pairs}
    for person in Person.objects.exclude(code__in=seconds).select_related("site__country"):
        pools = [POOLS[key] for key in COUNTRY_POOLS[person.site.country.code]]
        names = {n for pool in pools for n in pool.male + pool.female + pool.family}
        assert person.given_name in names, person.code
        assert person.family_name in names, person.code


def test_nobody_is_registered_before_being_born_or_visits_before_registering(generated):
    for person in Person.objects.exclude(birth_date=None):
        assert person.birth_date <= person.created_at.date(), person.code
    first_visits = (
        Visit.objects.filter(person__isnull=False)
        .values("person")
        .annotate(first=Min("occurred_at"))
    )
    created = dict(Person.objects.values_list("pk", "created_at"))
    assert all(row["first"] >= created[row["person"]] for row in first_visits)


def test_phones_are_valid_for_the_country(generated):
    persons = Person.objects.exclude(phone="").select_related("site__country")
    assert persons.count() > PERSONS / 4
    for person in persons:
        assert to_e164(person.phone, person.site.country.code) == person.phone


def test_ages_are_skewed_young_and_sexes_mixed(generated):
    ages = [p.age_on(date(2026, 3, 2)) for p in Person.objects.exclude(birth_date=None)]
    assert sum(a < 25 for a in ages) / len(ages) > 0.4
    sexes = Counter(Person.objects.values_list("sex", flat=True))
    assert sexes["female"] > PERSONS / 3 and sexes["male"] > PERSONS / 4


def test_households_have_one_head_and_everyone_one_household(generated):
    sizes = Household.objects.annotate(n=Count("members")).values_list("n", flat=True)
    assert set(sizes) <= set(range(1, 9))
    heads = HouseholdMember.objects.filter(relationship=Relationship.HEAD)
    assert heads.count() == Household.objects.count()
    in_households = HouseholdMember.objects.filter(left_on__isnull=True)
    assert in_households.count() == in_households.values("person").distinct().count()
    # every person but the second records lives in a household
    assert in_households.count() == PERSONS - len(generated.pairs)


def test_codes_follow_the_site_counters_so_registration_goes_on(generated, settings):
    for site in Site.objects.filter(persons__isnull=False).distinct():
        assert site.persons.count() == site.person_seq
        assert site.households.count() == site.household_seq
    site = Site.objects.get(code=generated.site_codes[0])
    agent = User.objects.filter(role=Role.AGENT, sites=site).first()
    data = {"given_name": "Nouvelle", "family_name": "Personne", "sex": "female",
            "migration_status": "national", "documents": []}  # fmt: skip
    person = person_register(site=site, data=data, by=agent)
    assert person.code == f"{site.code}-{site.person_seq + 1:06d}"


def test_match_keys_are_those_registration_stores(generated):
    for person in Person.objects.order_by("code")[:60]:
        expected = matching.match_keys(identity_of(person))
        if person.phone_alt:
            expected |= matching.match_keys(matching.Identity(phone=person.phone_alt))
        rows = PersonMatchKey.objects.filter(person=person)
        assert set(rows.values_list("key", flat=True)) == {k[:40] for k in expected}, person.code
        assert set(rows.values_list("site", flat=True)) == {person.site_id}, person.code


def test_visits_are_about_three_per_person_with_anonymous_ones(generated):
    visits = Visit.objects.count()
    assert 2.0 <= visits / PERSONS <= 4.5
    anonymous = Visit.objects.filter(person__isnull=True)
    assert anonymous.exists()
    assert not anonymous.filter(Q(anonymous_sex="") | Q(anonymous_age_band="")).exists()
    assert not Visit.objects.filter(themes__isnull=True).exists()
    assert Visit.objects.filter(channel="fair").exists()
    assert Visit.objects.filter(occurred_at__date=NOW.date()).exists()  # the agent's day


def test_consent_given_is_in_the_consent_history(generated):
    consenting = Person.objects.filter(consent_processing=True)
    events = ConsentEvent.objects.filter(purpose="processing", given=True)
    assert events.count() == consenting.count() > 0


def test_true_duplicates_are_recorded_later_with_variations_and_are_found(generated):
    assert len(generated.pairs) == SITES * round(PERSONS / SITES * 0.02)
    codes = [p["original"] for p in generated.pairs] + [p["duplicate"] for p in generated.pairs]
    by_code = Person.objects.in_bulk(codes, field_name="code")
    for pair in generated.pairs:
        original, second = by_code[pair["original"]], by_code[pair["duplicate"]]
        assert second.site_id == original.site_id
        assert second.created_at > original.created_at
        assert pair["changes"]
        agent = User.objects.filter(role=Role.AGENT, sites=second.site_id).first()
        query = {name: getattr(second, name) for name in IDENTITY_FIELDS}
        found = [p.code for p, _r in person_candidates(agent, query, exclude=second)]
        assert original.code in found, pair
