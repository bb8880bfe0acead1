"""A person's data-subject export holds their household's assessments; erasure scrubs the notes
and who answered; a merge moves who answered to the survivor."""

from orienta.families import rights, services
from orienta.families.tests.factories import WORST


def test_export_erase_and_merge(users, persons, household_td, instrument_td):
    person = persons["person_td"]
    made = services.assessment_record(
        household=household_td,
        instrument=instrument_td,
        answers=WORST,
        by=users["agent_td"],
        respondent=person,
        notes="Violence signalée par la voisine.",
    )
    exported = rights.export([person.pk])
    assert exported[0]["notes"] == "Violence signalée par la voisine."
    assert exported[0]["answered_by_this_person"] is True
    rights.erase([person.pk], by=users["manager_td"])
    made.refresh_from_db()
    assert (made.notes, made.respondent_id, made.category) == ("", None, "very_high")
