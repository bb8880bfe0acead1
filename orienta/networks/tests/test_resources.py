"""The resource centre: documents checked by content, served only through the download page,
filtered; the support given to CSOs with attendance by sex."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from orienta.networks.files import document_check
from orienta.networks.models import Document
from orienta.networks.services import BadInput, support_participant_add
from orienta.networks.tests.factories import PDF, make_document, make_support, pdf


def _docx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_a_document_is_typed_and_renamed_from_its_content():
    checked = document_check(SimpleUploadedFile("notes.txt", _docx(), content_type="text/plain"))
    assert checked.name.endswith(".docx")
    assert checked.content_type.endswith("wordprocessingml.document")


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00 a Windows program",
        b"<html><script>alert(1)</script></html>",
        b"PK\x03\x04 a zip that is no office document",
    ],
)
def test_an_upload_of_another_type_is_refused_whatever_its_name(content):
    with pytest.raises(ValidationError, match="Attach a PDF"):
        document_check(SimpleUploadedFile("guide.pdf", content, content_type="application/pdf"))


def test_an_upload_too_large_is_refused(settings):
    settings.NETWORKS_FILE_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="too large"):
        document_check(pdf(content=PDF + b" " * 200))


def test_the_page_refuses_a_wrong_type_and_saves_nothing(client, users, world):
    client.force_login(users["coordinator_td"])
    upload = SimpleUploadedFile("guide.pdf", b"MZ\x90\x00", content_type="application/pdf")
    data = {"country": world["td"].pk, "title": "Guide", "kind": "guide", "theme": "finance"}
    data["language"] = "fr"
    response = client.post("/resources/documents/new/", data | {"file": upload})
    assert response.status_code == 200
    assert "Attach a PDF, a Word, Excel" in response.text
    assert not Document.objects.exists()
    response = client.post("/resources/documents/new/", data | {"file": pdf()})
    assert response.status_code == 302
    assert Document.objects.get().country.code == "TD"


def test_files_are_kept_under_media_and_served_only_through_the_checked_page(
    client, users, world, settings
):
    document = make_document(users["coordinator_td"], world["td"])
    assert Path(document.file.path).is_relative_to(Path(settings.MEDIA_ROOT))
    client.force_login(users["cso_td"])
    response = client.get(f"/resources/documents/{document.pk}/file")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(users["agent_mz"])
    assert client.get(f"/resources/documents/{document.pk}/file").status_code == 404
    assert client.get("/media/" + document.file.name).status_code == 404


def test_a_document_for_every_country_is_read_everywhere_and_added_by_hq_only(client, users, world):
    from django.core.exceptions import PermissionDenied

    make_document(users["me_hq"], None, title="Programme guide")
    with pytest.raises(PermissionDenied):
        make_document(users["coordinator_td"], None)
    client.force_login(users["agent_mz"])
    assert "Programme guide" in client.get("/resources/").text


def test_the_library_filters_by_text_theme_language_and_kind(client, users, world):
    by = users["coordinator_td"]
    make_document(by, world["td"], title="Guide de gouvernance")
    make_document(by, world["td"], title="Guia de governação", language="pt")
    client.force_login(users["agent_td"])
    page = client.get("/resources/?language=pt").text
    assert "Guia de governação" in page and "Guide de gouvernance" not in page
    page = client.get("/resources/?q=GOUVERN").text
    assert "Guide de gouvernance" in page and "Guia de governação" not in page
    assert "No document matches." in client.get("/resources/?theme=finance").text
    assert "No document matches." in client.get("/resources/?kind=policy").text


def test_support_counts_its_participants_by_sex_and_they_belong_to_supported_csos(
    client, users, world
):
    support = make_support(users["coordinator_td"], world["td"], [world["org_td"]])
    support_participant_add(
        support=support,
        name="Moussa Ngarta",
        sex="male",
        organisation=world["org_td"],
        by=users["coordinator_td"],
    )
    with pytest.raises(BadInput):
        support_participant_add(
            support=support,
            name="X",
            sex="female",
            organisation=world["provider_org"],
            by=users["coordinator_td"],
        )
    client.force_login(users["cso_td"])
    assert "1 women, 1 men" in client.get(f"/resources/support/{support.pk}/").text


def test_a_cso_reads_the_support_given_to_its_own_organisation_only(client, users, world):
    from orienta.core.models import Organisation

    other = Organisation.objects.create(name="Autre OSC", kind="cso", country=world["td"])
    theirs = make_support(users["coordinator_td"], world["td"], [other], topic="Plaidoyer")
    client.force_login(users["cso_td"])
    assert client.get(f"/resources/support/{theirs.pk}/").status_code == 404
    assert "Plaidoyer" not in client.get("/resources/").text
