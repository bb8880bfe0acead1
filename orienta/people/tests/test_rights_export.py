"""The data-subject export: asked with a reason and a format after re-authentication, made as
an encrypted file for the requester alone, downloadable for a few minutes, purged after days."""

import datetime
import io
import json
import time
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from orienta.accounts.reauth import REAUTH_SESSION_KEY
from orienta.audit import exports
from orienta.audit.models import AccessLogEntry, Export
from orienta.conftest import _user
from orienta.core.models import Event, Role, User
from orienta.people import services

REASON = "Written request of 2 March, by letter"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def _reauthenticated(client):
    session = client.session
    session[REAUTH_SESSION_KEY] = int(time.time())
    session.save()
    return client


@pytest.fixture
def coordinator(login, users):
    """The coordinator of Chad, who confirmed their password a moment ago; pages in English."""
    User.objects.filter(pk=users["coordinator_td"].pk).update(language="en")
    return _reauthenticated(login(users["coordinator_td"]))


def _ask(client, person, fmt="json", reason=REASON):
    url = reverse("people:export", args=[person.pk])
    return client.post(url, {"reason": reason, "format": fmt})


def test_the_export_is_made_for_the_requester_and_downloaded_from_its_page(
    coordinator, persons, media
):
    person = persons["person_td"]
    assert coordinator.get(reverse("people:export", args=[person.pk])).status_code == 200
    response = _ask(coordinator, person)
    export = Export.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{export.pk}/"
    page = coordinator.get(response["Location"])
    assert page.status_code == 200
    assert f"/exports/{export.pk}/download/" in page.content.decode()
    download = coordinator.get(f"/exports/{export.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/json")
    assert download["Content-Disposition"] == f'attachment; filename="{export.filename}"'
    assert "no-store" in download["Cache-Control"]
    data = json.loads(download.content)
    assert data["person"]["code"] == person.code and data["person"]["given_name"] == "Achta"
    assert Event.objects.get(verb="person.exported", object_id=person.pk).data == {"reason": REASON}
    made = AccessLogEntry.objects.get(action="export", person=person.pk, object_type="person")
    assert (made.query, made.username) == (REASON, "coordinator_td")
    fetched = AccessLogEntry.objects.get(action="export", object_type="export_file")
    assert (fetched.person, fetched.object_id) == (person.pk, export.pk)


def test_the_file_is_stored_encrypted_outside_the_static_files(coordinator, persons, media):
    _ask(coordinator, persons["person_td"])
    export = Export.objects.get()
    files = list(media.rglob("*"))
    assert [p for p in files if p.is_file()] == [media / "exports" / f"{export.pk}.sealed"]
    sealed = exports.export_path(export).read_bytes()
    assert b"Achta" not in sealed and b"Mahamat" not in sealed and b"person" not in sealed
    assert exports.export_path(export).stat().st_mode & 0o077 == 0


def test_the_pdf_form_holds_the_same_data_and_survives_any_alphabet(
    coordinator, persons, users, media
):
    person = services.person_update(
        person=persons["person_td"],
        data={
            "given_name": "Achta",
            "family_name": "N’Djamena–Łukasz",
            "sex": "female",
            "migration_status": "national",
            "documents": [],
            "locality": "Chagoua — Est",
        },
        expected_version=1,
        by=users["agent_td"],
    )
    response = _ask(coordinator, person, fmt="pdf")
    download = coordinator.get(f"{response['Location']}download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(download.content)).pages)
    assert person.code in text
    assert "N'Djamena-Lukasz" in text and "Chagoua - Est" in text
    assert "Consent history" in text or "Historique" in text


@pytest.mark.parametrize("other", ["coordinator_td2", "agent_td", "manager_td", "me_hq"])
def test_nobody_else_opens_the_export_not_even_a_coordinator_of_the_country(
    coordinator, persons, users, login, world, other
):
    response = _ask(coordinator, persons["person_td"])
    page = response["Location"]
    if other == "coordinator_td2":
        user = _user("coordinator_td2", Role.COORDINATOR, country=world["td"])
    else:
        user = users[other]
    client = _reauthenticated(login(user))
    assert client.get(page).status_code == 404
    assert client.get(f"{page}download/").status_code == 404
    refused = AccessLogEntry.objects.filter(username=user.username, action="refused", status=404)
    assert refused.count() == 2
    assert not AccessLogEntry.objects.filter(object_type="export_file").exists()


def test_after_the_link_expires_a_clear_page_says_so(coordinator, persons, settings):
    settings.ORIENTA_EXPORT_LINK_MINUTES = 15
    response = _ask(coordinator, persons["person_td"])
    export = Export.objects.get()
    assert export.link_expires_at - export.created_at == datetime.timedelta(minutes=15)
    Export.objects.filter(pk=export.pk).update(
        link_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    page = coordinator.get(response["Location"])
    assert page.status_code == 410
    assert "This link has expired" in page.content.decode()
    download = coordinator.get(f"{response['Location']}download/")
    assert download.status_code == 410 and "attachment" not in download.get(
        "Content-Disposition", ""
    )


def test_files_are_purged_after_the_days_kept(coordinator, persons, media, settings):
    settings.ORIENTA_EXPORT_KEEP_DAYS = 7
    _ask(coordinator, persons["person_td"])
    export = Export.objects.get()
    path = exports.export_path(export)
    assert exports.exports_purge(timezone.now() + datetime.timedelta(days=6)) == 0
    assert path.exists()
    assert exports.exports_purge(timezone.now() + datetime.timedelta(days=7, seconds=1)) == 1
    assert not path.exists()
    export.refresh_from_db()
    assert export.purged_at is not None
    assert coordinator.get(f"/exports/{export.pk}/download/").status_code == 410


def test_the_export_asks_for_the_password_again_first(login, users, persons):
    client = login(users["coordinator_td"])
    session = client.session
    session[REAUTH_SESSION_KEY] = int(time.time()) - 3600
    session.save()
    response = _ask(client, persons["person_td"])
    assert response.status_code == 302 and "reauth" in response["Location"]
    assert not Export.objects.exists()


def test_a_format_must_be_chosen(coordinator, persons):
    response = coordinator.post(
        reverse("people:export", args=[persons["person_td"].pk]), {"reason": REASON}
    )
    assert response.status_code == 422 and not Export.objects.exists()


def test_the_service_is_reusable_by_any_app(users, persons, media):
    export = exports.export_create(
        by=users["manager_td"],
        reason="Monthly list for the donor",
        filename='list "May".csv',
        content_type="text/csv",
        data="code,visits\nTD-NDJ1-000001,3\n",
    )
    assert exports.export_read(export) == b"code,visits\nTD-NDJ1-000001,3\n"
    assert export.filename == "list_May_.csv"  # safe in a Content-Disposition header
    entry = AccessLogEntry.objects.filter(action="export").first()
    assert (entry.object_type, entry.object_id, entry.person) == ("export_file", export.pk, None)
    assert entry.query == "Monthly list for the donor"
