"""The search box: the most relevant persons first, a typo forgiven, the scope and the log kept."""

import pytest
from django.urls import reverse

from orienta.audit.models import AccessLogEntry
from orienta.people.matching import Identity, match_keys, search_closeness, search_keys
from orienta.people.models import Person
from orienta.people.queries import RankIn, person_search
from orienta.people.services import person_register


def _register(world, users, given, family, site="td", **data):
    agent = users["agent_td2"] if site == "td2" else users["agent_td"]
    base = {"sex": "male", "migration_status": "national", "documents": []}
    return person_register(
        site=world["sites"][site],
        by=agent,
        data=base | {"given_name": given, "family_name": family} | data,
    )


def _names(user, q):
    return [p.full_name for p in person_search(user, q)]


def test_the_exact_name_comes_before_its_look_alikes(world, users, persons):
    _register(world, users, "Mahamat", "Abakar", phone="+23566777888")
    _register(world, users, "Mohamed", "Abakar", phone="+23566777888")
    _register(world, users, "Abakar", "Mahamat Saleh")

    found = _names(users["agent_td"], "Mohamed Abakar")

    assert found[0] == "Mohamed Abakar"
    assert "Mahamat Abakar" in found  # a spelling variant, after the exact name
    assert _names(users["agent_td"], "Mahamat Abakar")[0] == "Mahamat Abakar"


def test_a_typo_still_finds_the_person_first(world, users, persons):
    _register(world, users, "Mahamat", "Abakar")
    _register(world, users, "Mohamed", "Abakar")
    _register(world, users, "Mohamed", "Zakaria")

    found = _names(users["agent_td"], "Mohamed Abakr")

    assert found[:2] == ["Mohamed Abakar", "Mahamat Abakar"]
    assert "Mohamed Zakaria" not in found  # one word matches, the other is far


def test_a_name_typed_family_name_first_is_exact_too(world, users, persons):
    _register(world, users, "Mahamat", "Abakar")
    _register(world, users, "Mohamed", "Abakar")

    assert _names(users["agent_td"], "ABAKAR Mohamed")[0] == "Mohamed Abakar"


def test_accents_aside_the_exact_name_comes_first(world, users, persons):
    _register(world, users, "Aichatou", "Hissein", sex="female")
    _register(world, users, "Aïcha", "Hissein", sex="female")

    assert _names(users["agent_td"], "Aicha Hissein")[:2] == ["Aïcha Hissein", "Aichatou Hissein"]


def test_the_exact_code_comes_before_the_codes_containing_it(world, users, persons):
    first = _register(world, users, "Zara", "Ousmane")
    second = _register(world, users, "Amina", "Ousmane")
    Person.objects.filter(pk=second.pk).update(code=f"{first.code}9")

    found = [p.code for p in person_search(users["agent_td"], first.code.lower())]

    assert found == [first.code, f"{first.code}9"]


def test_search_keys_find_a_misspelt_family_name_with_the_given_name():
    stored = match_keys(Identity(given_name="Mohamed", family_name="Abakar"))
    shared = search_keys("Mohamed Abakr") & stored
    # The given name with the beginning of the family name: telling where "Mohamed" alone is not.
    assert any(key.startswith("c:") for key in shared)
    close = search_closeness("Mohamed Abakr", "Mohamed", "Abakar")
    variant = search_closeness("Mohamed Abakr", "Mahamat", "Abakar")
    assert not close.exact and close.tolerant >= 0.9
    assert close.spelled > variant.spelled
    assert search_closeness("mohamed  ABAKAR", "Mohamed", "Abakar").exact


def test_the_search_lists_close_names_in_scope_only_and_is_logged(login, world, users, persons):
    _register(world, users, "Mohamed", "Abakar", site="td2")
    mine = _register(world, users, "Mohamed", "Abakar")
    client = login(users["agent_td"])

    page = client.get(reverse("people:search"), {"q": "Mohamed Abakar"})

    assert [p.pk for p in page.context["page"].object_list] == [mine.pk]
    entry = AccessLogEntry.objects.filter(action="search").latest("seq")
    assert entry.query == "Mohamed Abakar" and entry.results == 1


def test_the_name_search_can_read_the_trigram_indexes_on_postgresql(world, users, persons):
    """The search's `icontains` on each name is the expression the trigram indexes cover
    (migration people 0007), and PostgreSQL answers that expression from them (sequential
    scans priced out: the test's table is too small to need them). A change of the query's form
    (unaccent, another lookup) or of the indexes fails here."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes are PostgreSQL's; SQLite scans the site's persons")
    search_sql = str(person_search(users["agent_td"], "Achta Mahamat").query)
    indexes = {
        "given_name": "person_given_name_trgm",
        "family_name": "person_family_name_trgm",
        "other_names": "person_other_names_trgm",
    }
    for column, index in indexes.items():
        assert f'UPPER("people_person"."{column}"::text) LIKE UPPER(' in search_sql
        sql, params = (
            Person._base_manager.filter(**{f"{column}__icontains": "chta"})
            .values("pk")
            .query.sql_with_params()
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert index in plan, plan


def test_look_alikes_are_ranked_in_the_order_given_and_the_others_after(world, users, persons):
    """The ranking the search orders its look-alikes by, as the database works it out."""
    first, second, third = (
        _register(world, users, given, "Abakar") for given in ("Moussa", "Ali", "Hassan")
    )
    ranked = Person.objects.filter(family_name="Abakar").annotate(
        rank=RankIn([third.pk, first.pk], start=2), none=RankIn([], start=5)
    )
    ranks = {p.pk: (p.rank, p.none) for p in ranked}

    assert ranks == {third.pk: (2, 5), first.pk: (3, 5), second.pk: (4, 5)}
    assert [p.pk for p in ranked.order_by("rank")] == [third.pk, first.pk, second.pk]
