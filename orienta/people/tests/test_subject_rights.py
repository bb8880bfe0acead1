"""The rights of the person in the data: a copy of everything held (export) and erasure."""

import datetime
import json
import re
import time
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from orienta.accounts.reauth import REAUTH_SESSION_KEY
from orienta.audit.models import AccessLogEntry
from orienta.audit.queries import access_log_verify
from orienta.core.models import Event, Theme
from orienta.frontdesk.models import Visit, age_band
from orienta.frontdesk.services import visit_record
from orienta.people import rights, services
from orienta.people.models import (
    ConsentEvent,
    MatchDecision,
    Person,
    PersonMatchKey,
    PersonMerge,
)
from orienta.people.queries import person_for, person_search

BASE = {"sex": "female", "migration_status": "national", "documents": []}
# Every string that names or reaches Achta Mahamat, her duplicate record and her phones. (Her
# locality stays as the locality of her household, where others still live.)
IDENTITY = [
    "Achta",
    "Ashta",
    "Mahamat",
    "Mht",
    "+23566123456",
    "66123456",
    "+23599887766",
    "99887766",
    "Couturière",
    "1990-05-04",
]


def identity_left_in(text: str, strings: list[str]) -> list[str]:
    """The strings of `strings` still found in `text`, ignoring case. One shorter than five
    characters counts only as a word of its own: the random salts, keys and signed values kept
    in the database hold a given three letters now and then (the ten test users' password salts
    alone, in about one suite run in 150)."""
    text = text.casefold()
    return [
        s
        for s in strings
        if (s.casefold() in text)
        if len(s) >= 5 or re.search(rf"(?<!\w){re.escape(s.casefold())}(?!\w)", text)
    ]


def _fields(person, **changes):
    names = ["given_name", "family_name", "other_names", "sex", "birth_date", "phone"]
    return {f: getattr(person, f) for f in names} | BASE | changes


def _visit(person, by, themes, days_ago=0, notes="", site=None, **anonymous):
    return visit_record(
        site=site or person.site,
        by=by,
        person=person,
        data={
            "themes": [Theme.objects.get(code=c) for c in themes],
            "channel": "walk_in",
            "outcome": "oriented",
            "notes": notes,
            "occurred_at": timezone.now() - datetime.timedelta(days=days_ago),
        }
        | anonymous,
    )


@pytest.fixture
def achta(world, users, persons):
    """Achta Mahamat with everything a record can hold: details, consent notes, a merged
    duplicate, a household, a look-alike decision, visits with notes, an export."""
    agent, manager = users["agent_td"], users["manager_td"]
    person = services.person_update(
        person=persons["person_td"],
        data=_fields(
            persons["person_td"],
            other_names="Achta Mht",
            phone_alt="+23599887766",
            locality="Chagoua Est",
            occupation="Couturière",
            nationality="TD",
            documents=["birth_certificate"],
            education="primary",
            wg_walking=3,
            area=world["area_td2"],
            consent_processing=True,
            consent_sharing=True,
        ),
        expected_version=1,
        by=agent,
    )
    rights.consent_withdraw(
        person=person, purpose="sharing", by=agent, note="Achta called on +23566123456"
    )
    duplicate = services.person_register(
        site=person.site,
        by=agent,
        data=BASE
        | {"given_name": "Ashta", "family_name": "Mahamat", "phone": "+23566123456"}
        | {"locality": "Chagoua Est"},
    )
    _visit(duplicate, agent, ["health"], days_ago=40, notes="Ashta came alone")
    services.person_merge(
        survivor=person, merged=duplicate, by=manager, reason="Same phone as Achta Mahamat"
    )
    household = services.household_create(head=person, by=agent, locality="Chagoua Est")
    relative = services.person_register(
        site=person.site,
        by=agent,
        data=BASE | {"given_name": "Halimé", "family_name": "Abakar", "sex": "male"},
    )
    services.household_add_member(
        household=household, person=relative, relationship="child", by=agent
    )
    services.person_open_existing(
        person=person, by=agent, query={"given_name": "Achta", "phone": "+23566123456"}
    )
    _visit(person, agent, ["gbv", "health"], days_ago=10, notes="Achta Mahamat, afraid")
    _visit(person, agent, ["civil_registration"], days_ago=2)
    rights.person_export(person=person, by=users["coordinator_td"], reason="asked by Achta")
    person.refresh_from_db()
    return person


