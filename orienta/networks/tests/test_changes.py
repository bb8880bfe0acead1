"""Library documents, working groups and their members are changed and removed by the
country's managers, through services: a stale edit is refused and saves nothing, a removal
leaves a tombstone, and a CSO's staff (or any reader) can do neither."""

import re

import pytest
from django.core.exceptions import PermissionDenied

from orienta.core.services import StaleEdit
from orienta.lib.indicators import Period, Scope
from orienta.networks.files import document_check
from orienta.networks.models import Action, ActionUpdate, Document, Group, Meeting, Member
from orienta.networks.services import (
    BadInput,
    DocumentInput,
    NetworksRefused,
    document_add,
    document_edit,
    document_remove,
    group_edit,
    group_remove,
    member_edit,
)
from orienta.networks.tests.factories import (
    make_action,
    make_document,
    make_group,
    make_meeting,
    pdf,
)
from orienta.reporting.engine import values

MARCH = Period.parse("2026-03")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def gtps(world, users):
    by = users["coordinator_td"]
    group, member, contact = make_group(by, world["td"], world["org_td"])
    meeting = make_meeting(by, group, [member, contact])
    action = make_action(by, group, lead=world["org_td"], meeting=meeting)
    return {
        "group": group,
        "member": member,
        "contact": contact,
        "meeting": meeting,
        "action": action,
    }


# Documents
# =============================================================================================


def test_a_document_is_changed_its_file_replaced_and_a_stale_edit_refused(world, users):
    by = users["coordinator_td"]
    document = make_document(by, world["td"])
    old_file = document.file.name
    data = DocumentInput("Guide révisé", "template", "finance", "pt", "Nouvelle édition")
    changed = document_edit(
        document=document,
        data=data,
        file=document_check(pdf("v2.pdf")),
        version=document.version,
        by=by,
    )
    assert (changed.title, changed.kind, changed.language) == ("Guide révisé", "template", "pt")
    assert changed.file.name != old_file and changed.version == 2
    with pytest.raises(StaleEdit):
        document_edit(
            document=document,
            data=DocumentInput("Autre", "guide", "finance", "fr"),
            version=1,
            by=by,
        )
    assert Document.objects.get(pk=document.pk).title == "Guide révisé"


def test_a_removed_document_leaves_the_library_as_a_tombstone(client, world, users):
    by = users["coordinator_td"]
    document = make_document(by, world["td"])
    client.force_login(by)
    response = client.post(
        f"/resources/documents/{document.pk}/remove/", {"version": document.version}
    )
    assert response.status_code == 302
    row = Document.objects.get(pk=document.pk)
    assert row.deleted_at is not None and row.version == document.version + 1
    assert "Guide de gouvernance" not in client.get("/resources/").text
    assert client.get(f"/resources/documents/{document.pk}/file").status_code == 404
    assert client.get(f"/resources/documents/{document.pk}/edit/").status_code == 404


def test_a_removal_of_a_stale_page_is_refused(client, world, users):
    by = users["coordinator_td"]
    document = make_document(by, world["td"])
    document_edit(document=document, data=DocumentInput("Guide 2", "guide", "finance", "fr"), by=by)
    client.force_login(by)
    response = client.post(
        f"/resources/documents/{document.pk}/remove/", {"version": 1}, follow=True
    )
    assert "Someone else changed this record" in response.text
    assert Document.objects.get(pk=document.pk).deleted_at is None


def test_a_document_of_every_country_is_changed_by_headquarters_only(client, world, users):
    document = document_add(
        country=None,
        data=DocumentInput("Politique commune", "policy", "governance", "fr"),
        file=document_check(pdf()),
        by=users["me_hq"],
    )
    with pytest.raises(PermissionDenied):
        document_remove(document=document, by=users["coordinator_td"])
    client.force_login(users["coordinator_td"])
    assert client.get(f"/resources/documents/{document.pk}/edit/").status_code == 403
    assert f"/resources/documents/{document.pk}/edit/" not in client.get("/resources/").text
    client.force_login(users["me_hq"])
    assert client.get(f"/resources/documents/{document.pk}/edit/").status_code == 200
    document_remove(document=document, by=users["me_hq"])
    assert Document.objects.get(pk=document.pk).deleted_at is not None


@pytest.mark.parametrize("role", ["cso_td", "agent_td", "manager_td", "coordinator_mz"])
def test_readers_and_other_countries_cannot_change_or_remove_a_document(client, world, users, role):
    document = make_document(users["coordinator_td"], world["td"])
    client.force_login(users[role])
    edit = client.post(
        f"/resources/documents/{document.pk}/edit/",
        {"title": "Piraté", "kind": "guide", "theme": "finance", "language": "fr"},
    )
    remove = client.post(f"/resources/documents/{document.pk}/remove/", {"version": 1})
    assert {edit.status_code, remove.status_code} <= {403, 404}
    row = Document.objects.get(pk=document.pk)
    assert (row.title, row.deleted_at, row.version) == ("Guide de gouvernance", None, 1)


def test_the_edit_page_shows_a_bad_file_and_saves_nothing(client, world, users):
    document = make_document(users["coordinator_td"], world["td"])
    client.force_login(users["coordinator_td"])
    data = {"title": "Guide", "kind": "guide", "theme": "finance", "language": "fr", "version": 1}
    upload = pdf("x.pdf", content=b"MZ\x90\x00")
    response = client.post(f"/resources/documents/{document.pk}/edit/", data | {"file": upload})
    assert response.status_code == 422
    assert "Attach a PDF" in response.text
    assert Document.objects.get(pk=document.pk).version == 1


