"""The GTPS through the API: the same services and refusals as the pages."""

import pytest

from orienta.core.services import api_token_issue
from orienta.networks.models import Action, Group, Member
from orienta.networks.tests.factories import make_action, make_group, make_meeting

API = "/api/v1/networks"


@pytest.fixture
def call(client):
    def make(user, method, path, data=None):
        token, _row = api_token_issue(user=user)
        kwargs = {"content_type": "application/json", "data": data} if data is not None else {}
        return getattr(client, method)(path, HTTP_AUTHORIZATION=f"Bearer {token}", **kwargs)

    return make


def test_a_group_is_created_with_its_region_and_read_back(call, users, world):
    response = call(
        users["coordinator_td"],
        "post",
        f"{API}/groups",
        {"country": "td", "area": "TD-ND", "name": "GTPS de N'Djamena"},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["country"], body["area"], body["members"]) == ("TD", "TD-ND", [])
    assert Group.objects.get().name == "GTPS de N'Djamena"
    read = call(users["cso_td"], "get", f"{API}/groups/{body['id']}")
    assert read.status_code == 404  # its organisation is not a member


def test_a_region_of_another_country_is_a_422_and_nothing_is_saved(call, users):
    response = call(
        users["coordinator_td"],
        "post",
        f"{API}/groups",
        {"country": "TD", "area": "MZ-MPM", "name": "X"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "area"]
    assert not Group.objects.exists()


def test_an_action_is_added_and_tracked_with_its_history(call, users, world):
    by = users["coordinator_td"]
    group, member, _c = make_group(by, world["td"], world["org_td"])
    meeting = make_meeting(by, group, [member])
    created = call(
        by,
        "post",
        f"{API}/actions",
        {
            "group": str(group.pk),
            "title": "Plaidoyer",
            "deadline": "2026-06-30",
            "lead": str(world["org_td"].pk),
            "meeting": str(meeting.pk),
        },
    )
    assert created.status_code == 201, created.json()
    action_id = created.json()["id"]
    step = call(
        by,
        "post",
        f"{API}/actions/{action_id}/updates",
        {"status": "done", "on": "2026-03-11", "note": "Accepté", "version": 1},
    )
    assert step.status_code == 200, step.json()
    assert [s["status"] for s in step.json()["history"]] == ["planned", "done"]
    again = call(
        by, "post", f"{API}/actions/{action_id}/updates", {"status": "planned", "on": "2026-03-11"}
    )
    assert again.status_code == 409
    assert Action.objects.get().status == "done"


def test_a_lead_of_another_country_is_refused(call, users, world):
    by = users["coordinator_td"]
    group, _m, _c = make_group(by, world["td"], world["org_td"])
    response = call(
        by,
        "post",
        f"{API}/actions",
        {
            "group": str(group.pk),
            "title": "X",
            "deadline": "2026-06-30",
            "lead": str(world["org_mz"].pk),
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "lead"]


def test_lists_hold_the_members_present_and_only_the_callers_countries(call, users, world):
    td, mz = users["coordinator_td"], users["coordinator_mz"]
    group, member, _c = make_group(td, world["td"], world["org_td"])
    meeting = make_meeting(td, group, [member])
    make_action(td, group)
    other, _m, _c = make_group(mz, world["mz"], world["org_mz"])
    make_meeting(mz, other, [])
    meetings = call(users["agent_td"], "get", f"{API}/meetings").json()["items"]
    assert [(m["id"], m["present"]) for m in meetings] == [(str(meeting.pk), [str(member.pk)])]
    assert call(users["agent_td"], "get", f"{API}/actions").json()["count"] == 1
    assert call(users["provider_user"], "get", f"{API}/groups").status_code == 403


def test_a_group_is_changed_of_the_version_read_then_removed(call, users, world):
    by = users["coordinator_td"]
    group, _member, _contact = make_group(by, world["td"], world["org_td"])
    path = f"{API}/groups/{group.pk}"
    changed = call(by, "put", path, {"name": "GTPS national", "area": "TD-ND", "version": 3})
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["name"], changed.json()["area"]) == ("GTPS national", "TD-ND")
    stale = call(by, "put", path, {"name": "Ancien", "version": 3})
    assert stale.status_code == 409
    wrong = call(by, "put", path, {"name": "GTPS", "area": "MZ-MPM", "version": 4})
    assert wrong.status_code == 422
    assert call(users["cso_td"], "put", path, {"name": "Piraté"}).status_code == 403
    assert call(users["cso_td"], "delete", path).status_code == 403
    assert call(users["coordinator_mz"], "delete", path).status_code == 404
    assert Group.objects.get(pk=group.pk).name == "GTPS national"
    assert call(by, "delete", f"{path}?version=4").status_code == 204
    assert call(by, "get", path).status_code == 404
    assert Group.objects.get(pk=group.pk).deleted_at is not None


def test_a_member_is_added_read_listed_by_group_and_removed(call, users, world):
    by = users["coordinator_td"]
    group, member, contact = make_group(by, world["td"], world["org_td"])
    other, _m, _c = make_group(by, world["td"], world["org_td"], name="Réseau régional")
    created = call(
        by,
        "post",
        f"{API}/members",
        {
            "group": str(group.pk),
            "organisation": str(world["org_td"].pk),
            "name": "Fatimé Haroun",
            "sector": "cso",
            "position": "Présidente",
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["group"], body["organisation_name"], body["version"]) == (
        str(group.pk),
        world["org_td"].name,
        1,
    )
    listed = call(users["cso_td"], "get", f"{API}/members?group={group.pk}").json()
    assert {m["id"] for m in listed["items"]} == {str(member.pk), str(contact.pk), body["id"]}
    assert call(users["agent_td"], "get", f"{API}/members").json()["count"] == 5
    path = f"{API}/members/{body['id']}"
    assert call(users["agent_td"], "get", path).json() == body
    assert call(users["coordinator_mz"], "get", path).status_code == 404
    assert call(users["cso_td"], "delete", path).status_code == 403
    assert call(users["agent_td"], "delete", path).status_code == 403
    assert call(users["coordinator_mz"], "delete", path).status_code == 404
    assert call(by, "delete", f"{path}?version=0").status_code == 409
    assert call(by, "delete", f"{path}?version=1").status_code == 204
    assert call(by, "get", path).status_code == 404
    removed = Member.objects.get(pk=body["id"])
    assert removed.deleted_at is not None  # a tombstone
    assert call(by, "get", f"{API}/groups/{group.pk}").json()["members"] == [
        m for m in listed["items"] if m["id"] != body["id"]
    ]


def test_a_member_of_a_group_or_organisation_out_of_reach_is_a_422(call, users, world):
    by = users["coordinator_td"]
    group, _m, _c = make_group(by, world["td"], world["org_td"])
    theirs, _m2, _c2 = make_group(users["coordinator_mz"], world["mz"], world["org_mz"])
    cases = {
        "group": {"group": str(theirs.pk), "name": "X", "sector": "public"},
        "organisation": {
            "group": str(group.pk),
            "organisation": str(world["org_mz"].pk),
            "sector": "cso",
        },
        "name": {"group": str(group.pk), "sector": "public"},  # no organisation, no name
    }
    for field, body in cases.items():
        response = call(by, "post", f"{API}/members", body)
        assert response.status_code == 422, field
        assert response.json()["detail"][0]["loc"] == ["body", field]
    assert call(users["cso_td"], "post", f"{API}/members", cases["name"]).status_code == 403
    assert Member.objects.filter(group=group).count() == 2
