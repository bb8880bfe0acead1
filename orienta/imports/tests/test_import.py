"""Imports of real-shaped exports: ODK Central's zip of households with their members, Kobo's
CSV of visits, Kobo's XLSX of awareness sessions with their attendance; each with missing
values and a bad date on line 7."""

from orienta.core.models import Event
from orienta.frontdesk.models import Visit
from orienta.imports import services
from orienta.imports.models import ImportedSubmission, RunStatus
from orienta.imports.tests.conftest import kobo_csv, kobo_xlsx, odk_zip
from orienta.outreach.models import AwarenessSession
from orienta.people.models import Household, HouseholdMember, MatchDecision, Person


def _upload(site, user, kind, name, raw):
    return services.import_upload(site=site, kind=kind, name=name, raw=raw, by=user)


def _map(run, user, options=None):
    """The mapping guessed from the headers, saved as the page saves it."""
    return services.import_map(run=run, mapping=run.mapping, options=options or {}, by=user)


def _counts():
    return (
        Person.objects.count(),
        Household.objects.count(),
        HouseholdMember.objects.count(),
        Visit.objects.count(),
        AwarenessSession.objects.count(),
        ImportedSubmission.objects.count(),
    )


ODK_MAPPING = {
    "site": "household-site",
    "given_name": "household-head_given_name",
    "family_name": "household-head_family_name",
    "sex": "household-head_sex",
    "birth_date": "household-head_birth_date",
    "phone": "household-head_phone",
    "locality": "household-locality",
    "consent_processing": "consent",
    "member_given_name": "member_given_name",
    "member_family_name": "member_family_name",
    "member_sex": "member_sex",
    "member_birth_date": "member_birth_date",
    "member_age": "member_age",
    "member_relationship": "member_relationship",
}


def _odk(site, user, fixed=False):
    run = _upload(site, user, "persons", "household_survey.zip", odk_zip(fixed))
    assert run.mapping["member_given_name"] == "member_given_name"  # guessed by name
    return services.import_map(run=run, mapping=ODK_MAPPING, options={}, by=user)


def _decide_all_new(report):
    return {alike.key: "new" for alike in report.lookalikes}


# ODK Central: households and their members
# =============================================================================================


def test_odk_bad_date_on_line_7_names_the_line_and_column_and_nothing_is_written(
    world, users, persons
):
    manager = users["manager_td"]
    run = _odk(world["sites"]["td"], manager)
    before = _counts()
    report = services.import_check(run=run, by=manager)
    assert [(p.table, p.line, p.column) for p in report.problems] == [
        ("household_survey.csv", 7, "household-head_birth_date")
    ]
    assert "is not a date" in report.problems[0].message
    final = services.import_check(run=run, by=manager, decisions=_decide_all_new(report))
    assert not final.imported
    assert _counts() == before
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.errors[0]["line"] == 7
    assert run.errors[0]["column"] == "household-head_birth_date"