def _counts():
    """Visits counted by site, sex, age band at the visit, and theme (what reports show)."""
    counts = Counter()
    for visit in Visit.objects.select_related("site", "person").prefetch_related("themes"):
        if visit.person:
            day = timezone.localtime(visit.occurred_at, ZoneInfo(visit.site.timezone)).date()
            sex, band = visit.person.sex, age_band(visit.person.age_on(day))
        else:
            sex, band = visit.anonymous_sex, visit.anonymous_age_band
        for theme in visit.themes.all():
            counts[(visit.site.code, sex, band, theme.code)] += 1
    counts["persons"] = Person.objects.filter(merged_into__isnull=True).count()
    counts["disability"] = sum(p.disability_status == "disability" for p in Person.objects.all())
    return counts


def _every_text_in_the_database() -> str:
    """All text and JSON values of every table, as one string."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, str):
                        chunks.append(value)
                        if value[:1] in "{[":  # JSON kept as text (SQLite): read as written
                            try:
                                decoded = json.loads(value)
                            except ValueError:
                                continue
                            chunks.append(json.dumps(decoded, ensure_ascii=False))
                    elif isinstance(value, dict | list):
                        chunks.append(json.dumps(value, ensure_ascii=False))
    return "\n".join(chunks)


# Export


@pytest.fixture
def coordinator(login, users):
    """The coordinator of Chad, who confirmed their password a moment ago."""
    client = login(users["coordinator_td"])
    session = client.session
    session[REAUTH_SESSION_KEY] = int(time.time())
    session.save()
    return client


def test_export_holds_everything_on_the_person_and_merged_records(achta):
    data = rights.person_export_data(achta)
    assert data["person"]["given_name"] == "Achta"
    assert data["person"]["phone_alt"] == "+23599887766"
    assert [r["given_name"] for r in data["merged_records"]] == ["Ashta"]
    assert ("sharing", False) in [(c["purpose"], c["given"]) for c in data["consent"]]
    assert [h["relationship"] for h in data["households"]] == ["head"]
    themes = sorted(t["code"] for v in data["visits"] for t in v["themes"])
    assert themes == ["civil_registration", "gbv", "health", "health"]
    assert "Achta Mahamat, afraid" in [v["notes"] for v in data["visits"]]
    assert data["match_decisions"][-1]["search"] == {"given_name": "Achta", "phone": "+23566123456"}
    assert data["merges"][0]["snapshot"]["given_name"] == "Ashta"
    verbs = Counter(e["verb"] for e in data["events"])
    assert verbs["person.registered"] == 2  # the person and the merged duplicate
    assert verbs["visit.recorded"] == 3
    for verb in ("person.updated", "person.consent_withdrawn", "person.merged", "person.exported"):
        assert verbs[verb] == 1, verb
    json.dumps(data)  # plain JSON


def test_export_leaves_out_other_peoples_data(achta):
    text = json.dumps(rights.person_export_data(achta), ensure_ascii=False)
    assert "Halimé" not in text and "Abakar" not in text


@pytest.mark.parametrize("reason", ["", "   ", "asked by Achta Mahamat", "call +23566123456"])
def test_export_needs_a_reason_that_does_not_name_the_person(coordinator, achta, reason):
    before = Event.objects.filter(verb="person.exported").count()
    response = coordinator.post(
        reverse("people:export", args=[achta.pk]), {"reason": reason, "format": "json"}
    )
    assert response.status_code == 422
    assert "attachment" not in response.get("Content-Disposition", "")
    assert Event.objects.filter(verb="person.exported").count() == before


def test_export_and_erasure_ask_to_confirm_the_password_first(login, users, achta):
    client = login(users["coordinator_td"])
    session = client.session
    session[REAUTH_SESSION_KEY] = int(time.time()) - 3600  # signed in an hour ago
    session.save()
    for name in ("people:export", "people:erase"):
        response = client.get(reverse(name, args=[achta.pk]))
        assert response.status_code == 302
        assert "reauth" in response["Location"]


@pytest.mark.parametrize("role", ["agent_td", "manager_td", "coordinator_mz", "me_hq"])
def test_only_the_coordinator_of_the_country_exports_or_erases(users, achta, role):
    with pytest.raises(PermissionDenied):
        rights.person_export(person=achta, by=users[role], reason="curious")
    with pytest.raises(PermissionDenied):
        rights.person_erase(person=achta, by=users[role], reason="curious")
    achta.refresh_from_db()
    assert achta.erased_at is None


# Erasure


def test_erasure_keeps_every_count_true(achta, users, persons):
    _visit(persons["person_td2"], users["agent_td2"], ["employment"])
    _visit(
        None,
        users["agent_td"],
        ["gbv"],
        site=achta.site,
        anonymous_sex="female",
        anonymous_age_band="25-59",
    )
    before = _counts()
    rights.person_erase(person=achta, by=users["coordinator_td"], reason="Request by letter")
    assert _counts() == before


def test_erasure_leaves_no_identity_string_anywhere_in_the_database(achta, users):
    old_code = achta.code
    text = _every_text_in_the_database()
    assert identity_left_in(text, IDENTITY) == IDENTITY  # the check can see them
    rights.person_erase(person=achta, by=users["coordinator_td"], reason="Request by letter")
    text = _every_text_in_the_database()
    assert identity_left_in(text, IDENTITY + [old_code]) == []
    assert "Halimé" in text  # the rest of the household is untouched


def test_erased_record_keeps_what_is_counted_and_loses_what_names(achta, users, world):
    rights.person_erase(person=achta, by=users["coordinator_td"], reason="Request by letter")
    person = Person.objects.get(pk=achta.pk)
    assert person.erased_at is not None
    assert str(person) != "— —" and "Mahamat" not in str(person)
    assert (person.sex, person.area, person.migration_status) == (
        "female",
        world["area_td2"],
        "national",
    )
    assert (person.birth_date.year, person.birth_date.day, person.birth_date_estimated) == (
        1990,
        1,
        True,
    )
    assert person.wg_walking == 3 and person.disability_status == "disability"
    assert person.education == "primary"
    assert (person.phone, person.phone_alt, person.locality, person.occupation) == ("", "", "", "")
    assert (person.other_names, person.nationality, person.documents) == ("", "", [])
    assert person.code != achta.code and person.code.startswith("ANON-")
    assert not PersonMatchKey.objects.filter(person=person).exists()
    assert set(Visit.objects.filter(person=person).values_list("notes", flat=True)) == {""}
    assert person.memberships.filter(left_on__isnull=True).exists()  # households keep their size
    assert not ConsentEvent.objects.filter(person=person).exclude(note="").exists()


def test_records_merged_into_the_erased_person_are_erased_too(achta, users):
    merge = PersonMerge.objects.get(survivor=achta)
    rights.person_erase(person=achta, by=users["coordinator_td"], reason="Request by letter")
    merged = Person.objects.get(pk=merge.merged_id)
    assert merged.erased_at is not None and merged.given_name == "—"
    merge.refresh_from_db()
    assert merge.snapshot["given_name"] == "—" and merge.snapshot["phone"] == ""
    assert merge.merged_code == merged.code
    decisions = MatchDecision.objects.filter(person__in=[achta, merged])
    assert all("query" not in c for d in decisions for c in d.candidates)


def test_erasure_is_logged_without_identity_and_is_idempotent(achta, users):
    rights.person_erase(person=achta, by=users["coordinator_td"], reason="Letter of Achta")
    event = Event.objects.get(verb="person.erased", object_id=achta.pk)
    assert event.data == {"reason": "Letter of —", "records": 2}
    erased = Person.objects.get(pk=achta.pk)
    again = rights.person_erase(person=achta, by=users["coordinator_td"], reason="again")
    assert Event.objects.filter(verb="person.erased").count() == 1
    assert (again.code, again.version) == (erased.code, erased.version)


def test_the_locality_of_a_household_of_one_is_erased_with_its_member(world, users):
    person = services.person_register(
        site=world["sites"]["td"],
        by=users["agent_td"],
        data=BASE | {"given_name": "Zenaba", "family_name": "Issa", "locality": "Moursal"},
    )
    household = services.household_create(head=person, by=users["agent_td"])
    rights.person_erase(person=person, by=users["coordinator_td"], reason="Request")
    household.refresh_from_db()
    assert household.locality == "" and household.members.count() == 1


def test_an_erased_person_is_out_of_every_list_and_page(achta, users, login):
    rights.person_erase(person=achta, by=users["coordinator_td"], reason="Request by letter")
    with pytest.raises(Http404):
        person_for(users["agent_td"], achta.pk)
    assert not person_search(users["agent_td"], "").filter(pk=achta.pk).exists()
    response = login(users["agent_td"]).get(reverse("frontdesk:person", args=[achta.pk]))
    assert response.status_code == 404


def test_the_kept_birth_date_keeps_the_age_band_of_each_visit(world, users):
    """Born 4 May 2000, seen in the days after the 25th birthday: 1 July 2000 would make
    those visits count as 15-24; the kept date keeps them 25-59."""
    agent = users["agent_td"]
    today = timezone.localdate()
    birth = datetime.date(today.year - 25, today.month, 1) - datetime.timedelta(days=20)
    person = services.person_register(
        site=world["sites"]["td"],
        by=agent,
        data=BASE | {"given_name": "Fatimé", "family_name": "Zakaria", "birth_date": birth},
    )
    _visit(person, agent, ["employment"], days_ago=3)
    _visit(person, agent, ["employment"], days_ago=400)
    before = _counts()
    rights.person_erase(person=person, by=users["coordinator_td"], reason="Request")
    person.refresh_from_db()
    assert person.birth_date.year == birth.year and person.birth_date.day == 1
    assert _counts() == before


def test_coordinator_erases_through_the_page_with_the_code_typed(coordinator, achta):
    url = reverse("people:erase", args=[achta.pk])
    assert coordinator.get(url).status_code == 200
    wrong = coordinator.post(url, {"reason": "Request by letter", "confirm": "TD-NDJ1-999999"})
    assert wrong.status_code == 422
    assert Person.objects.get(pk=achta.pk).erased_at is None
    response = coordinator.post(url, {"reason": "Request by letter", "confirm": achta.code.lower()})
    assert response.status_code == 302
    assert Person.objects.get(pk=achta.pk).erased_at is not None


def test_erasure_clears_the_searches_that_named_the_person_and_the_log_still_verifies(
    achta, users, login
):
    agent = login(users["agent_td"])
    agent.get(reverse("people:search"), {"q": "Achta Mahamat"})
    agent.get(reverse("people:search"), {"q": "Ngarta"})
    agent.get(reverse("people:search"), {"q": "Achtarine"})  # another name that starts alike
    searches = AccessLogEntry.objects.filter(action="search").order_by("seq")
    assert [e.query for e in searches] == ["Achta Mahamat", "Ngarta", "Achtarine"]
    rights.person_erase(person=achta, by=users["coordinator_td"], reason="Request by letter")
    assert [e.query for e in searches.all()] == ["", "Ngarta", "Achtarine"]
    assert all(e.query_digest for e in searches.all())
    assert access_log_verify().intact
    assert "achta mahamat" not in _every_text_in_the_database().casefold()
