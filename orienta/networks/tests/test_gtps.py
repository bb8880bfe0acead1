"""The GTPS: meetings held with those present, actions tracked to done with their history, what
a CSO's staff may see, and the export."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from orienta.core.services import StaleEdit
from orienta.networks.exports import gtps_xlsx
from orienta.networks.models import ActionStatus, MeetingStatus
from orienta.networks.services import (
    BadInput,
    NetworksRefused,
    action_update,
    meeting_record,
    member_add,
)
from orienta.networks.tests.factories import (
    TODAY,
    make_action,
    make_group,
    make_meeting,
    make_university,
)


@pytest.fixture
def gtps(world, users):
    by = users["coordinator_td"]
    group, member, contact = make_group(by, world["td"], world["org_td"])
    return {"by": by, "group": group, "member": member, "contact": contact}


def test_a_meeting_is_held_with_its_members_present_minutes_and_decisions(gtps):
    meeting = make_meeting(gtps["by"], gtps["group"], [], held=False)
    assert meeting.status == MeetingStatus.PLANNED
    held = meeting_record(
        meeting=meeting,
        held_on=TODAY,
        attendees=[gtps["member"]],
        minutes="Tour de table",
        decisions="Cartographie",
        version=meeting.version,
        by=gtps["by"],
    )
    assert held.status == MeetingStatus.HELD and held.on == TODAY
    assert list(held.attendees.all()) == [gtps["member"]]
    with pytest.raises(StaleEdit):
        meeting_record(
            meeting=held,
            held_on=TODAY,
            attendees=[],
            minutes="x",
            decisions="",
            version=meeting.version,
            by=gtps["by"],
        )


def test_a_meeting_cannot_be_held_in_the_future_nor_with_another_groups_members(gtps, world):
    meeting = make_meeting(gtps["by"], gtps["group"], [], held=False)
    other, stranger, _c = make_group(gtps["by"], world["td"], world["org_td"], name="Autre")
    with pytest.raises(BadInput):
        meeting_record(
            meeting=meeting,
            held_on=TODAY + datetime.timedelta(days=1),
            attendees=[],
            minutes="x",
            decisions="",
            by=gtps["by"],
        )
    with pytest.raises(BadInput):
        meeting_record(
            meeting=meeting,
            held_on=TODAY,
            attendees=[stranger],
            minutes="x",
            decisions="",
            by=gtps["by"],
        )


def test_an_action_is_tracked_to_done_and_its_history_kept(gtps, world, clock):
    action = make_action(gtps["by"], gtps["group"], lead=world["org_td"])
    assert action.status == ActionStatus.PLANNED
    action = action_update(
        action=action, status="in_progress", on=TODAY, note="Lancé", by=gtps["by"]
    )
    action = action_update(
        action=action, status="in_progress", on=TODAY, note="À mi-chemin", by=gtps["by"]
    )
    action = action_update(
        action=action, status="done", on=TODAY, version=action.version, by=gtps["by"]
    )
    assert (action.status, action.status_on) == (ActionStatus.DONE, TODAY)
    steps = list(action.updates.values_list("status", "note"))
    assert steps == [
        ("planned", ""),
        ("in_progress", "Lancé"),
        ("in_progress", "À mi-chemin"),
        ("done", ""),
    ]
    with pytest.raises(NetworksRefused, match=r"This action is closed \(Done\)"):
        action_update(action=action, status="in_progress", on=TODAY, by=gtps["by"])


def test_an_action_step_needs_a_change_and_a_date_in_order(gtps):
    action = make_action(gtps["by"], gtps["group"])
    with pytest.raises(BadInput, match="Change the status or write a note"):
        action_update(action=action, status="planned", on=TODAY, by=gtps["by"])
    with pytest.raises(BadInput, match="before the action's last step"):
        action_update(
            action=action, status="done", on=TODAY - datetime.timedelta(days=1), by=gtps["by"]
        )


def test_a_lead_or_member_of_another_country_is_refused(gtps, world):
    with pytest.raises(BadInput):
        make_action(gtps["by"], gtps["group"], lead=world["org_mz"])
    with pytest.raises(BadInput):
        member_add(
            group=gtps["group"], organisation=world["org_mz"], name="", sector="cso", by=gtps["by"]
        )


def test_a_coordinator_of_another_country_cannot_write(gtps, users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        make_action(users["coordinator_mz"], gtps["group"])


def test_a_cso_sees_only_the_groups_its_organisation_is_a_member_of(client, gtps, users, world):
    university = make_university(world["td"])
    elsewhere, _m, _c = make_group(gtps["by"], world["td"], university, name="GTPS du Logone")
    meeting = make_meeting(gtps["by"], elsewhere, [])
    action = make_action(gtps["by"], elsewhere)
    client.force_login(users["cso_td"])
    listing = client.get("/gtps/").text
    assert gtps["group"].name in listing and "GTPS du Logone" not in listing
    assert client.get(f"/gtps/{gtps['group'].pk}/").status_code == 200
    for path in (
        f"/gtps/{elsewhere.pk}/",
        f"/gtps/meetings/{meeting.pk}/",
        f"/gtps/actions/{action.pk}/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.get(f"/gtps/{gtps['group'].pk}/actions/new/").status_code == 403


def test_the_page_tracks_an_action_with_a_stale_form_refused(client, gtps):
    action = make_action(gtps["by"], gtps["group"])
    client.force_login(gtps["by"])
    url = f"/gtps/actions/{action.pk}/update/"
    data = {"status": "done", "on": TODAY.isoformat(), "note": "Fait", "version": action.version}
    page = client.post(url, data, follow=True).text
    assert "The action&#x27;s progress is recorded." in page
    page = client.post(url, data | {"status": "dropped"}, follow=True).text
    assert "Someone else changed this record" in page
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_the_export_writes_a_formula_typed_in_a_name_as_text(gtps, users):
    hostile = '=HYPERLINK("http://evil.example","GTPS")'
    make_action(gtps["by"], gtps["group"], title=hostile)
    member_add(
        group=gtps["group"], organisation=None, name="@SUM(A1)", sector="private", by=gtps["by"]
    )
    book = load_workbook(io.BytesIO(gtps_xlsx(users["coordinator_td"])))
    cells = [c for row in book.active.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'" + hostile in [c.value for c in cells]


def test_the_export_holds_only_the_groups_in_scope(gtps, users, world):
    make_group(users["coordinator_mz"], world["mz"], world["org_mz"], name="GTPS Moçambique")
    values = {
        c.value
        for row in load_workbook(io.BytesIO(gtps_xlsx(users["coordinator_td"]))).active.iter_rows()
        for c in row
    }
    assert gtps["group"].name in values and "GTPS Moçambique" not in values
