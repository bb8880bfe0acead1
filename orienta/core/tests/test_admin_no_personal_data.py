"""The administrator manages configuration and accounts, and reads no personal record: no page of
the admin shows a person's name or anything written about a person (notes, reasons, searches),
whatever the other apps hold."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

GIVEN, FAMILY = "Zenaba", "Haroun"
NOTE = "Confidentiel-7Q"  # in every free text written about the person


@pytest.fixture
def personal_world(world, users, persons):
    """Everything the apps write about one person, each free text holding NOTE."""
    from orienta.audit.services import access_log_record
    from orienta.cases.services import (
        case_break_glass,
        case_followup_record,
    )
    from orienta.cases.tests.factories import make_action, make_case
    from orienta.core.models import Theme
    from orienta.directory.tests.factories import make_service
    from orienta.frontdesk.services import visit_record
    from orienta.fund import services as fund
    from orienta.fund.tests.factories import make_fund, make_fund_request
    from orienta.people.models import Person
    from orienta.referrals.tests.factories import make_referral

    agent, manager = users["agent_td"], users["manager_td"]
    person = persons["person_td"]
    Person.objects.filter(pk=person.pk).update(given_name=GIVEN, family_name=FAMILY)
    person.refresh_from_db()
    visit_record(
        site=person.site,
        by=agent,
        person=person,
        data={
            "themes": list(Theme.objects.all()[:1]),
            "channel": "walk_in",
            "outcome": "informed",
            "occurred_at": timezone.now() - timedelta(hours=1),
            "notes": f"Visite {NOTE}",
        },
    )
    case = make_case(person, agent, assessment=f"Évaluation {NOTE}", sensitive=True)
    make_action(case, agent, what=f"Action {NOTE}")
    case_followup_record(case=case, by=agent, kind="phone", notes=f"Appel {NOTE}")
    from orienta.conftest import _user
    from orienta.core.models import Role

    other = _user("agent_td_c", Role.AGENT, sites=[person.site])
    case_break_glass(case=case, by=other, reason=f"Remplacement {NOTE}")
    service = make_service(world["provider_org"], name="Vaccination", amount=1500, currency="XAF")
    make_referral(person, service, agent, reason=f"Orientation {NOTE}")
    make_fund(world["td"], coordinator=users["coordinator_td"], allocations=[(person.site, 9000)])
    paid = make_fund_request(person, agent, amount=1500, service=service, reason=f"Motif {NOTE}")
    fund.request_approve(fund_request=paid, by=manager)
    fund.payment_record(
        fund_request=paid, by=manager, data=fund.PaymentInput(method="cash", receipt_number="R1")
    )
    fund.payment_reverse(fund_request=paid, by=manager, reason=f"Remboursé {NOTE}")
    cancelled = make_fund_request(person, agent, amount=500, service=service, reason="Frais")
    fund.request_approve(fund_request=cancelled, by=manager)
    fund.request_cancel(fund_request=cancelled, by=manager, reason=f"Annulé {NOTE}")
    access_log_record(
        actor=agent,
        action="search",
        channel="page",
        person_id=person.pk,
        site_id=person.site_id,
        query=f"q={GIVEN} {FAMILY} {NOTE}",
    )
    return person


def _admin_urls():
    """Every changelist of the admin, and the change and history pages of its first objects."""
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        yield reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        for obj in model_admin.get_queryset(_request()).all()[:10]:
            for page in ("change", "history"):
                try:
                    yield reverse(f"admin:{meta.app_label}_{meta.model_name}_{page}", args=[obj.pk])
                except NoReverseMatch:
                    continue


def _request():
    from django.test import RequestFactory

    from orienta.core.models import User

    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(username="admin_user")
    return request


def test_no_admin_page_shows_a_person_or_what_was_written_about_them(login, users, personal_world):
    client = login(users["admin_user"])
    pages = ["/admin/", *_admin_urls()]
    assert any("ledgerentry" in url for url in pages)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        text = response.content.decode()
        for secret in (GIVEN, FAMILY, NOTE, personal_world.phone[-6:]):
            assert secret not in text, (url, secret)