def test_odk_households_import_with_members_then_a_second_import_writes_nothing(
    world, users, persons
):
    manager, site = users["manager_td"], world["sites"]["td"]
    run = _odk(site, manager, fixed=True)
    report = services.import_check(run=run, by=manager)
    assert report.problems == []
    # Achta Mahamat, born 1990-05-04, is registered already: listed, never created silently.
    assert [a.name for a in report.lookalikes] == ["Achta Mahamat"]
    assert report.lookalikes[0].candidates[0][0] == persons["person_td"]
    undecided = services.import_check(run=run, by=manager, decisions={})
    assert not undecided.imported
    assert (undecided.problems[0].line, undecided.problems[0].table) == (2, "household_survey.csv")
    assert "Say whether the person of this line" in undecided.problems[0].message
    before = _counts()
    key = report.lookalikes[0].key
    done = services.import_check(run=run, by=manager, decisions={key: str(persons["person_td"].pk)})
    assert done.imported, done.problems
    persons_after, households, members, *_rest = _counts()
    # 6 heads (one linked) and 5 members: 10 new persons; 4 households with members.
    assert persons_after - before[0] == 10
    assert households - before[1] == 4
    assert members - before[2] == 4 + 5
    achta = persons["person_td"]
    household = achta.memberships.get(left_on__isnull=True).household
    assert sorted(m.person.given_name for m in household.current_members()) == [
        "Achta",
        "Haoua",
        "Mahamat",
    ]
    haoua = Person.objects.get(given_name="Haoua")
    assert haoua.birth_date_estimated  # the age given, the date of birth estimated
    assert MatchDecision.objects.filter(person=achta, decision="existing").exists()
    run.refresh_from_db()
    assert run.status == RunStatus.IMPORTED and run.content is None
    assert run.counts["person_linked"] == 1 and run.counts["imported"] == 6

    again = _upload(site, manager, "persons", "household_survey.zip", odk_zip(True))
    assert again.mapping == ODK_MAPPING  # remembered for the form
    again = _map(again, manager)
    before = _counts()
    report = services.import_check(run=again, by=manager)
    assert report.counts["already"] == 6 and report.lookalikes == []
    done = services.import_check(run=again, by=manager, decisions={})
    assert done.imported and done.counts["imported"] == 0
    assert _counts() == before


# Kobo CSV: visits
# =============================================================================================


def test_kobo_csv_bad_date_on_line_7(world, users, persons):
    agent = users["agent_td"]
    run = _map(
        _upload(
            world["sites"]["td"],
            agent,
            "visits",
            "Visites_-_all_versions_-_False_-_2026-03-06-10-00-00.csv",
            kobo_csv(),
        ),
        agent,
    )
    assert run.form_key == "Visites"
    before = _counts()
    report = services.import_check(run=run, by=agent)
    assert [(p.line, p.column) for p in report.problems] == [(7, "visite/date_visite")]
    assert not services.import_check(run=run, by=agent, decisions=_decide_all_new(report)).imported
    assert _counts() == before


def test_kobo_csv_visits_of_persons_and_anonymous_visitors(world, users, persons):
    agent, site = users["agent_td"], world["sites"]["td"]
    run = _map(_upload(site, agent, "visits", "Visites.csv", kobo_csv(True)), agent)
    report = services.import_check(run=run, by=agent)
    assert report.problems == []
    assert [a.name for a in report.lookalikes] == ["Achta Mahamat"]
    visits = Visit.objects.count()
    done = services.import_check(run=run, by=agent, decisions=_decide_all_new(report))
    assert done.imported, done.problems
    assert Visit.objects.count() == visits + 7
    anonymous = Visit.objects.filter(person__isnull=True)
    assert sorted(anonymous.values_list("anonymous_sex", "anonymous_age")) == [
        ("female", 9),
        ("female", 17),
        ("male", None),
    ]
    # No channel on line 5: a field form's contact is an outreach one.
    assert Visit.objects.get(anonymous_age=17).channel == "outreach"
    # A formula in a cell stays text; exports neutralise it (orienta.lib.tabular).
    assert Visit.objects.filter(notes__startswith="=HYPERLINK").count() == 1
    assert Event.objects.filter(verb="import.done").count() == 1


# Kobo XLSX: awareness sessions, attendance in a repeat group's sheet
# =============================================================================================


def test_kobo_xlsx_bad_date_on_line_7(world, users):
    manager = users["manager_td"]
    run = _map(
        _upload(world["sites"]["td"], manager, "sessions", "Sensibilisations.xlsx", kobo_xlsx()),
        manager,
    )
    before = _counts()
    report = services.import_check(run=run, by=manager)
    assert [(p.table, p.line, p.column) for p in report.problems] == [
        ("Sensibilisations", 7, "session/date")
    ]
    assert not services.import_check(run=run, by=manager, decisions={}).imported
    assert _counts() == before