# Working groups
# =============================================================================================


def test_a_group_is_renamed_and_a_region_of_another_country_refused(world, users, gtps):
    by = users["coordinator_td"]
    group = gtps["group"]
    changed = group_edit(
        group=group,
        area=None,
        name="GTPS national",
        mandate="Coordonner",
        version=group.version,
        by=by,
    )
    assert (changed.name, changed.mandate) == ("GTPS national", "Coordonner")
    with pytest.raises(BadInput):
        group_edit(group=changed, area=world["area_mz"], name="GTPS", by=by)
    with pytest.raises(StaleEdit):
        group_edit(group=changed, area=None, name="GTPS", version=group.version, by=by)
    assert Group.objects.get(pk=group.pk).name == "GTPS national"


def test_a_removed_group_takes_its_members_meetings_and_actions_out_of_the_results(
    client, world, users, gtps
):
    group = gtps["group"]
    assert values("GTPS_MEETINGS_HELD", MARCH, Scope(), suppress=False).total == 1
    client.force_login(users["coordinator_td"])
    response = client.post(f"/gtps/{group.pk}/remove/", {"version": group.version})
    assert response.status_code == 302
    assert Group.objects.get(pk=group.pk).deleted_at is not None
    for model in (Member, Meeting, Action):
        assert not model.objects.filter(group=group, deleted_at__isnull=True).exists(), model
    assert not ActionUpdate.objects.filter(action__group=group, deleted_at__isnull=True).exists()
    assert client.get(f"/gtps/{group.pk}/").status_code == 404
    assert client.get(f"/gtps/meetings/{gtps['meeting'].pk}/").status_code == 404
    assert client.get(f"/gtps/actions/{gtps['action'].pk}/").status_code == 404
    assert values("GTPS_MEETINGS_HELD", MARCH, Scope(), suppress=False).total == 0


def test_a_removed_group_cannot_be_changed_again(world, users, gtps):
    by = users["coordinator_td"]
    group = gtps["group"]
    group_remove(group=group, by=by)
    with pytest.raises(NetworksRefused):
        group_edit(group=group, area=None, name="Encore", by=by)


# Members
# =============================================================================================


def test_a_member_is_changed_then_removed_and_stays_present_at_the_meetings_it_attended(
    client, world, users, gtps
):
    by = users["coordinator_td"]
    contact = gtps["contact"]
    changed = member_edit(
        member=contact,
        organisation=None,
        name="Abakar Saleh Mahamat",
        sector="public",
        position="Directeur",
        version=contact.version,
        by=by,
    )
    assert (changed.name, changed.sector, changed.position) == (
        "Abakar Saleh Mahamat",
        "public",
        "Directeur",
    )
    with pytest.raises(BadInput):
        member_edit(member=changed, organisation=world["org_mz"], name="", sector="cso", by=by)
    with pytest.raises(BadInput):
        member_edit(member=changed, organisation=None, name=" ", sector="cso", by=by)
    client.force_login(by)
    response = client.post(f"/gtps/members/{contact.pk}/remove/", {"version": changed.version})
    assert response.status_code == 302
    assert Member.objects.get(pk=contact.pk).deleted_at is not None
    group_page = client.get(f"/gtps/{gtps['group'].pk}/").text
    assert "Abakar Saleh Mahamat" not in group_page
    assert "Abakar Saleh Mahamat" in client.get(f"/gtps/meetings/{gtps['meeting'].pk}/").text
    assert client.get(f"/gtps/members/{contact.pk}/edit/").status_code == 404


@pytest.mark.parametrize("role", ["cso_td", "agent_td", "coordinator_mz"])
def test_readers_and_other_countries_cannot_change_a_group_or_its_members(
    client, users, gtps, role
):
    client.force_login(users[role])
    group, member = gtps["group"], gtps["member"]
    answers = [
        client.post(f"/gtps/{group.pk}/edit/", {"name": "Piraté"}).status_code,
        client.post(f"/gtps/{group.pk}/remove/", {}).status_code,
        client.post(f"/gtps/members/{member.pk}/edit/", {"name": "X", "sector": "cso"}).status_code,
        client.post(f"/gtps/members/{member.pk}/remove/", {}).status_code,
    ]
    assert set(answers) <= {403, 404}, answers
    assert Group.objects.get(pk=group.pk).name == "GTPS TD"
    assert Member.objects.filter(group=group, deleted_at__isnull=True).count() == 2


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ("Retirer", "Modifier", "Enregistrer")),
        ("pt", ("Retirar", "Alterar", "Guardar")),
    ],
)
def test_the_edit_pages_read_in_french_and_portuguese(
    client, users, gtps, world, monkeypatch, language, words
):
    from orienta.core.models import User

    monkeypatch.setattr(User, "preferred_language", lambda self: language)
    by = users["coordinator_td"]
    document = make_document(by, world["td"])
    client.force_login(by)
    pages = [
        f"/resources/documents/{document.pk}/edit/",
        f"/gtps/{gtps['group'].pk}/edit/",
        f"/gtps/members/{gtps['contact'].pk}/edit/",
    ]
    for url in pages:
        text = client.get(url).text
        for english in ("Remove", "Change the", "Change a", "New file", "Leave empty", "Save"):
            assert not re.search(rf"\b{english}\b", text), (url, english)
        for word in words:
            assert word in text, (url, word)
