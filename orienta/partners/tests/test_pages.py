"""The CSO pages: the profile, the radar chart comparing assessments, the plan, documents, and
what a CSO's account may not reach."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orienta.conftest import force_login_verified
from orienta.partners import services
from orienta.partners.models import Assessment, Contact, Document, PlanAction, Profile
from orienta.partners.tests.factories import make_records, pdf_upload, scores_of


def _login(client, user):
    force_login_verified(client, user)
    return client


def test_the_csos_own_account_edits_its_profile(client, users, cso_td, world):
    _login(client, users["cso_td"])
    page = client.get(f"/partners/{cso_td.pk}/edit/")
    version = page.context["form"].initial["version"]
    response = client.post(
        f"/partners/{cso_td.pk}/edit/",
        {
            "name": "Association Tchad Solidarité",
            "legal_status": "association",
            "registration_number": "TD/2011/137",
            "year_founded": "2010",
            "staff": "12",
            "volunteers": "35",
            "annual_budget": "18000000",
            "budget_currency": "xaf",
            "areas": [world["area_td"].pk],
            "version": version,
        },
    )
    assert response.status_code == 302
    profile = Profile.objects.get(organisation=cso_td)
    assert (profile.staff, profile.volunteers, profile.budget_currency) == (12, 35, "XAF")
    assert list(profile.areas.all()) == [world["area_td"]]
    page = client.get(f"/partners/{cso_td.pk}/")
    assert "TD-NDJ1" in page.text and "12 paid staff, 35 volunteers" in page.text

    # The same form sent again, opened before that save: refused, nothing changed.
    stale = client.post(
        f"/partners/{cso_td.pk}/edit/",
        {"name": "Autre nom", "staff": "1", "volunteers": "1", "version": version},
    )
    assert stale.status_code == 422 and "Someone else changed this record" in stale.text
    cso_td.refresh_from_db()
    assert cso_td.name == "Association Tchad Solidarité"


def test_a_budget_needs_a_currency(users, cso_td):
    data = services.ProfileData(name=cso_td.name, annual_budget=1000, budget_currency="")
    with pytest.raises(services.PartnerRefused, match="three letters"):
        services.profile_save(organisation=cso_td, data=data, by=users["cso_td"])


def test_two_assessments_are_compared_on_the_radar_chart(client, users, cso_td, tool, clock):
    first = services.assessment_record(
        organisation=cso_td,
        tool=tool,
        scores=scores_of(tool, 1),
        by=users["coordinator_td"],
        assessed_on=date(2025, 12, 1),
    )
    second = services.assessment_record(
        organisation=cso_td, tool=tool, scores=scores_of(tool, 3), by=users["cso_td"]
    )
    page = _login(client, users["cso_td"]).get(f"/partners/{cso_td.pk}/")
    svg = re.search(r"<svg class=\"chart radar\".*?</svg>", page.text, re.S).group(0)
    assert svg.count('class="series"') == 2
    assert "1.00" in page.text and "3.00" in page.text
    assert f"/partners/assessments/{first.pk}/" in page.text
    assert f"/partners/assessments/{second.pk}/" in page.text
    # Nine axes, numbered; the table under the chart names the areas.
    assert all(f">{n}</text>" in svg for n in range(1, 10))
    assert "9. Gender and inclusion" in page.text


def test_the_assessment_form_saves_scores_with_justification(client, users, cso_td, tool):
    _login(client, users["cso_td"])
    data = {"assessed_on": "2026-01-10", "participants": "5", "facilitator": "ESSOR"}
    for _area, statement in tool.parsed().statements():
        data[f"s_{statement.code}"] = "2"
    data["s_fin_books"] = "3"
    data["s_fin_books_j"] = "Livres tenus depuis 2024"
    data["s_fin_books_e"] = "Grand livre 2025"
    data["s_fin_books_i"] = "2 3 4"
    response = client.post(f"/partners/{cso_td.pk}/assess/", data)
    assert response.status_code == 302, response.context["form"].errors
    made = Assessment.objects.get()
    assert made.scores["fin_books"] == {
        "score": 3,
        "justification": "Livres tenus depuis 2024",
        "evidence": "Grand livre 2025",
        "individual": [2, 3, 4],
    }
    assert made.areas["finance"]["average"] == "2.33"
    page = client.get(f"/partners/assessments/{made.pk}/")
    assert "Livres tenus depuis 2024" in page.text and "2, 3, 4" in page.text


def test_an_incomplete_assessment_form_saves_nothing(client, users, cso_td, tool):
    response = _login(client, users["cso_td"]).post(
        f"/partners/{cso_td.pk}/assess/", {"assessed_on": "2026-01-10", "participants": "1"}
    )
    assert response.status_code == 422
    assert not Assessment.objects.exists()


def test_a_plan_action_is_added_and_done(client, users, cso_td, tool):
    _login(client, users["cso_td"])
    client.post(
        f"/partners/{cso_td.pk}/actions/",
        {
            "area": "finance",
            "description": "Former la trésorière",
            "support": "training",
            "responsible": "Présidente",
            "due_on": "2026-06-30",
        },
    )
    action = PlanAction.objects.get()
    client.post(f"/partners/actions/{action.pk}/status/", {"status": "done"})
    action.refresh_from_db()
    assert action.status == "done" and action.done_on is not None


def test_an_action_outside_the_tools_areas_is_refused(users, cso_td, tool):
    with pytest.raises(services.PartnerRefused, match="area of the assessment tool"):
        services.action_add(
            organisation=cso_td,
            area="cooking",
            description="x",
            support="training",
            responsible="y",
            due_on=date(2026, 6, 1),
            by=users["cso_td"],
        )


# What a CSO's account may not reach
# =============================================================================================


def test_a_cso_cannot_write_to_another_organisation(client, users, world, cso_mz):
    other = make_records(cso_mz, users["coordinator_mz"])
    _login(client, users["cso_td"])
    posts = {
        f"/partners/{cso_mz.pk}/contacts/": {"name": "Intrus"},
        f"/partners/{cso_mz.pk}/actions/": {
            "area": "finance",
            "description": "x",
            "support": "training",
            "responsible": "y",
            "due_on": "2026-06-30",
        },
        f"/partners/actions/{other['action'].pk}/status/": {"status": "cancelled"},
        f"/partners/contacts/{other['contact'].pk}/remove/": {},
        f"/partners/tranches/{other['tranche'].pk}/release/": {},
        f"/partners/{cso_mz.pk}/edit/": {"name": "Pris", "staff": "0", "volunteers": "0"},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    assert Contact.objects.filter(organisation=cso_mz, deleted_at__isnull=True).count() == 1
    assert PlanAction.objects.get(organisation=cso_mz).status == "planned"
    other["tranche"].refresh_from_db()
    assert other["tranche"].released_on is None
    cso_mz.refresh_from_db()
    assert cso_mz.name == "Associação Kuvumbana"


def test_a_cso_does_not_reach_persons_or_sites(client, users, persons):
    _login(client, users["cso_td"])
    assert client.get(f"/people/{persons['person_td'].pk}/").status_code in (403, 404)
    assert client.get("/families/").status_code == 403


def test_a_document_is_kept_out_of_public_reach_and_downloaded_in_scope(
    client, users, cso_td, cso_mz, settings
):
    made = services.document_add(
        organisation=cso_td,
        title="Statuts",
        kind="statutes",
        upload=pdf_upload(),
        by=users["cso_td"],
    )
    assert made.file.path.startswith(str(settings.MEDIA_ROOT))
    assert made.file.name.endswith(".pdf") and "statuts" not in made.file.name
    response = _login(client, users["cso_td"]).get(f"/partners/documents/{made.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    _login(client, users["coordinator_mz"])
    assert client.get(f"/partners/documents/{made.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.pdf", b"<html><script>alert(1)</script></html>"),
        ("macro.docm", b"PK\x03\x04rest"),
        ("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024 + 1)),
    ],
)
def test_a_document_of_another_kind_or_too_big_is_refused(users, cso_td, name, content):
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(services.PartnerRefused):
        services.document_add(
            organisation=cso_td, title="x", kind="other", upload=upload, by=users["cso_td"]
        )
    assert not Document.objects.exists()


def test_the_list_counts_queries_the_same_for_more_csos(
    client, users, world, django_assert_max_num_queries
):
    from orienta.core.models import Organisation

    for n in range(8):
        Organisation.objects.create(name=f"Association {n}", kind="cso", country=world["td"])
    _login(client, users["coordinator_td"])
    with django_assert_max_num_queries(12):
        response = client.get("/partners/")
    assert response.status_code == 200 and "Association 7" in response.text
