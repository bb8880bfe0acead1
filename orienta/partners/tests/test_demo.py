"""The demo's partner CSOs: three per country, assessed twice with progress, with plans, a
grant and applications; the cso-td account's organisation is one of Chad's."""

from orienta.core.models import Country, Organisation, User
from orienta.partners.models import Application, Assessment, Grant, PlanAction


def test_three_csos_per_country_assessed_twice_with_progress(demo_data):
    for country in Country.objects.filter(sites__isnull=False).distinct():
        csos = Organisation.objects.filter(country=country, kind="cso")
        assert csos.count() == 3, country.code
        for cso in csos:
            assessed = list(Assessment.objects.filter(organisation=cso).order_by("assessed_on"))
            assert len(assessed) == 2, cso.name
            assert assessed[1].average > assessed[0].average, cso.name
            assert PlanAction.objects.filter(organisation=cso, status="done").exists()
            assert Grant.objects.filter(organisation=cso).exists()
            assert Application.objects.filter(organisation=cso, stage="won").exists()


def test_the_cso_accounts_organisation_is_one_of_chads_with_its_data(demo_data):
    account = User.objects.get(username="cso-td")
    assert account.organisation.country.code == "TD" and account.organisation.kind == "cso"
    assert Assessment.objects.filter(organisation=account.organisation, created_by=account).exists()


def test_mozambiques_csos_write_in_portuguese(demo_data):
    action = PlanAction.objects.filter(organisation__country__code="MZ").first()
    grant = Grant.objects.filter(organisation__country__code="MZ").first()
    assert grant.purpose.startswith("Reforçar") and action.responsible.startswith("Coordenadora")