def test_kobo_xlsx_sessions_with_their_attendance(world, users):
    manager = users["manager_td"]
    run = _map(
        _upload(
            world["sites"]["td"], manager, "sessions", "Sensibilisations.xlsx", kobo_xlsx(True)
        ),
        manager,
    )
    assert run.mapping["count_count"] == "participants/nombre"
    done = services.import_check(run=run, by=manager, decisions={})
    assert done.imported, done.problems
    assert AwarenessSession.objects.count() == 7
    first = AwarenessSession.objects.get(title="Égalité femmes-hommes au marché")
    assert first.status == "held" and str(first.held_on) == "2026-02-10"
    assert first.venue_type == "market" and first.topics == ["gender_equality"]
    assert sorted(first.themes.values_list("code", flat=True)) == ["rights"]
    counts = sorted(first.counts.values_list("sex", "age_band", "disability", "count"))
    assert counts == [
        ("female", "25-35", False, 14),
        ("female", "36-59", True, 2),
        ("male", "25-35", False, 6),
    ]
    # A count left empty is no one; a session without a count has no attendance yet.
    third = AwarenessSession.objects.get(title="Droits des enfants")
    assert list(third.counts.values_list("count", flat=True)) == [8]
    assert AwarenessSession.objects.get(title__startswith="État civil").counts.count() == 0


def test_an_agent_may_not_import_sessions(world, users):
    import pytest
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _upload(world["sites"]["td"], users["agent_td"], "sessions", "S.xlsx", kobo_xlsx(True))


def test_rights_export_merge_and_erasure(world, users, persons):
    from orienta.imports import rights
    from orienta.people.services import person_merge

    manager, site = users["manager_td"], world["sites"]["td"]
    run = _odk(site, manager, fixed=True)
    key = services.import_check(run=run, by=manager).lookalikes[0].key
    assert services.import_check(run=run, by=manager, decisions={key: "new"}).imported
    achta = persons["person_td"]
    twin = Person.objects.exclude(pk=achta.pk).get(given_name="Achta")
    [entry] = rights.export([twin.pk])
    assert entry["line"] == 2 and entry["records"][0]["code"] == twin.code
    person_merge(survivor=achta, merged=twin, by=manager)
    [entry] = rights.export([achta.pk])
    assert entry["records"][0]["code"] == achta.code
    waiting = _upload(site, manager, "persons", "household_survey.zip", odk_zip(True))
    rights.erase([achta.pk], by=manager)
    waiting.refresh_from_db()
    assert waiting.content is None and waiting.status == RunStatus.EXPIRED


def test_a_submission_imported_by_someone_else_meanwhile_refuses_the_file(
    world, users, persons, monkeypatch
):
    agent, site = users["agent_td"], world["sites"]["td"]
    run = _map(_upload(site, agent, "visits", "Visites.csv", kobo_csv(True)), agent)
    other = _map(_upload(site, agent, "visits", "Visites.csv", kobo_csv(True)), agent)
    prepare = services._prepare_all

    def raced(ctx, run_, export, counts):
        ready = prepare(ctx, run_, export, counts)
        ImportedSubmission.objects.create(
            site=site, run=other, kind="visits", instance_id=ready[2].submission.instance_id, line=4
        )
        return ready

    monkeypatch.setattr(services, "_prepare_all", raced)
    report = services.import_check(
        run=run, by=agent, decisions=_decide_all_new(services.import_check(run=other, by=agent))
    )
    assert [(p.line, p.message) for p in report.problems] == [
        (4, "This submission was imported meanwhile.")
    ]
    assert not report.imported and Visit.objects.count() == 0


def test_a_person_twice_in_the_file_is_shown(world, users, persons):
    agent, site = users["agent_td"], world["sites"]["td"]
    data = kobo_csv(True).replace(b";Halim\xc3\xa9;Ahmat;female;41;", b";Brahim;Youssouf;male;24;")
    run = _map(_upload(site, agent, "visits", "Visites.csv", data), agent)
    report = services.import_check(run=run, by=agent)
    assert [(w.line, w.table) for w in report.warnings] == [(7, "Visites.csv")]
    assert "line 4" in report.warnings[0].message
