"""The resource centre through the API: documents (metadata, and the file at its own route
with the caller's token; a file checked as on the page) and the support given to CSOs, with
attendance by sex and the names only for those who read them on the page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orienta.core.models import Organisation
from orienta.networks.models import Document, Support, SupportParticipant
from orienta.networks.services import support_participant_add
from orienta.networks.tests.factories import make_document, make_support, pdf
from orienta.testing.access import api_headers

API = "/api/v1/resources"


def _document(**changes):
    body = {
        "country": "TD",
        "title": "Modèle de budget",
        "kind": "template",
        "theme": "finance",
        "language": "fr",
        "description": "Pour les trésoriers",
        "file": pdf(),
    }
    return {key: value for key, value in (body | changes).items() if value is not None}


def test_a_document_is_posted_with_its_file_and_read_back_with_its_download_page(
    client, users, world
):
    response = client.post(f"{API}/documents", _document(), **api_headers(users, "coordinator_td"))
    assert response.status_code == 201, response.json()
    body = response.json()
    document = Document.objects.get(pk=body["id"])
    assert (document.country, document.content_type) == (world["td"], "application/pdf")
    assert document.file.name.endswith(".pdf") and "budget" not in document.file.name
    file_url = f"http://testserver{API}/documents/{document.pk}/file"
    assert body["download_url"] == file_url
    download = client.get(file_url, **api_headers(users, "cso_td"))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == document.file.open("rb").read()
    assert download["Content-Disposition"] == f'attachment; filename="document-{document.pk}.pdf"'
    refused = client.get(file_url, **api_headers(users, "coordinator_mz"))
    assert refused.status_code == 404 and client.get(file_url).status_code == 401
    assert "file" not in body and body["size"] == document.size > 0
    read = client.get(f"{API}/documents/{document.pk}", **api_headers(users, "cso_td"))
    assert read.json()["title"] == "Modèle de budget"
    listed = client.get(f"{API}/documents?theme=finance", **api_headers(users, "agent_td"))
    assert [d["id"] for d in listed.json()["items"]] == [str(document.pk)]
    other = client.get(f"{API}/documents/{document.pk}", **api_headers(users, "coordinator_mz"))
    assert other.status_code == 404


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("guide.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"), "file_type"),
        (SimpleUploadedFile("vide.pdf", b"", "application/pdf"), "empty"),
    ],
)
def test_a_file_the_page_refuses_is_a_422_and_nothing_is_saved(client, users, world, upload, code):
    response = client.post(
        f"{API}/documents", _document(file=upload), **api_headers(users, "coordinator_td")
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]
    assert response.json()["detail"][0]["type"] == code
    assert not Document.objects.exists()


def test_a_file_too_large_is_refused_as_on_the_page(client, users, world, settings):
    settings.NETWORKS_FILE_MAX_BYTES = 20
    response = client.post(f"{API}/documents", _document(), **api_headers(users, "coordinator_td"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "too_large"
    assert not Document.objects.exists()


def test_a_document_without_its_file_or_with_a_bad_kind_is_a_422(client, users, world):
    headers = api_headers(users, "coordinator_td")
    missing = client.post(f"{API}/documents", _document(file=None), **headers)
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "file"]
    kind = client.post(f"{API}/documents", _document(kind="pamphlet"), **headers)
    assert kind.status_code == 422
    assert kind.json()["detail"][0]["loc"] == ["body", "kind"]
    assert not Document.objects.exists()


def test_only_headquarters_adds_a_document_for_every_country(client, users, world):
    everywhere = client.post(
        f"{API}/documents", _document(country=None), **api_headers(users, "me_hq")
    )
    assert everywhere.status_code == 201, everywhere.json()
    assert everywhere.json()["country"] is None
    coordinator = client.post(
        f"{API}/documents", _document(country=None), **api_headers(users, "coordinator_td")
    )
    assert coordinator.status_code == 422
    assert coordinator.json()["detail"][0]["loc"] == ["body", "country"]
    other = client.post(
        f"{API}/documents", _document(country="MZ"), **api_headers(users, "coordinator_td")
    )
    assert other.status_code == 422
    refused = client.post(f"{API}/documents", _document(), **api_headers(users, "cso_td"))
    assert refused.status_code == 403
    assert Document.objects.count() == 1


def test_documents_are_listed_by_language_and_kind_in_scope(client, users, world):
    make_document(users["coordinator_td"], world["td"], title="Guide FR")
    make_document(users["coordinator_td"], world["td"], title="Guia PT", language="pt")
    make_document(users["coordinator_mz"], world["mz"], title="Guia MZ", language="pt")
    headers = api_headers(users, "agent_td")
    titles = [d["title"] for d in client.get(f"{API}/documents", **headers).json()["items"]]
    assert titles == ["Guia PT", "Guide FR"]
    pt = client.get(f"{API}/documents?language=pt&kind=guide", **headers).json()["items"]
    assert [d["title"] for d in pt] == ["Guia PT"]
    assert client.get(f"{API}/documents?kind=policy", **headers).json()["count"] == 0


@pytest.fixture
def support(users, world):
    """A training of two CSOs of Chad: Achta of cso_td's, Moussa of the other's."""
    other = Organisation.objects.create(name="Autre association", kind="cso", country=world["td"])
    found = make_support(users["coordinator_td"], world["td"], [world["org_td"], other])
    support_participant_add(
        support=found, name="Moussa Ali", sex="male", organisation=other, by=users["coordinator_td"]
    )
    return found


@pytest.mark.parametrize(
    ("role", "names", "counts"),
    [
        ("coordinator_td", ["Achta Brahim", "Moussa Ali"], (1, 1)),
        ("cso_td", ["Achta Brahim"], (1, 0)),  # its own people only
        ("me_hq", None, (1, 1)),
        ("admin_user", None, (1, 1)),
        ("agent_td", None, (1, 1)),
    ],
)
def test_attendance_names_go_to_those_who_read_them_on_the_page(
    client, login, users, support, role, names, counts
):
    read = client.get(f"{API}/support/{support.pk}", **api_headers(users, role)).json()
    assert (read["women"], read["men"]) == counts
    got = None if read["participants"] is None else [p["name"] for p in read["participants"]]
    assert got == names
    listed = client.get(f"{API}/support", **api_headers(users, role)).json()["items"]
    assert listed == [read]
    page = login(users[role]).get(f"/resources/support/{support.pk}/").text
    assert ("Moussa Ali" in page) == bool(names and "Moussa Ali" in names)
    assert ("Achta Brahim" in page) == bool(names)
    assert f"{counts[0]} women, {counts[1]} men" in page


def test_a_support_is_recorded_for_csos_of_the_country_only(client, users, world):
    body = {
        "country": "TD",
        "kind": "coaching",
        "topic": "Plan de trésorerie",
        "on": "2026-03-02",
        "theme": "finance",
        "organisations": [str(world["org_td"].pk)],
    }
    headers = api_headers(users, "coordinator_td")
    created = client.post(f"{API}/support", body, content_type="application/json", **headers)
    assert created.status_code == 201, created.json()
    assert created.json()["organisations"] == [
        {"id": str(world["org_td"].pk), "name": world["org_td"].name}
    ]
    assert created.json()["participants"] == []
    foreign = body | {"organisations": [str(world["org_mz"].pk)]}
    refused = client.post(f"{API}/support", foreign, content_type="application/json", **headers)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "organisations"]
    future = body | {"on": "2026-04-01"}
    late = client.post(f"{API}/support", future, content_type="application/json", **headers)
    assert late.json()["detail"][0]["loc"] == ["body", "on"]
    assert Support.objects.count() == 1


def test_a_participant_is_added_as_on_the_page_and_counted(client, users, support):
    url = f"{API}/support/{support.pk}/participants"
    body = {
        "name": "Zara Mahamat",
        "sex": "female",
        "organisation": str(support.organisations.first().pk),
    }
    added = client.post(
        url, body, content_type="application/json", **api_headers(users, "coordinator_td")
    )
    assert added.status_code == 201, added.json()
    assert (added.json()["women"], added.json()["men"]) == (2, 1)
    assert "Zara Mahamat" in [p["name"] for p in added.json()["participants"]]
    outsider = Organisation.objects.create(name="Hors appui", kind="cso", country=support.country)
    wrong = client.post(
        url,
        body | {"organisation": str(outsider.pk)},
        content_type="application/json",
        **api_headers(users, "coordinator_td"),
    )
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["body", "organisation"]
    sex = client.post(
        url,
        body | {"sex": "x"},
        content_type="application/json",
        **api_headers(users, "coordinator_td"),
    )
    assert sex.status_code == 422 and sex.json()["detail"][0]["loc"] == ["body", "sex"]
    cso = client.post(url, body, content_type="application/json", **api_headers(users, "cso_td"))
    assert cso.status_code == 403
    other = client.post(
        url, body, content_type="application/json", **api_headers(users, "coordinator_mz")
    )
    assert other.status_code == 404
    assert SupportParticipant.objects.filter(support=support).count() == 3
